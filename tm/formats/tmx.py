"""TMX 1.4b as a registered format; the streaming reader and writer are in tm/tmx.py."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Mapping

from tmforge.tm import tmx
from tmforge.tm.formats.base import MemoryFormat
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport


class TmxFormat(MemoryFormat):
    name = "tmx"
    extensions = (".tmx",)
    description = "TMX 1.4b, what CAT tools import; reads TMX 1.1 to 1.4 in constant memory"
    keeps_meta = True
    streams = True
    inline_tags = True

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        return tmx.read_tmx(path, options.src_lang, options.tgt_lang, options.inline)

    def iter_units(self, path: str | Path, options: ReadOptions | None = None) -> Iterator[TranslationUnit]:
        options = options or ReadOptions()
        return tmx.iter_tmx(path, options.src_lang, options.tgt_lang, options.inline)

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        return tmx.write_tmx(memory, path, options=options)

    def write_units(self, units: Iterable[TranslationUnit], path: str | Path, options: WriteOptions | None = None,
                    meta: Mapping[str, str] | None = None) -> WriteReport:
        return tmx.write_tmx(units, path, meta=meta, options=options or WriteOptions())

    def repair_hint(self) -> str:
        return "fix or re-export the file"
