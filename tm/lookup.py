"""Looking a sentence up in a store: exact, fuzzy and semantic matches, best first.

- exact: the stored source equals the query (whitespace runs collapsed),
  found by a hash index; quality 100.
- fuzzy: candidates from the full-text index (units sharing the most of the
  query's rarer word stems, within the word-count bounds the minimum
  percentage allows), then scored by tm.fuzzy's formula; see below.
- semantic: nearest neighbours of the query's sentence vector (tm.vectors),
  for paraphrases that share few words; quality is the cosine x 100, on its
  own scale, so these are listed apart and never mixed into the fuzzy ranking.

Candidate search keeps fuzzy lookups fast on large stores (tens of ms at a
million units). It rests on a count bound: a stored source at or above the
minimum percentage lacks at most `floor((1 - min/100) * n_query)` of the query's
words (each missing word costs 1, and a longer stored source pays for its extra
words too), assuming another form of a word shares the word's stem prefix
(tm.terms.stem_prefix). So, of any m distinct stems of the query, it holds at
least m - that many (and at least one of the bound + 1 rarest: the pigeonhole).

1. The query's stems (numbers aside: a changed number costs no word edit) are
   ordered by how many units hold them (the store's posting lists, tm.postings). The bound + 1
   rarest are read, leaving out stems held by more than COMMON_DOCS units while
   rarer ones remain, then further stems while their lists add up to EXTRA_ROWS
   (and at least MIN_STEMS in all: one or two lists leave thousands of ties).
2. Their posting lists (unit ids of every term with the stem's prefix, read as blobs)
   are counted with numpy; units holding fewer of them than the count bound
   allows are dropped, and the RANKED units sharing the most are fetched
   (within the word-count bounds and the language pair).
3. rapidfuzz (C) ranks those by character similarity to the query, and the
   SCORED best are scored by tm.fuzzy's formula.

Steps 2-3 are a ranking, not a proof: a match outside the RANKED units sharing
most stems, or whose characters differ more than SCORED others', is missed, as
is one sharing only words in more than COMMON_DOCS units with the query.
BENCHMARKS.md measures how many edited queries still find their source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from tmforge.tm import fuzzy
from tmforge.tm.store import Store, StoredUnit, source_key, unit_key
from tmforge.tm.terms import index_terms, stem_prefix

DEFAULT_MIN = 70
DEFAULT_SEMANTIC_MIN = 75
COMMON_DOCS = 10_000         # stems in more units than this are read only when nothing rarer is left
EXTRA_ROWS = 20_000          # further stems are read while their posting lists add up to this
MIN_STEMS = 3                # read at least this many (common ones too): one or two lists rank nothing
RANKED = 500                 # units sharing most stems with the query, fetched
SCORED = 30                  # of those, the closest by characters, scored by the formula (or `limit`, if more)
KINDS = ("exact", "fuzzy", "semantic")


@dataclass
class Match:
    source: str
    target: str
    quality: int              # 0-100; 100 only for an exact match
    kind: str                 # exact, fuzzy or semantic
    origin: str               # imported file (document #seq)
    src_lang: str
    tgt_lang: str
    id: int
    score: float | None = None    # the unit's alignment confidence, when it has one
    reversed: bool = False        # the unit is stored in the other direction (its target matched the query)

    def as_json(self) -> dict:
        return asdict(self)


def _match(unit: StoredUnit, quality: int, kind: str, reverse: bool = False) -> Match:
    if reverse:      # read in the asked direction: the stored target is the matched side
        return Match(unit.target, unit.source, quality, kind, unit.origin, unit.tgt_lang, unit.src_lang, unit.id,
                     unit.score, reversed=True)
    return Match(unit.source, unit.target, quality, kind, unit.origin, unit.src_lang, unit.tgt_lang, unit.id,
                 unit.score)


def exact_matches(store: Store, text: str, pair_ids: Sequence[int]) -> list[Match]:
    if not pair_ids:
        return []
    marks = ",".join("?" * len(pair_ids))
    ids = [r[0] for r in store.conn.execute(
        f"SELECT id FROM units WHERE src_key = ? AND pair_id IN ({marks})", [source_key(text), *pair_ids])]
    wanted = fuzzy.normalise_space(text)
    units = store.units_by_id(ids)
    return [_match(u, 100, "exact") for u in units.values() if fuzzy.normalise_space(u.source) == wanted]


def query_stems(text: str) -> list[str]:
    """Distinct stem prefixes of the query's index terms; numbers only when the query has no words."""
    terms = index_terms(text)
    words = [t for t in terms if not t.isdigit()]
    return list(dict.fromkeys(stem_prefix(t) for t in (words or terms)))


def choose_stems(store: Store, text: str, min_quality: float, side: str = "source") -> tuple[list[str], int]:
    """(stems whose posting lists are read, how many of them a match must hold at least)."""
    stems = query_stems(text)
    if not stems:
        return [], 0
    max_missing = int((1 - min_quality / 100) * len(fuzzy.tokenize(text).folded) + 1e-9)
    by_rarity = sorted((docs, s) for s in stems if (docs := store.prefix_docs(s, side=side)))
    rarest = by_rarity[:max_missing + 1]
    chosen = [(docs, s) for docs, s in rarest if docs <= COMMON_DOCS] or rarest[:2]
    extra = 0
    for docs, s in by_rarity[len(chosen):]:
        if extra + docs > EXTRA_ROWS and len(chosen) >= MIN_STEMS:
            break
        chosen.append((docs, s))
        extra += docs
    return [s for _, s in chosen], max(1, len(chosen) - max_missing)


def candidate_ids(store: Store, stems: Sequence[str], at_least: int, limit: int, side: str = "source") -> list[int]:
    """Units holding at least `at_least` of the stems, those holding most first (at most `limit`)."""
    lists = [ids for s in stems if len(ids := store.prefix_ids(s, side))]
    if not lists:
        return []
    # Each list is distinct, so after one sort a unit's run length is how many stems it holds.
    ids = np.sort(np.concatenate(lists), kind="stable")
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    held = np.diff(np.append(starts, len(ids)))
    ids = ids[starts]
    keep = held >= at_least
    ids, held = ids[keep], held[keep]
    return ids[np.argsort(-held, kind="stable")[:limit]].tolist()


def _candidates(store: Store, text: str, pair_ids: Sequence[int], min_quality: float, side: str):
    """(candidate ids, the query's tokens, word-count bounds) of a fuzzy search on `side` ("source" or
    "target"), or None when there is nothing to search."""
    if not pair_ids:
        return None
    stems, at_least = choose_stems(store, text, min_quality, side=side)
    ids = candidate_ids(store, stems, at_least, RANKED, side=side)
    if not ids:
        return None
    q_tokens = fuzzy.tokenize(text)
    return (ids, q_tokens, *fuzzy.length_bounds(len(q_tokens.folded), min_quality))


def fuzzy_matches(store: Store, text: str, pair_ids: Sequence[int], min_quality: float = DEFAULT_MIN,
                  limit: int = 10) -> list[Match]:
    found = _candidates(store, text, pair_ids, min_quality, "source")
    if found is None:
        return []
    ids, q_tokens, lo, hi = found
    # "+" keeps SQLite on the primary key: an index on pair_id would scan the whole pair.
    rows = store.conn.execute(
        f"SELECT id, source, src_key FROM units WHERE id IN ({','.join('?' * len(ids))}) "
        f"AND +pair_id IN ({','.join('?' * len(pair_ids))}) AND +n_words BETWEEN ? AND ?",
        [*ids, *pair_ids, lo, hi]).fetchall()
    # Exact matches are found elsewhere: leave out sources whose normalised text equals the query's. The
    # stored hash of the normalised source tells them apart without normalising 500 texts per lookup.
    key, wanted = source_key(text), fuzzy.normalise_space(text)
    rows = [(uid, source) for uid, source, src_key in rows
            if src_key != key or fuzzy.normalise_space(source) != wanted]
    scored = _ranked(text, q_tokens, rows, min_quality, limit)
    units = store.units_by_id([uid for _, uid in scored])
    return [_match(units[uid], quality, "fuzzy") for quality, uid in scored]


def _ranked(text: str, q_tokens, rows: list[tuple[int, str]], min_quality: float,
            limit: int) -> list[tuple[float, int]]:
    """(quality, id) of the candidate rows (id, text) at `min_quality` or above, best first, at most `limit`:
    rapidfuzz picks the closest by characters (C), the CAT formula scores those (none is identical to the
    query: exact matches were taken out, so tokens suffice)."""
    closest = process.extract(text.lower(), [candidate.lower() for _, candidate in rows], scorer=fuzz.ratio,
                              limit=max(SCORED, limit))
    scored = []
    for _, _, k in closest:
        uid, candidate = rows[k]
        quality = fuzzy.match_score(q_tokens, fuzzy.tokenize(candidate))
        if quality >= min_quality:
            scored.append((quality, uid))
    scored.sort(key=lambda qu: (-qu[0], qu[1]))
    return scored[:limit]


def reverse_matches(store: Store, text: str, pair_ids: Sequence[int], min_quality: float = DEFAULT_MIN,
                    limit: int = 10) -> list[Match]:
    """Exact and fuzzy matches among the TARGETS of units stored in the other direction (a ru->en unit
    answers an en->ru query), read in the asked direction. The same candidate search on the target column;
    the store keeps no target hash or word count, so exact matches come out of the candidates (a target
    equal to the query always shares its rarest stems) and word counts are checked here; term rarity and
    lists come from the targets' posting lists (in a store made before them, from the full-text index's
    own vocabulary: exact, slower for common words)."""
    found = _candidates(store, text, pair_ids, min_quality, "target")
    if found is None:
        return []
    ids, q_tokens, lo, hi = found
    rows = store.conn.execute(
        f"SELECT id, target FROM units WHERE id IN ({','.join('?' * len(ids))}) "
        f"AND +pair_id IN ({','.join('?' * len(pair_ids))})", [*ids, *pair_ids]).fetchall()
    wanted = fuzzy.normalise_space(text)
    exact = [uid for uid, target in rows if fuzzy.normalise_space(target) == wanted]
    rows = [(uid, target) for uid, target in rows
            if uid not in exact and lo <= fuzzy.word_count(target) <= hi]
    scored = sorted([(100, uid) for uid in exact] + _ranked(text, q_tokens, rows, min_quality, limit),
                    key=lambda qu: (-qu[0], qu[1]))[:limit]
    units = store.units_by_id([uid for _, uid in scored])
    return [_match(units[uid], quality, "exact" if quality == 100 else "fuzzy", reverse=True)
            for quality, uid in scored]


def _distinct(matches: list[Match]) -> list[Match]:
    """The first of matches whose texts differ only in whitespace (a store imported before the dedupe
    normalised whitespace may hold "Dot" and "Dot "): a translator sees one suggestion, not two alike."""
    seen, kept = set(), []
    for m in matches:
        key = unit_key(m.source, m.target)   # the store's dedupe key
        if key not in seen:
            seen.add(key)
            kept.append(m)
    return kept


def lookup(store: Store, text: str, src: str | None = None, tgt: str | None = None,
           min_quality: float = DEFAULT_MIN, limit: int = 10, semantic=None,
           semantic_min: float = DEFAULT_SEMANTIC_MIN, semantic_limit: int = 5) -> list[Match]:
    """Exact and fuzzy matches best first, then semantic ones (when an index is given) best first.

    `semantic` is a tm.vectors.SemanticIndex (it holds the encoder), or None.
    """
    pair_ids = store.pair_ids(src, tgt)
    found = exact_matches(store, text, pair_ids)
    found += fuzzy_matches(store, text, pair_ids, min_quality, limit)
    if src is not None and tgt is not None:
        # Units stored the other way round answer too (a ru->en memory serves en->ru lookups).
        reverse_ids = [pid for pid in store.pair_ids(tgt, src) if pid not in pair_ids]
        known = {(m.source, m.target) for m in found}
        found += [m for m in reverse_matches(store, text, reverse_ids, min_quality, limit)
                  if (m.source, m.target) not in known]        # a pair stored both ways is listed once
    found.sort(key=lambda m: (-m.quality, m.reversed, m.id))
    found = _distinct(found)[:limit]
    if semantic is not None and pair_ids:
        seen = {m.id for m in found}
        hits = semantic.search(text, pair_ids, semantic_limit + len(seen))
        hits = [(uid, q) for uid, q in hits if uid not in seen and q >= semantic_min][:semantic_limit]
        units = store.units_by_id([uid for uid, _ in hits])
        found += [_match(units[uid], q, "semantic") for uid, q in hits if uid in units]
    return found
