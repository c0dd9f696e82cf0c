"""Write options applied to a memory's frame, and dates as text: shared by the table formats."""

from __future__ import annotations

import polars as pl

from tmforge.tm.langtags import apply_lang_codes
from tmforge.tm.model import SCHEMA, TranslationMemory
from tmforge.tm.options import WriteOptions, WriteReport

DATE_FORMAT = "%Y%m%dT%H%M%SZ"   # TMX dates, in UTC, in every text format
# The frame as text formats read it: dates still strings, parsed by parse_dates.
TEXT_SCHEMA = {k: (pl.String if k == "created" else v) for k, v in SCHEMA.items()}
# Facts beside the text that --no-props leaves out (TMX writes them as props).
FACT_COLUMNS = ("score", "bead", "document", "seq", "props")


def prepare(memory: TranslationMemory, options: WriteOptions) -> tuple[pl.DataFrame, WriteReport]:
    """The frame to write and its report: codes mapped, whitespace trimmed, empty units and facts left out as asked."""
    frame = memory.frame
    codes = options.lang_codes
    if codes:
        mapping = {lang: apply_lang_codes(lang, codes)
                   for lang in set(frame["src_lang"].drop_nulls()) | set(frame["tgt_lang"].drop_nulls())}
        frame = frame.with_columns(pl.col("src_lang").replace(mapping), pl.col("tgt_lang").replace(mapping))
    if options.whitespace == "trim":
        frame = frame.with_columns(pl.col("source", "target").str.strip_chars())
    if not options.include_empty:
        frame = frame.filter((pl.col("source").fill_null("").str.strip_chars().str.len_chars() > 0)
                             & (pl.col("target").fill_null("").str.strip_chars().str.len_chars() > 0))
    if not options.props:
        frame = frame.with_columns(pl.lit(None, dtype=SCHEMA[c]).alias(c) for c in FACT_COLUMNS)
    if not options.dates:
        frame = frame.with_columns(pl.lit(None, dtype=SCHEMA["created"]).alias("created"))
    return frame, WriteReport(written=frame.height, skipped_empty=memory.frame.height - frame.height)


def format_dates(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("created").dt.strftime(DATE_FORMAT))


def parse_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Text dates back to datetimes; a date in another form becomes null rather than a made-up one."""
    if "created" not in frame.columns:
        return frame
    return frame.with_columns(pl.col("created").cast(pl.String).str.strptime(
        pl.Datetime("us", "UTC"), DATE_FORMAT, strict=False))
