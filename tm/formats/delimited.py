"""TSV and CSV: a header row of column names, one row per unit; props as a JSON object.

TSV is written as pipelines (cut, awk, pandas with quoting off) read it:
exactly one line per unit, fields split on tabs, no quoting at all. What
would break a line or a field inside a segment is escaped with a backslash,
and reading undoes it, so every text round-trips:

| in the text | written as |
| --- | --- |
| backslash | `\\` |
| tab | `\t` |
| line feed | `\n` |
| carriage return | `\r` |

An empty field is an empty segment, or no value in the other columns. CSV keeps RFC 4180 quoting.
"""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path
from typing import Iterator

import polars as pl

from tmforge.atomic import atomic_path
from tmforge.errors import TmforgeError
from tmforge.tm.formats.base import MemoryFormat
from tmforge.tm.formats.frames import TEXT_SCHEMA, format_dates, parse_dates, prepare
from tmforge.tm.model import TranslationMemory
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport

# Escapes in the order they must be applied: the backslash first, so the ones added later stay single.
TSV_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))
_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
_ESCAPE_SEQUENCE = re.compile(r"\\[\\tnr]")


def tsv_escape(text: str) -> str:
    for raw, escaped in TSV_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def tsv_unescape(text: str) -> str:
    """Undo tsv_escape in one pass (so `\\\\n` is a backslash and an n); a lone backslash stays as it is."""
    return _ESCAPE_SEQUENCE.sub(lambda m: _UNESCAPES[m.group()], text)


def _fields(n: int) -> str:
    return f"{n} field" + ("" if n == 1 else "s")


def _not_utf8(path: Path, line: int, first: bytes) -> TmforgeError:
    kind = "UTF-16 (Excel's 'Unicode text')" if first[:2] in (b"\xff\xfe", b"\xfe\xff") else "not UTF-8"
    return TmforgeError(f"{path}, line {line}: the file is {kind}; save it as UTF-8 and import it again")


def _utf8_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(number, line) of the file's lines; a line that is not UTF-8 raises TmforgeError naming it (polars
    names neither line nor encoding)."""
    with open(path, "rb") as fh:
        header = fh.readline()
        for number, line in enumerate(itertools.chain([header], fh), 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                raise _not_utf8(path, number, header) from None
            yield number, line


def ragged_tsv_line(path: Path) -> tuple[int, int, int] | None:
    """(line, its fields, the header's fields) of the first non-empty line whose tab count differs from
    the header's, or None. Unquoted TSV has one line per unit, so this is the damaged line: polars names no
    line, and fills a short one's missing fields with nothing (it would pass as a unit with an empty side).
    A line that is not UTF-8 raises TmforgeError."""
    expected = None
    for number, line in _utf8_lines(path):
        tabs = line.count(b"\t")
        if expected is None:
            expected = tabs
        elif tabs != expected and line.strip(b"\r\n"):
            return number, tabs + 1, expected + 1
    return None


def _check_utf8(path: Path) -> None:
    for _ in _utf8_lines(path):
        pass


def bad_csv_record(path: Path) -> tuple[int, str] | None:
    """(first line of the first record the csv module cannot read or whose field count differs from the
    header's, what is wrong), or None: polars' CSV errors name no line."""
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        start = 1
        try:
            header = next(reader, [])
            while True:
                start = reader.line_num + 1
                row = next(reader, None)
                if row is None:
                    return None
                if row and len(row) != len(header):
                    return start, f"{_fields(len(row))} where the header has {len(header)}"
        except csv.Error as exc:
            return start, str(exc)


class DelimitedFormat(MemoryFormat):
    separator: str

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        try:
            frame = pl.read_csv(path, separator=self.separator, schema_overrides=TEXT_SCHEMA, infer_schema=False,
                                encoding="utf8")
        except pl.exceptions.PolarsError:
            _check_utf8(path)
            found = bad_csv_record(path)
            if found is None:
                raise
            raise TmforgeError(f"{path}, line {found[0]}: {found[1]}; a quote opened in a field must be closed, "
                               "and every row needs as many fields as the header") from None
        return TranslationMemory.from_frame(parse_dates(frame))

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        frame, report = prepare(memory, options)
        with atomic_path(path) as tmp:
            # Commas, quotes and line breaks inside text would break rows: polars quotes such fields.
            format_dates(frame).write_csv(tmp, separator=self.separator)
        return report

    def repair_hint(self) -> str:
        return "a memory needs the columns source, target, src_lang and tgt_lang"


class TsvFormat(DelimitedFormat):
    name = "tsv"
    extensions = (".tsv",)
    description = r"tab-separated, a header row of column names, one line per unit, no quoting; \t \n \r \\ escaped"
    separator = "\t"

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        ragged = ragged_tsv_line(path)
        if ragged is not None:
            line, fields, expected = ragged
            raise TmforgeError(f"{path}, line {line}: {_fields(fields)} where the header has {expected}; a TSV "
                               "memory has one line per unit, with tabs and line breaks in a text written as \\t "
                               "and \\n")
        frame = pl.read_csv(path, separator="\t", quote_char=None, schema_overrides=TEXT_SCHEMA,
                            infer_schema=False, encoding="utf8")
        frame = frame.with_columns(
            pl.Series(name, [tsv_unescape(v) if v is not None and "\\" in v else v for v in frame[name]],
                      dtype=pl.String)
            for name, dtype in frame.schema.items() if dtype == pl.String)
        # Unquoted, an empty segment and a missing one look the same; a segment is never missing.
        frame = frame.with_columns(pl.col(c).fill_null("") for c in ("source", "target") if c in frame.columns)
        return TranslationMemory.from_frame(parse_dates(frame))

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        frame, report = prepare(memory, options)
        frame = format_dates(frame)
        text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
        escaped = [pl.col(name) for name in text_columns]
        for raw, replacement in TSV_ESCAPES:
            escaped = [e.str.replace_all(raw, replacement, literal=True) for e in escaped]
        frame = frame.with_columns(escaped)
        with atomic_path(path) as tmp:
            frame.write_csv(tmp, separator="\t", quote_style="never")
        return report


class CsvFormat(DelimitedFormat):
    name = "csv"
    extensions = (".csv",)
    description = "comma-separated (RFC 4180 quoting), a header row of column names"
    separator = ","
