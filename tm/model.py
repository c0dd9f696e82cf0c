"""Translation units and the in-memory translation memory (a polars DataFrame)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Iterable, Iterator

import polars as pl

# One row per translation unit. Optional facts the aligner knows are nullable.
SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String,
    "target": pl.String,
    "src_lang": pl.String,
    "tgt_lang": pl.String,
    "score": pl.Float64,          # calibrated alignment confidence in [0, 1]
    "bead": pl.String,            # "1-1", "1-2", ...
    "document": pl.String,        # source document the unit came from
    "seq": pl.Int64,              # position of the unit in its document
    "created": pl.Datetime("us", "UTC"),
    "props": pl.String,           # further facts as a JSON object {"key": "value"}; null when none
}


@dataclass(frozen=True)
class TranslationUnit:
    source: str
    target: str
    src_lang: str
    tgt_lang: str
    score: float | None = None
    bead: str | None = None
    document: str | None = None
    seq: int | None = None
    created: datetime | None = None
    # Free-form facts (subtitle timing, TMX props of other tools); written to TMX as <prop type="x-KEY">.
    props: dict[str, str] | None = None


UNIT_FIELDS = tuple(f.name for f in fields(TranslationUnit))
assert UNIT_FIELDS == tuple(SCHEMA), "TranslationUnit fields and SCHEMA columns must match"


def props_to_json(props: dict[str, str] | None) -> str | None:
    """The frame's encoding of props: sorted keys for deterministic output, null when empty."""
    if not props:
        return None
    return json.dumps({str(k): str(v) for k, v in props.items()}, ensure_ascii=False, sort_keys=True)


def props_from_json(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    value = json.loads(text)
    return {str(k): str(v) for k, v in value.items()} or None


def check_props(column: pl.Series) -> None:
    """ValueError naming the first row whose props is not a JSON object (readers of files call this)."""
    for row, text in enumerate(column):
        if text is None:
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            value = None
        if not isinstance(value, dict):
            raise ValueError(f"row {row + 1}: props {text[:40]!r} is not a JSON object such as "
                             '{"key": "value"}')


def now_utc() -> datetime:
    """Current time, truncated to seconds as TMX dates are."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def units_frame(units: Iterable[TranslationUnit]) -> pl.DataFrame:
    """A frame in SCHEMA from translation units (column-wise, which is faster than rows)."""
    columns: dict[str, list] = {name: [] for name in SCHEMA}
    for unit in units:
        for name in UNIT_FIELDS:
            columns[name].append(getattr(unit, name))
    columns["props"] = [props_to_json(p) for p in columns["props"]]
    return pl.DataFrame(columns, schema=SCHEMA)


@dataclass
class TranslationMemory:
    """A table of translation units plus header facts (tool, signature ...)."""

    frame: pl.DataFrame
    meta: dict[str, str] = field(default_factory=dict)

    @classmethod
    def empty(cls, meta: dict[str, str] | None = None) -> "TranslationMemory":
        return cls(pl.DataFrame(schema=SCHEMA), dict(meta or {}))

    @classmethod
    def from_units(cls, units: Iterable[TranslationUnit],
                   meta: dict[str, str] | None = None) -> "TranslationMemory":
        return cls(units_frame(units), dict(meta or {}))

    @classmethod
    def from_frame(cls, frame: pl.DataFrame, meta: dict[str, str] | None = None) -> "TranslationMemory":
        """Adopt a frame with at least source/target/src_lang/tgt_lang; missing columns become null."""
        missing = [c for c in ("source", "target", "src_lang", "tgt_lang") if c not in frame.columns]
        if missing:
            raise ValueError(f"translation memory frame lacks columns {missing}")
        cols = [frame[c].cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c)
                for c, t in SCHEMA.items()]
        selected = frame.select(cols)
        check_props(selected["props"])
        return cls(selected, dict(meta or {}))

    def __len__(self) -> int:
        return self.frame.height

    def units(self) -> Iterator[TranslationUnit]:
        for row in self.frame.iter_rows(named=True):
            values = {k: row[k] for k in SCHEMA}
            values["props"] = props_from_json(values["props"])
            yield TranslationUnit(**values)

    @property
    def languages(self) -> tuple[str, str] | None:
        """The (source, target) language pair, if the memory has one direction."""
        if self.frame.height == 0:
            return None
        pairs = self.frame.select("src_lang", "tgt_lang").unique()
        if pairs.height != 1:
            return None
        return pairs.row(0)
