"""Everyday operations on translation memories: merge, dedupe, filter, stats.

Each takes and returns TranslationMemory objects (polars frames inside), so a
pipeline can chain them; `tmforge tm ...` calls them one to one.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Sequence

import numpy as np
import polars as pl

from tmforge.errors import TmforgeError
from tmforge.tm.langtags import primary
from tmforge.tm.numbers import numbers_differ
from tmforge.tm.model import (SCHEMA, TranslationMemory, TranslationUnit, props_from_json, props_to_json,
                              units_frame)

DEDUPE_MODES = ("exact", "normalized")


# ---------------------------------------------------------------- merge

def merge(memories: Sequence[TranslationMemory]) -> TranslationMemory:
    """All units of all memories, in order; header facts that differ are joined with ' ; '."""
    if not memories:
        raise TmforgeError("nothing to merge; give at least one memory")
    frame = pl.concat([tm.frame for tm in memories], how="vertical")
    meta: dict[str, str] = {}
    for tm in memories:
        for key, value in tm.meta.items():
            values = meta.get(key, "").split(" ; ") if key in meta else []
            if value not in values:
                meta[key] = " ; ".join(values + [value])
    return TranslationMemory(frame, meta)


# ---------------------------------------------------------------- dedupe

def normalized_key(column: str) -> pl.Expr:
    """Text compared without case, punctuation, symbols or differences in whitespace."""
    return (pl.col(column).fill_null("").str.normalize("NFKC").str.to_lowercase()
            .str.replace_all(r"[\p{P}\p{S}]+", " ").str.replace_all(r"\s+", " ").str.strip_chars())


@dataclass(frozen=True)
class Conflict:
    """A source kept with several different targets: a translator should pick one."""

    src_lang: str
    tgt_lang: str
    source: str
    targets: tuple[str, ...]


@dataclass
class DedupeResult:
    memory: TranslationMemory
    removed: int
    conflicts: list[Conflict] = field(default_factory=list)


def conflicts(tm: TranslationMemory, mode: str = "exact") -> list[Conflict]:
    """Sources (compared as `mode` compares them) that the memory translates in more than one way."""
    key = pl.col("source") if mode == "exact" else normalized_key("source")
    tkey = pl.col("target") if mode == "exact" else normalized_key("target")
    frame = (tm.frame.with_row_index("_row")
             .with_columns(key.alias("_s"), tkey.alias("_t"), pl.col("src_lang").str.to_lowercase().alias("_sl"),
                           pl.col("tgt_lang").str.to_lowercase().alias("_tl"))
             .filter(pl.col("_s").fill_null("").str.strip_chars() != ""))
    grouped = (frame.unique(subset=["_sl", "_tl", "_s", "_t"], keep="first", maintain_order=True)
               .group_by(["_sl", "_tl", "_s"], maintain_order=True)
               .agg(pl.col("src_lang").first(), pl.col("tgt_lang").first(), pl.col("source").first(),
                    pl.col("target"), pl.len().alias("_n"))
               .filter(pl.col("_n") > 1))
    return [Conflict(r["src_lang"], r["tgt_lang"], r["source"], tuple(r["target"]))
            for r in grouped.iter_rows(named=True)]


def dedupe(tm: TranslationMemory, mode: str = "exact") -> DedupeResult:
    """One unit per (languages, source, target); the kept one has the best score and the newest date.

    mode='exact' compares text as it is; 'normalized' ignores case, punctuation
    and whitespace. Of each group the unit with the best score is kept (the
    newest among equals), dated with the newest date of the group; units keep
    the order of their first occurrence. Sources left with several different
    targets are not merged (which one is right is a translator's call) but
    listed in `conflicts`.
    """
    if mode not in DEDUPE_MODES:
        raise TmforgeError(f"unknown dedupe mode '{mode}'; use exact or normalized")
    frame = tm.frame.with_row_index("_row")
    if mode == "exact":
        keys = [pl.col("source").alias("_s"), pl.col("target").alias("_t")]
    else:
        keys = [normalized_key("source").alias("_s"), normalized_key("target").alias("_t")]
    frame = frame.with_columns(*keys, pl.col("src_lang").str.to_lowercase().alias("_sl"),
                               pl.col("tgt_lang").str.to_lowercase().alias("_tl"))
    group = ["_sl", "_tl", "_s", "_t"]
    frame = frame.with_columns(pl.col("_row").min().over(group).alias("_first"),
                               pl.col("created").max().over(group).alias("_newest"))
    kept = (frame.sort(["score", "created", "_row"], descending=[True, True, False], nulls_last=True)
            .unique(subset=group, keep="first", maintain_order=True)
            .sort("_first")
            .with_columns(pl.col("_newest").alias("created")))
    memory = TranslationMemory(kept.select(list(SCHEMA)), dict(tm.meta))
    return DedupeResult(memory, tm.frame.height - kept.height, conflicts(memory, mode))


# ---------------------------------------------------------------- filter

@dataclass(frozen=True)
class FilterOptions:
    """Which filters run; a filter left at None or False does not."""

    min_score: float | None = None        # units scored below it (units without a score stay)
    max_ratio: float | None = None        # longer side more than this many times the shorter one ...
    ratio_min_chars: int = 20             # ... when the longer side has at least this many characters
    same: bool = False                    # source equals target (ignoring case and outer whitespace)
    untranslated: bool = False            # target is in the source language
    numbers: bool = False                 # numbers differ between source and target
    no_text: bool = False                 # a side without a letter (numbers, signs): nothing to translate
    empty: bool = True                    # a side is empty or whitespace only
    max_length: int | None = None         # a side longer than this many characters

    def active(self) -> list[str]:
        on = {"empty": self.empty, "too-long": self.max_length is not None,
              "min-score": self.min_score is not None, "length-ratio": self.max_ratio is not None,
              "same": self.same, "numbers": self.numbers, "untranslated": self.untranslated,
              "no-text": self.no_text}
        return [name for name, enabled in on.items() if enabled]


@dataclass
class FilterResult:
    memory: TranslationMemory                 # the units that passed
    rejected: TranslationMemory               # the others, props["reject"] naming the filter
    removed: dict[str, int] = field(default_factory=dict)   # filter -> units it removed, in order


def _numbers_differ(frame: pl.DataFrame) -> pl.Series:
    """True where a number is stated on one side only (tm/numbers.py: digits, words, Roman numerals)."""
    return pl.Series([numbers_differ(s or "", t or "") for s, t in frame.select("source", "target").iter_rows()],
                     dtype=pl.Boolean)


def _length_ratio() -> pl.Expr:
    s, t = pl.col("source").str.len_chars(), pl.col("target").str.len_chars()
    return pl.max_horizontal(s, t) / pl.max_horizontal(pl.min_horizontal(s, t), 1)


def _untranslated(frame: pl.DataFrame, detect: Callable[[str], str] | None) -> pl.Series:
    """True where the target is written in the source language, as `detect` tells."""
    if detect is None:
        raise TmforgeError("the untranslated filter needs a language detector: pass detect= "
                           "(tmforge.align.detect.detect_language knows Russian and English)")
    languages = []
    for source_lang, target_lang, target in frame.select("src_lang", "tgt_lang", "target").iter_rows():
        src, tgt = primary(source_lang), primary(target_lang)
        languages.append(src != tgt and detect(target or "") == src)
    return pl.Series(languages, dtype=pl.Boolean)


def filter_memory(tm: TranslationMemory, options: FilterOptions,
                  detect: Callable[[str], str] | None = None) -> FilterResult:
    """Remove units that fail the active filters; each unit is counted by the first filter it fails.

    `detect` (text -> language code) serves the untranslated filter, which
    needs it; the command line passes the aligner's detector
    (tmforge.align.detect.detect_language): tm/ never imports align/.
    """
    frame = tm.frame.with_row_index("_row")
    tests: dict[str, Callable[[pl.DataFrame], pl.Series]] = {
        "empty": lambda f: f.select((pl.col("source").fill_null("").str.strip_chars() == "")
                                    | (pl.col("target").fill_null("").str.strip_chars() == "")).to_series(),
        "too-long": lambda f: f.select((pl.col("source").str.len_chars() > options.max_length)
                                       | (pl.col("target").str.len_chars() > options.max_length)).to_series(),
        "min-score": lambda f: f.select(pl.col("score") < options.min_score).to_series().fill_null(False),
        "length-ratio": lambda f: f.select(
            (_length_ratio() > options.max_ratio)
            & (pl.max_horizontal(pl.col("source").str.len_chars(), pl.col("target").str.len_chars())
               >= options.ratio_min_chars)).to_series(),
        "same": lambda f: f.select(pl.col("source").str.strip_chars().str.to_lowercase()
                                   == pl.col("target").str.strip_chars().str.to_lowercase()).to_series(),
        "numbers": _numbers_differ,
        # As align leaves such units out (align/notext.py): \p{L} is any letter, as str.isalpha.
        "no-text": lambda f: f.select(~pl.col("source").fill_null("").str.contains(r"\p{L}")
                                      | ~pl.col("target").fill_null("").str.contains(r"\p{L}")).to_series(),
        "untranslated": lambda f: _untranslated(f, detect),
    }
    removed: dict[str, int] = {}
    rejected = []
    for name in options.active():
        failing = tests[name](frame).fill_null(False)
        removed[name] = int(failing.sum())
        if removed[name]:
            rejected.append(frame.filter(failing).with_columns(pl.lit(name).alias("_reason")))
            frame = frame.filter(~failing)
    rejects = (pl.concat(rejected).sort("_row") if rejected
               else frame.clear().with_columns(pl.lit(None, pl.String).alias("_reason")))
    rejects = rejects.with_columns(pl.struct("props", "_reason").map_elements(
        lambda r: props_to_json({**(props_from_json(r["props"]) or {}), "reject": r["_reason"]}),
        return_dtype=pl.String).alias("props"))
    return FilterResult(TranslationMemory(frame.select(list(SCHEMA)), dict(tm.meta)),
                        TranslationMemory(rejects.select(list(SCHEMA)), dict(tm.meta)), removed)


# ---------------------------------------------------------------- stats

def _distribution(series: pl.Series) -> dict[str, float | int | None]:
    values = series.drop_nulls().drop_nans() if series.dtype.is_float() else series.drop_nulls()
    if values.len() == 0:
        return {"count": 0}
    return {"count": values.len(), "mean": values.mean(), "min": values.min(),
            "p10": values.quantile(0.1, "nearest"), "p50": values.quantile(0.5, "nearest"),
            "p90": values.quantile(0.9, "nearest"), "max": values.max()}


# Units per chunk when stats stream a file: the text of one chunk is in memory at a time.
STATS_CHUNK = 20_000


def stats(tm: TranslationMemory) -> dict:
    """Units, words and characters per language, score and length-ratio distributions, beads, duplicates."""
    return stats_of_frames(tm.frame.iter_slices(STATS_CHUNK))


def stats_of_units(units: Iterable[TranslationUnit], chunk: int = STATS_CHUNK) -> dict:
    """`stats` of units streamed from a reader (iter_tmx ...), `chunk` units in memory at a time.

    Beyond one chunk's text, memory grows by about 32 bytes a unit (its score,
    length ratio and two 64-bit hashes for the duplicate counts), not with the text.
    """
    iterator = iter(units)
    frames = (units_frame(batch) for batch in iter(lambda: list(islice(iterator, chunk)), []))
    return stats_of_frames(frames)


def stats_of_frames(frames: Iterable[pl.DataFrame]) -> dict:
    """`stats` over a memory given as consecutive frames in SCHEMA, one at a time."""
    words = lambda c: pl.col(c).fill_null("").str.count_matches(r"\S+")  # noqa: E731
    units = 0
    directions: Counter = Counter()
    languages: dict[str, list[int]] = {}
    beads: Counter = Counter()
    scores, ratios, exact_keys, normalized_keys = [], [], [], []
    for frame in frames:
        units += frame.height
        for row in frame.group_by("src_lang", "tgt_lang").len().iter_rows():
            directions[row[:2]] += row[2]
        sides = pl.concat([
            frame.select(pl.col("src_lang").alias("lang"), pl.col("source").fill_null("").str.len_chars()
                         .cast(pl.Int64).alias("chars"), words("source").cast(pl.Int64).alias("words")),
            frame.select(pl.col("tgt_lang").alias("lang"), pl.col("target").fill_null("").str.len_chars()
                         .cast(pl.Int64).alias("chars"), words("target").cast(pl.Int64).alias("words")),
        ])
        for lang, segments, n_words, chars in sides.group_by("lang").agg(
                pl.len(), pl.col("words").sum(), pl.col("chars").sum()).iter_rows():
            total = languages.setdefault(lang or "unknown", [0, 0, 0])
            total[0] += segments
            total[1] += n_words
            total[2] += chars
        for bead, count in frame.group_by("bead").len().iter_rows():
            beads[bead] += count
        scores.append(frame["score"].drop_nulls().drop_nans().to_numpy())
        ratio = frame.select(pl.col("target").str.len_chars().cast(pl.Float64)
                             / pl.col("source").str.len_chars().cast(pl.Float64)).to_series()
        ratios.append(ratio.filter(ratio.is_finite()).to_numpy())
        # Duplicates are counted on 64-bit hashes of the keys: the text need not stay in memory.
        exact_keys.append(frame.select("src_lang", "tgt_lang", "source", "target").hash_rows(seed=0).to_numpy())
        normalized_keys.append(frame.select(pl.col("src_lang").str.to_lowercase(), pl.col("tgt_lang").str.to_lowercase(),
                                            normalized_key("source"), normalized_key("target"))
                               .hash_rows(seed=0).to_numpy())
    def distinct(chunks: list) -> int:
        return pl.Series(np.concatenate(chunks) if chunks else np.zeros(0, np.uint64)).n_unique()

    def series(chunks: list) -> pl.Series:
        return pl.Series(np.concatenate(chunks) if chunks else np.zeros(0), dtype=pl.Float64)

    return {
        "units": units,
        "directions": [{"src_lang": s, "tgt_lang": t, "units": n} for (s, t), n in
                       sorted(directions.items(), key=lambda item: (item[0][0] or "", item[0][1] or ""))],
        "languages": {lang: {"segments": v[0], "words": v[1], "characters": v[2]}
                      for lang, v in sorted(languages.items())},
        "score": _distribution(series(scores)),
        "length_ratio": _distribution(series(ratios)),
        "beads": {bead or "unknown": n for bead, n in
                  sorted(beads.items(), key=lambda item: (item[0] is None, item[0] or ""))},
        "duplicates": {"exact": units - distinct(exact_keys) if units else 0,
                       "normalized": units - distinct(normalized_keys) if units else 0},
    }


def format_stats(result: dict) -> str:
    """The stats as aligned plain-text tables for the terminal."""
    def num(v):
        return "-" if v is None else f"{v:,.3f}" if isinstance(v, float) else f"{v:,}"

    lines = [f"units        {num(result['units'])}",
             "directions   " + ", ".join(f"{d['src_lang']} → {d['tgt_lang']} {num(d['units'])}"
                                         for d in result["directions"]), "",
             f"{'language':<10}{'segments':>12}{'words':>14}{'characters':>16}"]
    for lang, row in result["languages"].items():
        lines.append(f"{lang:<10}{num(row['segments']):>12}{num(row['words']):>14}{num(row['characters']):>16}")
    lines += ["", f"{'':<14}" + "".join(f"{k:>9}" for k in ("count", "mean", "min", "p10", "p50", "p90", "max"))]
    for name in ("score", "length_ratio"):
        dist = result[name]
        lines.append(f"{name:<14}" + "".join(f"{num(dist.get(k)):>9}"
                                             for k in ("count", "mean", "min", "p10", "p50", "p90", "max")))
    lines += ["", "beads        " + ", ".join(f"{k} {num(v)}" for k, v in result["beads"].items()),
              f"duplicates   {num(result['duplicates']['exact'])} exact, "
              f"{num(result['duplicates']['normalized'])} after normalising case, punctuation and spaces"]
    return "\n".join(lines)


def stats_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, sort_keys=False)
