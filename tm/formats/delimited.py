"""TSV and CSV: a header row of column names, one row per unit; props as a JSON object."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tmforge.atomic import atomic_path
from tmforge.tm.formats.base import MemoryFormat
from tmforge.tm.formats.frames import TEXT_SCHEMA, format_dates, parse_dates, prepare
from tmforge.tm.model import TranslationMemory
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport


class DelimitedFormat(MemoryFormat):
    separator: str

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        frame = pl.read_csv(path, separator=self.separator, schema_overrides=TEXT_SCHEMA, infer_schema=False,
                            encoding="utf8")
        return TranslationMemory.from_frame(parse_dates(frame))

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        frame, report = prepare(memory, options)
        with atomic_path(path) as tmp:
            # Tabs, commas and line breaks inside text would break rows: polars quotes such fields.
            format_dates(frame).write_csv(tmp, separator=self.separator)
        return report

    def repair_hint(self) -> str:
        return "a memory needs the columns source, target, src_lang and tgt_lang"


class TsvFormat(DelimitedFormat):
    name = "tsv"
    extensions = (".tsv",)
    description = "tab-separated, a header row of column names, text with tabs or line breaks quoted"
    separator = "\t"


class CsvFormat(DelimitedFormat):
    name = "csv"
    extensions = (".csv",)
    description = "comma-separated, as .tsv"
    separator = ","
