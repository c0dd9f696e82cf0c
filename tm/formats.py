"""Translation-memory formats and dispatch by file extension.

| extension | format |
| --- | --- |
| .tmx | TMX 1.4b (tm/tmx.py) |
| .tsv, .csv | one row per unit, a header row of column names; text with tabs, commas or line breaks is quoted |
| .jsonl | one JSON object per unit; props as a nested object |
| .parquet | the frame as it is |
| .moses | Moses plain-text pair: `NAME.moses` stands for `NAME.SRC` and `NAME.TGT` (e.g. corpus.ru and corpus.en), line i of one translating line i of the other; text only |

Every format but Moses carries every column, `props` included (a JSON object
in text formats). Dates are written as TMX dates, YYYYMMDDThhmmssZ in UTC.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import polars as pl

from tmforge.tm import tmx
from tmforge.atomic import atomic_group, atomic_path, atomic_write, check_writable
from tmforge.errors import TmforgeError
from tmforge.tm.langtags import apply_lang_codes, canonical_tag, parse_lang_codes
from tmforge.tm.model import SCHEMA, TranslationMemory, props_to_json

FORMATS = (".tmx", ".tsv", ".csv", ".jsonl", ".parquet", ".moses")
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
PARQUET_META = "tmforge.meta"
_TEXT_SCHEMA = {k: (pl.String if k == "created" else v) for k, v in SCHEMA.items()}


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise TmforgeError(f"unknown memory format '{suffix or Path(path).name}'; "
                           f"use one of {', '.join(FORMATS)}")
    return suffix


def moses_paths(path: str | Path, src_lang: str, tgt_lang: str) -> tuple[Path, Path]:
    """`NAME.moses` -> (NAME.SRC, NAME.TGT)."""
    stem = Path(path).with_suffix("")
    if src_lang == tgt_lang:
        raise TmforgeError(f"a Moses pair needs two languages, not {src_lang} twice")
    return stem.with_name(f"{stem.name}.{src_lang}"), stem.with_name(f"{stem.name}.{tgt_lang}")


def input_paths(path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None) -> list[Path]:
    """The files reading `path` opens (two for a Moses pair), so outputs never overwrite them."""
    if format_of(path) == ".moses" and src_lang and tgt_lang:
        return list(moses_paths(path, canonical_tag(src_lang), canonical_tag(tgt_lang)))
    return [Path(path)]


def output_paths(tm: TranslationMemory, path: str | Path, **options) -> list[Path]:
    """The files writing `tm` to `path` creates (two for a Moses pair)."""
    if format_of(path) != ".moses":
        return [Path(path)]
    return list(moses_paths(path, *_moses_langs(tm, options.get("lang_codes"))))


def check_outputs(tm: TranslationMemory, path: str | Path, inputs: Iterable[str | Path] = (),
                  force: bool = False, **options) -> None:
    """Refuse to overwrite inputs, or existing files without force, before any work is lost."""
    for out in output_paths(tm, path, **options):
        check_writable(out, tuple(inputs), force)


def write_memory(tm: TranslationMemory, path: str | Path, **options) -> tmx.WriteReport:
    """Write `tm` in the format its extension names, atomically.

    Options (TMX: see tm.tmx.TmxOptions; lang_codes and include_empty apply to
    every format): lang_codes={"en": "en-GB"}, props=False, whitespace="keep" ...
    """
    fmt = format_of(path)
    if fmt == ".tmx":
        return tmx.write_tmx(tm, path, **options)
    unknown = set(options) - {"lang_codes", "include_empty", "props", "whitespace", "tuids", "dates",
                              "inline_markup", "srclang"}
    if unknown:
        raise TypeError(f"unknown write options {sorted(unknown)}")
    frame = _prepare(tm, options)
    if fmt == ".moses":
        return _write_moses(frame, tm, path, options)
    dated = frame.with_columns(pl.col("created").dt.strftime(DATE_FORMAT))
    with atomic_path(path) as tmp:
        if fmt in (".tsv", ".csv"):
            # Tabs, commas and line breaks inside text would break rows: polars quotes such fields.
            dated.write_csv(tmp, separator="\t" if fmt == ".tsv" else ",")
        elif fmt == ".jsonl":
            _write_jsonl(dated, tmp)
        else:
            # Header facts (the alignment signature ...) travel in the file's key-value metadata.
            frame.write_parquet(tmp, metadata={PARQUET_META: json.dumps(tm.meta, ensure_ascii=False)})
    return tmx.WriteReport(written=frame.height,
                           skipped_empty=tm.frame.height - frame.height)


def _prepare(tm: TranslationMemory, options: dict) -> pl.DataFrame:
    """The frame to write: language codes mapped, empty units dropped unless asked for."""
    frame = tm.frame
    codes = parse_lang_codes(options.get("lang_codes"))
    if codes:
        mapping = {lang: apply_lang_codes(lang, codes)
                   for lang in set(frame["src_lang"].drop_nulls()) | set(frame["tgt_lang"].drop_nulls())}
        frame = frame.with_columns(pl.col("src_lang").replace(mapping), pl.col("tgt_lang").replace(mapping))
    if not options.get("include_empty", False):
        frame = frame.filter((pl.col("source").str.strip_chars().str.len_chars() > 0)
                             & (pl.col("target").str.strip_chars().str.len_chars() > 0))
    return frame


def _write_jsonl(frame: pl.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in frame.iter_rows(named=True):
            if row["props"] is not None:
                row["props"] = json.loads(row["props"])
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _moses_langs(tm: TranslationMemory, lang_codes=None) -> tuple[str, str]:
    langs = tm.languages
    if langs is None:
        if len(tm) == 0:
            raise TmforgeError("the memory is empty; a Moses pair needs the languages of its units")
        raise TmforgeError("the memory holds several language directions; a Moses pair holds one: "
                           "filter or convert each direction separately")
    codes = parse_lang_codes(lang_codes)
    return apply_lang_codes(langs[0], codes), apply_lang_codes(langs[1], codes)


def _write_moses(frame: pl.DataFrame, tm: TranslationMemory, path: str | Path,
                 options: dict) -> tmx.WriteReport:
    src_path, tgt_path = moses_paths(path, *_moses_langs(tm, options.get("lang_codes")))
    # One line per segment: line breaks inside a segment become spaces.
    flat = frame.select(pl.col("source", "target").str.replace_all(r"[\r\n\u2028\u2029]+", " "))
    with atomic_group(), atomic_write(src_path) as src_fh, atomic_write(tgt_path) as tgt_fh:  # both or neither
        for source, target in flat.iter_rows():
            src_fh.write(source + "\n")
            tgt_fh.write(target + "\n")
    return tmx.WriteReport(written=frame.height, skipped_empty=tm.frame.height - frame.height)


def read_memory(path: str | Path, *, src_lang: str | None = None, tgt_lang: str | None = None,
                inline: str = "strip") -> TranslationMemory:
    """Read a memory in the format its extension names.

    src_lang/tgt_lang pick the pair in a multilingual TMX and name the two
    files of a Moses pair (required there when NAME.* holds other files).
    """
    fmt = format_of(path)
    if fmt == ".moses":
        return _read_moses(Path(path), src_lang, tgt_lang)
    if not Path(path).is_file():
        raise TmforgeError(f"file not found: {path}")
    if fmt == ".tmx":
        return tmx.read_tmx(path, src_lang, tgt_lang, inline)
    try:
        if fmt == ".parquet":
            meta = json.loads(pl.read_parquet_metadata(path).get(PARQUET_META) or "{}")
            return TranslationMemory.from_frame(pl.read_parquet(path), meta)
        if fmt in (".tsv", ".csv"):
            frame = pl.read_csv(path, separator="\t" if fmt == ".tsv" else ",",
                                schema_overrides=_TEXT_SCHEMA, infer_schema=False)
        else:
            frame = _read_jsonl(Path(path))
        if "created" in frame.columns:
            frame = frame.with_columns(pl.col("created").cast(pl.String).str.strptime(
                pl.Datetime("us", "UTC"), DATE_FORMAT, strict=False))
        return TranslationMemory.from_frame(frame)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise TmforgeError(f"cannot read {path} as {fmt[1:].upper()}: {str(exc).splitlines()[0]}; "
                           "a memory needs the columns source, target, src_lang and tgt_lang") from None


def _read_jsonl(path: Path) -> pl.DataFrame:
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
    columns = {k for row in rows for k in row}
    return pl.DataFrame(rows, schema={k: v for k, v in _TEXT_SCHEMA.items() if k in columns})


def _read_moses(path: Path, src_lang: str | None, tgt_lang: str | None) -> TranslationMemory:
    stem = path.with_suffix("")
    if not (src_lang and tgt_lang):
        found = sorted(p.name for p in stem.parent.glob(f"{stem.name}.*") if p.suffix != ".moses")
        raise TmforgeError(f"a Moses pair has no language direction; pass the source and target "
                           f"languages (--src-lang/--tgt-lang) to read {stem.name}.SRC and "
                           f"{stem.name}.TGT (found: {', '.join(found) or 'nothing'})")
    src_lang, tgt_lang = canonical_tag(src_lang), canonical_tag(tgt_lang)
    src_path, tgt_path = moses_paths(path, src_lang, tgt_lang)
    sides = []
    for side in (src_path, tgt_path):
        if not side.is_file():
            raise TmforgeError(f"file not found: {side} (the Moses pair {path.name} is "
                               f"{src_path.name} and {tgt_path.name})")
        try:
            sides.append(side.read_text(encoding="utf-8-sig").splitlines())
        except UnicodeDecodeError:
            raise TmforgeError(f"{side} is not UTF-8 text; convert it first") from None
    if len(sides[0]) != len(sides[1]):
        raise TmforgeError(f"{src_path.name} has {len(sides[0])} lines but {tgt_path.name} has "
                           f"{len(sides[1])}; a Moses pair needs one line per segment on both sides")
    frame = pl.DataFrame({"source": sides[0], "target": sides[1]}, schema={"source": pl.String,
                                                                           "target": pl.String})
    frame = frame.with_columns(pl.lit(src_lang).alias("src_lang"), pl.lit(tgt_lang).alias("tgt_lang"),
                               pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("seq"))
    return TranslationMemory.from_frame(frame)
