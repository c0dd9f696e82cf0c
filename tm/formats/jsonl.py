"""JSON Lines: one JSON object per unit, props as a nested object."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from tmforge.atomic import atomic_write
from tmforge.tm.formats.base import MemoryFormat
from tmforge.tm.formats.frames import TEXT_SCHEMA, format_dates, parse_dates, prepare
from tmforge.tm.model import SCHEMA, TranslationMemory, props_to_json
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport


class JsonlFormat(MemoryFormat):
    name = "jsonl"
    extensions = (".jsonl",)
    description = "one JSON object per unit, props as a nested object"

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        rows = []
        with open(path, encoding="utf-8-sig") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"line {number} is not JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise ValueError(f"line {number} is not a JSON object")
                if isinstance(row.get("props"), dict):
                    row["props"] = props_to_json(row["props"])
                rows.append({k: row.get(k) for k in SCHEMA if k in row})
        if not rows:      # an empty memory is an empty file
            return TranslationMemory.empty()
        columns = {k for row in rows for k in row}
        frame = pl.DataFrame(rows, schema={k: v for k, v in TEXT_SCHEMA.items() if k in columns})
        return TranslationMemory.from_frame(parse_dates(frame))

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        frame, report = prepare(memory, options)
        with atomic_write(path) as fh:
            for row in format_dates(frame).iter_rows(named=True):
                if row["props"] is not None:
                    row["props"] = json.loads(row["props"])
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return report

    def repair_hint(self) -> str:
        return "a memory needs the keys source, target, src_lang and tgt_lang on every line"
