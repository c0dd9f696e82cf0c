"""Translation units and the in-memory translation memory (a polars DataFrame)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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
    "props": pl.String,           # JSON object of extra per-unit facts (subtitle timing ...), or null
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
    props: dict[str, str] | None = None  # written as <prop type="x-KEY"> in TMX


def _props_json(props: dict[str, str] | None) -> str | None:
    return json.dumps(props, ensure_ascii=False, sort_keys=True) if props else None


def now_utc() -> datetime:
    """Current time, truncated to seconds as TMX dates are."""
    return datetime.now(timezone.utc).replace(microsecond=0)


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
        rows = [{**u.__dict__, "props": _props_json(u.props)} for u in units]
        frame = pl.DataFrame(rows, schema=SCHEMA) if rows else pl.DataFrame(schema=SCHEMA)
        return cls(frame, dict(meta or {}))

    @classmethod
    def from_frame(cls, frame: pl.DataFrame, meta: dict[str, str] | None = None) -> "TranslationMemory":
        """Adopt a frame with at least source/target/src_lang/tgt_lang; missing columns become null."""
        missing = [c for c in ("source", "target", "src_lang", "tgt_lang") if c not in frame.columns]
        if missing:
            raise ValueError(f"translation memory frame lacks columns {missing}")
        cols = [frame[c].cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c)
                for c, t in SCHEMA.items()]
        return cls(frame.select(cols), dict(meta or {}))

    def __len__(self) -> int:
        return self.frame.height

    def units(self) -> Iterator[TranslationUnit]:
        for row in self.frame.iter_rows(named=True):
            values = {k: row[k] for k in SCHEMA}
            values["props"] = json.loads(values["props"]) if values["props"] else None
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
