"""Looking a sentence up in a store: exact, fuzzy and semantic matches, best first.

- exact: the stored source equals the query (whitespace runs collapsed),
  found by a hash index; quality 100.
- fuzzy: candidates from the full-text index (units sharing one of the
  query's rarest word stems, within the word-count bounds the minimum
  percentage allows), ranked by BM25, then scored by tm.fuzzy's formula.
- semantic: nearest neighbours of the query's sentence vector (tm.vectors),
  for paraphrases that share few words; quality is the cosine x 100, on its
  own scale, so these are listed apart and never mixed into the fuzzy ranking.

Candidate search keeps lookups fast on large stores: a stored source at or
above the minimum percentage shares at least one of the query's
`floor((1 - min/100) * n_max) + 1` rarest stems with the query (a missing word
costs 1, and fewer missing words than that cannot pull the score under the
minimum), so only those stems are searched. Stems found in more than
`COMMON_DOCS` units are skipped while rarer ones are left, which loses only
matches that share nothing but very common words with the query.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

from tmforge.tm import fuzzy
from tmforge.tm.store import Store, StoredUnit, source_key
from tmforge.tm.terms import fts_string, index_terms, stem_prefix

DEFAULT_MIN = 70
DEFAULT_SEMANTIC_MIN = 75
COMMON_DOCS = 20_000         # stems in more units than this are searched only when nothing rarer is left
CANDIDATES = 300             # BM25-best candidates scored by the fuzzy formula
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

    def as_json(self) -> dict:
        return asdict(self)


def _match(unit: StoredUnit, quality: int, kind: str) -> Match:
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


def _stem_docs(store: Store, stem_term: str) -> int:
    """Units whose source holds a term starting with the stem (an upper bound: forms add up)."""
    row = store.conn.execute("SELECT sum(doc) FROM units_vocab WHERE col = 'source' AND term >= ? AND term < ?",
                             (stem_term, stem_term + "\U0010ffff")).fetchone()
    return row[0] or 0


def candidate_stems(store: Store, text: str, min_quality: float) -> list[str]:
    stems = list(dict.fromkeys(stem_prefix(t) for t in index_terms(text)))
    if not stems:
        return []
    n_query = len(fuzzy.tokenize(text).folded)
    _, n_hi = fuzzy.length_bounds(max(n_query, 1), min_quality)
    needed = min(len(stems), int((1 - min_quality / 100) * max(n_hi, n_query)) + 1)
    by_rarity = sorted(((_stem_docs(store, s), s) for s in stems))
    chosen = [s for docs, s in by_rarity[:needed] if docs and docs <= COMMON_DOCS]
    if not chosen:   # only very common words: search the rarest ones present anyway
        chosen = [s for docs, s in by_rarity if docs][:2]
    return chosen


def fuzzy_matches(store: Store, text: str, pair_ids: Sequence[int], min_quality: float = DEFAULT_MIN,
                  limit: int = 10) -> list[Match]:
    if not pair_ids:
        return []
    stems = candidate_stems(store, text, min_quality)
    if not stems:
        return []
    query = "{source} : (" + " OR ".join(fts_string(s) + "*" for s in stems) + ")"
    lo, hi = fuzzy.length_bounds(len(fuzzy.tokenize(text).folded), min_quality)
    marks = ",".join("?" * len(pair_ids))
    rows = store.conn.execute(
        f"SELECT u.id, u.source FROM (SELECT rowid FROM units_fts WHERE units_fts MATCH ? ORDER BY rank "
        f"LIMIT {CANDIDATES}) f JOIN units u ON u.id = f.rowid "
        f"WHERE u.pair_id IN ({marks}) AND u.n_words BETWEEN ? AND ?", [query, *pair_ids, lo, hi]).fetchall()
    q_tokens = fuzzy.tokenize(text)
    wanted = fuzzy.normalise_space(text)
    scored = []
    for uid, source in rows:
        if fuzzy.normalise_space(source) == wanted:
            continue  # exact matches are found by exact_matches
        quality = fuzzy.match_score(q_tokens, fuzzy.tokenize(source), query_text=text, stored_text=source)
        if quality >= min_quality:
            scored.append((quality, uid))
    scored.sort(key=lambda qu: (-qu[0], qu[1]))
    scored = scored[:limit]
    units = store.units_by_id([uid for _, uid in scored])
    return [_match(units[uid], quality, "fuzzy") for quality, uid in scored]


def lookup(store: Store, text: str, src: str | None = None, tgt: str | None = None,
           min_quality: float = DEFAULT_MIN, limit: int = 10, semantic=None,
           semantic_min: float = DEFAULT_SEMANTIC_MIN, semantic_limit: int = 5) -> list[Match]:
    """Exact and fuzzy matches best first, then semantic ones (when an index is given) best first.

    `semantic` is a tm.vectors.SemanticIndex (it holds the encoder), or None.
    """
    pair_ids = store.pair_ids(src, tgt)
    found = exact_matches(store, text, pair_ids)
    found += fuzzy_matches(store, text, pair_ids, min_quality, limit)
    found.sort(key=lambda m: (-m.quality, m.id))
    found = found[:limit]
    if semantic is not None and pair_ids:
        seen = {m.id for m in found}
        hits = semantic.search(text, pair_ids, semantic_limit + len(seen))
        hits = [(uid, q) for uid, q in hits if uid not in seen and q >= semantic_min][:semantic_limit]
        units = store.units_by_id([uid for uid, _ in hits])
        found += [_match(units[uid], q, "semantic") for uid, q in hits if uid in units]
    return found
