"""Parquet: the memory's frame as it is; header facts in the file's key-value metadata."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from tmforge.atomic import atomic_path
from tmforge.tm.formats.base import MemoryFormat
from tmforge.tm.formats.frames import prepare
from tmforge.tm.model import TranslationMemory
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport

META_KEY = "tmforge.meta"


class ParquetFormat(MemoryFormat):
    name = "parquet"
    extensions = (".parquet",)
    description = "the memory's table as it is, header facts included, for polars, pandas, DuckDB"
    keeps_meta = True

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        meta = json.loads(pl.read_parquet_metadata(path).get(META_KEY) or "{}")
        if not isinstance(meta, dict):
            raise ValueError(f"its {META_KEY} metadata is not a JSON object")
        return TranslationMemory.from_frame(pl.read_parquet(path), meta)

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        frame, report = prepare(memory, options)
        with atomic_path(path) as tmp:
            frame.write_parquet(tmp, metadata={META_KEY: json.dumps(memory.meta, ensure_ascii=False)})
        return report

    def repair_hint(self) -> str:
        return "a memory needs the columns source, target, src_lang and tgt_lang"
