"""Translation-memory formats other than TMX, and dispatch by file extension."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tm.atomic import atomic_path
from tm.errors import TmforgeError
from tm.model import SCHEMA, TranslationMemory
from tm import tmx

FORMATS = (".tmx", ".tsv", ".jsonl", ".parquet")


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise TmforgeError(f"unknown output format '{suffix or Path(path).name}'; "
                           f"use one of {', '.join(FORMATS)}")
    return suffix


def write_memory(tm: TranslationMemory, path: str | Path, **tmx_options) -> tmx.WriteReport:
    """Write `tm` in the format its extension names, atomically."""
    fmt = format_of(path)
    if fmt == ".tmx":
        return tmx.write_tmx(tm, path, **tmx_options)
    frame = tm.frame
    with atomic_path(path) as tmp:
        if fmt == ".tsv":
            # Tabs and newlines inside text would break rows: polars quotes such fields.
            frame.with_columns(pl.col("created").dt.strftime("%Y%m%dT%H%M%SZ")).write_csv(
                tmp, separator="\t")
        elif fmt == ".jsonl":
            frame.with_columns(pl.col("created").dt.strftime("%Y%m%dT%H%M%SZ")).write_ndjson(tmp)
        else:
            frame.write_parquet(tmp)
    return tmx.WriteReport(written=frame.height)


def read_memory(path: str | Path) -> TranslationMemory:
    fmt = format_of(path)
    if not Path(path).is_file():
        raise TmforgeError(f"file not found: {path}")
    if fmt == ".tmx":
        return tmx.read_tmx(path)
    if fmt == ".parquet":
        return TranslationMemory.from_frame(pl.read_parquet(path))
    text_schema = {k: (pl.String if k == "created" else v) for k, v in SCHEMA.items()}
    if fmt == ".tsv":
        frame = pl.read_csv(path, separator="\t", schema_overrides=text_schema)
    else:
        frame = pl.read_ndjson(path, schema=text_schema)
    if "created" in frame.columns:
        frame = frame.with_columns(pl.col("created").str.strptime(
            pl.Datetime("us", "UTC"), "%Y%m%dT%H%M%SZ", strict=False))
    return TranslationMemory.from_frame(frame)
