"""Concordance: every unit whose source (or target) contains a term, with the term's offsets.

A term of one or more words is found in any word form: each word is searched
in the full-text index by the prefix its forms share (tm.terms.stem_prefix),
and a hit counts only where consecutive words of the text have the same
Snowball stems as the term's words, so "термостат" finds "термостата" and
"термостатом" but not "термостатический". Russian stems with a fleeting vowel
count as the same word's (tm.terms.stem_forms: "узел" finds "узла", "кнопка"
"кнопок", "настройка" "настроек"), which Snowball keeps apart. `regex=True` searches a Python
regular expression instead (case-insensitive), which reads every unit of the
language pair: slower on large stores. A word search reads at most
MAX_SCANNED index candidates (a two-letter stem prefix can match most of a
large store), in import order, so on a huge store its hits are the first ones found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from tmforge.errors import TmforgeError
from tmforge.tm.store import Store, StoredUnit
from tmforge.tm.terms import fts_string, index_terms, stem, stem_forms, stem_prefix, term_spans

SIDES = ("src", "tgt", "both")
_COLUMNS = {"src": "source", "tgt": "target"}
_PAGE = 500
MAX_SCANNED = 50_000     # index candidates read per search at most (prefixes of short stems match many)


@dataclass
class Hit:
    unit: StoredUnit
    source_spans: list[tuple[int, int]] = field(default_factory=list)   # [start, end) character offsets
    target_spans: list[tuple[int, int]] = field(default_factory=list)

    def as_json(self) -> dict:
        u = self.unit
        return {"id": u.id, "source": u.source, "target": u.target, "src_lang": u.src_lang,
                "tgt_lang": u.tgt_lang, "origin": u.origin,
                "source_spans": [list(s) for s in self.source_spans],
                "target_spans": [list(s) for s in self.target_spans]}


def stem_spans(text: str, stems: Sequence[str | Sequence[str]]) -> list[tuple[int, int]]:
    """Offsets of every run of consecutive words of `text` whose stems are `stems` (each a stem, or the
    stems of a word's forms, tm.terms.stem_forms)."""
    tokens = list(term_spans(text))
    k = len(stems)
    wanted = [{s} if isinstance(s, str) else set(s) for s in stems]
    return [(tokens[i][1], tokens[i + k - 1][2]) for i in range(len(tokens) - k + 1)
            if all(stem(tokens[i + j][0]) in wanted[j] for j in range(k))]


def regex_spans(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]


def concordance(store: Store, term: str, side: str = "src", src: str | None = None, tgt: str | None = None,
                regex: bool = False, limit: int = 50) -> list[Hit]:
    if side not in SIDES:
        raise TmforgeError(f"unknown side '{side}'; use src, tgt or both")
    pair_ids = store.pair_ids(src, tgt)
    if not pair_ids:
        return []
    sides = ("src", "tgt") if side == "both" else (side,)
    if regex:
        try:
            pattern = re.compile(term, re.IGNORECASE)
        except re.error as exc:
            raise TmforgeError(f"--regex: '{term}' is not a regular expression ({exc}); "
                               "escape special characters or drop --regex") from None
        return _collect(_scan_all(store, pair_ids), lambda text: regex_spans(text, pattern), sides, limit)
    words = index_terms(term)
    if not words:
        raise TmforgeError(f"'{term}' has no words to search; give a word, or use --regex")
    # Each word by its stem and, in Russian, the stems with and without a fleeting vowel (узел: узла).
    stems = [stem_forms(w) for w in words]
    columns = " ".join(_COLUMNS[s] for s in sides)
    query = "{" + columns + "} : (" + " AND ".join(
        "(" + " OR ".join(fts_string(p) + "*" for p in dict.fromkeys((stem_prefix(w), *forms[1:]))) + ")"
        for w, forms in zip(words, stems)) + ")"
    return _collect(_scan_index(store, query, pair_ids), lambda text: stem_spans(text, stems), sides, limit)


def _scan_index(store: Store, query: str, pair_ids: Sequence[int]) -> Iterator[StoredUnit]:
    """Units matching the index query in import order, a page at a time."""
    last, scanned = 0, 0
    wanted = set(pair_ids)
    while scanned < MAX_SCANNED:
        ids = [r[0] for r in store.conn.execute(
            "SELECT rowid FROM units_fts WHERE units_fts MATCH ? AND rowid > ? ORDER BY rowid LIMIT ?",
            (query, last, _PAGE))]
        if not ids:
            return
        scanned += len(ids)
        units = store.units_by_id(ids)
        for uid in ids:
            unit = units[uid]
            if unit.pair_id in wanted:
                yield unit
        last = ids[-1]


def _scan_all(store: Store, pair_ids: Sequence[int]) -> Iterator[StoredUnit]:
    last = 0
    marks = ",".join("?" * len(pair_ids))
    while True:
        ids = [r[0] for r in store.conn.execute(
            f"SELECT id FROM units WHERE id > ? AND pair_id IN ({marks}) ORDER BY id LIMIT ?",
            (last, *pair_ids, _PAGE))]
        if not ids:
            return
        units = store.units_by_id(ids)
        yield from (units[uid] for uid in ids)
        last = ids[-1]


def _collect(units: Iterator[StoredUnit], spans_of, sides: Sequence[str], limit: int) -> list[Hit]:
    hits = []
    for unit in units:
        hit = Hit(unit, spans_of(unit.source) if "src" in sides else [],
                  spans_of(unit.target) if "tgt" in sides else [])
        if hit.source_spans or hit.target_spans:
            hits.append(hit)
            if len(hits) >= limit:
                break
    return hits
