"""Translation-memory formats, chosen by file extension from one registry.

Each format is one MemoryFormat subclass in its own module (see base.py);
BUILT_IN below is the table of the formats tm/ ships, in the order help texts
list them. The aligner adds `.align` (bead indices) with `registry.register`.
Every format but Moses carries every column, props included; dates are
written as TMX dates, YYYYMMDDThhmmssZ in UTC. `tmforge tm formats` prints
the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from tmforge.atomic import check_folder, check_writable, refuse_inputs
from tmforge.tm.formats.base import FormatRegistry, MemoryFormat
from tmforge.tm.formats.delimited import CsvFormat, TsvFormat
from tmforge.tm.formats.jsonl import JsonlFormat
from tmforge.tm.formats.moses import MosesFormat
from tmforge.tm.formats.parquet import ParquetFormat
from tmforge.tm.formats.tmx import TmxFormat
from tmforge.tm.formats.xliff import XliffFormat
from tmforge.tm.formats.xliff2 import Xliff2Format
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport

BUILT_IN: tuple[type[MemoryFormat], ...] = (TmxFormat, TsvFormat, CsvFormat, JsonlFormat, ParquetFormat,
                                            MosesFormat, XliffFormat, Xliff2Format)

registry = FormatRegistry()
for _format in BUILT_IN:
    registry.register(_format)

__all__ = ["BUILT_IN", "FormatRegistry", "MemoryFormat", "ReadOptions", "WriteOptions", "WriteReport",
           "check_outputs", "format_for", "input_paths", "iter_memory", "read_memory", "registry",
           "write_memory"]


def format_for(path: str | Path) -> MemoryFormat:
    """The memory format `path`'s extension names (TmforgeError listing the known ones otherwise)."""
    return registry.for_path(path)


def _read_options(options: ReadOptions | None, values: dict) -> ReadOptions:
    if options is not None and values:
        raise TypeError("give read options either as an object or as keywords, not both")
    return options or ReadOptions(**values)


def read_memory(path: str | Path, options: ReadOptions | None = None, **option_values) -> TranslationMemory:
    """Read a memory in the format its extension names.

    Options are ReadOptions fields, as an object or keywords: src_lang/tgt_lang
    pick the pair in a multilingual TMX and name the two files of a Moses pair.
    """
    return format_for(path).read(path, _read_options(options, option_values))


def iter_memory(path: str | Path, options: ReadOptions | None = None,
                **option_values) -> Iterator[TranslationUnit]:
    """The units of a memory one by one (in constant memory for TMX)."""
    return format_for(path).iter_units(path, _read_options(options, option_values))


def write_memory(tm: TranslationMemory, path: str | Path, options: WriteOptions | None = None,
                 **option_values) -> WriteReport:
    """Write `tm` in the format its extension names, atomically.

    Options are WriteOptions fields, as an object or keywords:
    lang_codes={"en": "en-GB"}, props=False, whitespace="keep", include_empty=True ...
    """
    if options is not None and option_values:
        raise TypeError("give write options either as an object or as keywords, not both")
    return format_for(path).write(tm, path, options or WriteOptions(**option_values))


def input_paths(path: str | Path, options: ReadOptions | None = None) -> list[Path]:
    """The files reading `path` opens (two for a Moses pair), so outputs never overwrite them."""
    return format_for(path).input_paths(Path(path), options or ReadOptions())


def check_outputs(path: str | Path, inputs: Iterable[str | Path] = (), force: bool = False, *,
                  languages: tuple[str, str] | None = None, options: WriteOptions | None = None,
                  beads: bool = False, noun: str = "memory format") -> list[Path]:
    """Refuse, before any work, output that would lose something; return the files writing `path` creates.

    The one check both command lines use: a known format (`beads`: also the
    formats written from an alignment), no output that is also an input, no
    existing file without `force`, a folder where files can be created, and
    for a Moses pair both of its files. `languages` is the memory's direction
    when known (a Moses pair is named after it); without it only the folder
    of a pair is checked, and the caller checks again once the memory is there.
    """
    inputs = tuple(inputs)
    path = refuse_inputs(path, inputs)     # the most telling refusal comes first
    fmt = registry.for_path(path, beads=beads, noun=noun)
    planned = fmt.output_paths(path, languages, options or WriteOptions())
    for out in planned:
        check_writable(out, inputs, force)
    if not planned:
        check_folder(path.parent if str(path.parent) else Path("."))
    return planned
