"""Term counts and the long posting lists of the store, for the fuzzy candidate search.

- `term_docs` (col, term, docs): for every term of the sources (col 0) and of the targets (col 1),
  how many units hold it. The search reads a query's rarest words first.
- `postings` (col, term, first_id, n, ids): for every term held by at least LONG_LIST units, the ids
  of those units as little-endian unsigned 32-bit integers in ascending order, in one or more chunks.

Why: FTS5 hands out a posting list row by row through SQLite's VM (`group_concat(rowid) ... MATCH
'term*'`). For the long lists of common words that cost about 9 of a fuzzy lookup's 28 CPU ms at a
million units (30,000 ids a lookup); read from blobs the same ids cost about 2 ms. A short list is
cheap to ask FTS5 for, and listing every term would make rebuilding cost one FTS5 query per term of
the vocabulary (75-140 µs each here, at a million units: a real memory's vocabulary of several hundred
thousand terms would cost a minute); with LONG_LIST the number of lists is bounded by the number of
ids / LONG_LIST, whatever the vocabulary, and in a real (Zipf-like) vocabulary most terms are rare.
Asking FTS5 costs about 100-150 µs plus 0.25 µs an id, a blob about 20 µs: below 100 ids the fixed
cost dominates either way. So a lookup reads a stem's long lists from blobs and asks FTS5 for the
other terms starting with the stem's prefix (one OR query of exact terms). The full-text index stays
what concordance searches.

Kept in step inside the import's transaction (a rollback takes all back):
- after a large import (or when the tables are new) both are rebuilt from the full-text index: the
  counts from its vocabulary in one pass in C, each long list by one exact-term query;
- a few new units (the server's write API, a small file) are tokenised here (tm.terms reproduces the
  index's tokenizer): their terms counted, and their ids appended to the lists that exist (to a
  term's last chunk while that is shorter than APPEND_BELOW ids, else as a new chunk). A term that
  grows past LONG_LIST this way gets its list at the next rebuild; until then FTS5 answers for it.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Iterable, Iterator

import numpy as np

from tmforge.errors import TmforgeError
from tmforge.tm.terms import fts_string, index_terms

SIDES = {"source": 0, "target": 1}
ID_TYPE = np.dtype("<u4")
MAX_ID = 2**32 - 1
LONG_LIST = 100              # terms held by this many units or more get a list of their own
APPEND_BELOW = 4096          # ids: new ids join a term's last chunk while it is shorter than this
MAX_OR_TERMS = 64            # short terms asked in one FTS5 OR query; a prefix with more asks FTS5 for all
BUILD_BATCH = 2000           # lists inserted per executemany while rebuilding (bounds the memory held)

# The blobs live in a rowid table (overflow pages) with an index on the terms; the counts in a table of
# their own, so counting a prefix's units reads small pages only (with the blobs inline in a table keyed by
# term, counting cost 4 times the lists themselves).
TABLES = """CREATE TABLE term_docs (col INTEGER NOT NULL, term TEXT NOT NULL, docs INTEGER NOT NULL,
                        PRIMARY KEY (col, term)) WITHOUT ROWID;
CREATE TABLE postings (id INTEGER PRIMARY KEY, col INTEGER NOT NULL, term TEXT NOT NULL,
                       first_id INTEGER NOT NULL, n INTEGER NOT NULL, ids BLOB NOT NULL);
CREATE UNIQUE INDEX postings_terms ON postings (col, term, first_id)"""
_INSERT = "INSERT INTO postings (col, term, first_id, n, ids) VALUES (?, ?, ?, ?, ?)"


def _prefix_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix + "\U0010ffff"


def prefix_docs(conn: sqlite3.Connection, prefix: str, side: str, cap: int) -> int:
    """Units holding a term starting with `prefix` on `side`, counted once per term (summing stops after
    `cap` terms: a one-letter prefix)."""
    row = conn.execute(f"SELECT sum(docs) FROM (SELECT docs FROM term_docs WHERE col = ? AND term >= ? AND term < ? "
                       f"LIMIT {int(cap)})", (SIDES[side], *_prefix_range(prefix))).fetchone()
    return row[0] or 0


def prefix_ids(conn: sqlite3.Connection, prefix: str, side: str) -> np.ndarray:
    """Distinct ids, ascending, of the units whose `side` holds a term starting with `prefix`."""
    col, bounds = SIDES[side], _prefix_range(prefix)
    parts, listed = [], set()
    for term, blob in conn.execute("SELECT term, ids FROM postings WHERE col = ? AND term >= ? AND term < ?",
                                   (col, *bounds)):
        parts.append(np.frombuffer(blob, dtype=ID_TYPE))
        listed.add(term)
    short = [t for (t,) in conn.execute("SELECT term FROM term_docs WHERE col = ? AND term >= ? AND term < ? "
                                        "LIMIT ?", (col, *bounds, len(listed) + MAX_OR_TERMS + 1))
             if t not in listed]
    if len(short) > MAX_OR_TERMS:           # a very short prefix: FTS5's own prefix query
        return fts_prefix_ids(conn, prefix, side)
    if short:
        parts.append(_fts_ids(conn, side, "(" + " OR ".join(map(fts_string, short)) + ")"))
    if len(parts) == 1 and not short:       # one term, one chunk: distinct and ascending as stored
        return parts[0]
    return distinct_sorted(np.concatenate(parts or [np.zeros(0, ID_TYPE)]))


def distinct_sorted(ids: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (a sort: numpy's unique hashes, several times slower on these)."""
    ids = np.sort(ids, kind="stable")       # radix sort for 32-bit integers
    return ids[np.concatenate(([True], ids[1:] != ids[:-1]))] if len(ids) else ids


def _fts_ids(conn: sqlite3.Connection, side: str, expression: str) -> np.ndarray:
    ids = conn.execute("SELECT group_concat(rowid) FROM units_fts WHERE units_fts MATCH ?",
                       ("{" + side + "} : " + expression,)).fetchone()[0]
    return np.fromstring(ids, dtype=np.int64, sep=",").astype(ID_TYPE) if ids else np.zeros(0, ID_TYPE)


def fts_prefix_ids(conn: sqlite3.Connection, prefix: str, side: str) -> np.ndarray:
    """The same ids asked from the full-text index alone (stores made before these tables)."""
    return _fts_ids(conn, side, fts_string(prefix) + "*")


def rebuild(conn: sqlite3.Connection) -> None:
    """Counts and long lists from the full-text index (inside the caller's transaction)."""
    _check_ids(conn)
    conn.execute("DELETE FROM term_docs")
    conn.execute("INSERT INTO term_docs SELECT CASE col WHEN 'source' THEN 0 ELSE 1 END, term, doc FROM units_vocab")
    conn.execute("DELETE FROM postings")
    long_terms = conn.execute("SELECT col, term FROM term_docs WHERE docs >= ?", (LONG_LIST,)).fetchall()
    batch = []
    for col, term in long_terms:
        found = np.sort(_fts_ids(conn, ("source", "target")[col], fts_string(term)))
        if not len(found):
            continue
        batch.append((col, term, int(found[0]), len(found), found.tobytes()))
        if len(batch) >= BUILD_BATCH:
            conn.executemany(_INSERT, batch)
            batch = []
    conn.executemany(_INSERT, batch)


def add_units(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Count the terms of new units (id, source, target), all above every id listed so far, and append
    their ids to the lists that exist."""
    _check_ids(conn)
    lists: dict[tuple[int, str], list[int]] = defaultdict(list)
    for uid, source, target in rows:
        for col, text in ((0, source), (1, target)):
            for term in dict.fromkeys(index_terms(text)):
                lists[col, term].append(uid)
    conn.executemany("INSERT INTO term_docs VALUES (?, ?, ?) "
                     "ON CONFLICT (col, term) DO UPDATE SET docs = docs + excluded.docs",
                     [(col, term, len(ids)) for (col, term), ids in lists.items()])
    for (col, term), ids in sorted(lists.items()):
        last = conn.execute("SELECT id, n, ids FROM postings WHERE col = ? AND term = ? "
                            "ORDER BY first_id DESC LIMIT 1", (col, term)).fetchone()
        if last is None:
            continue                        # a short list: FTS5 answers for it
        blob = np.asarray(ids, dtype=ID_TYPE).tobytes()
        if last[1] < APPEND_BELOW:
            # Joined here: SQLite's || makes text of blobs.
            conn.execute("UPDATE postings SET ids = ?, n = ? WHERE id = ?",
                         (last[2] + blob, last[1] + len(ids), last[0]))
        else:
            conn.execute(_INSERT, (col, term, ids[0], len(ids), blob))


def _check_ids(conn: sqlite3.Connection) -> None:
    top = conn.execute("SELECT max(id) FROM units").fetchone()[0] or 0
    if top > MAX_ID:
        raise TmforgeError(f"the store holds unit ids above {MAX_ID}, more than its posting lists can; "
                           "split the memory into several stores")


def all_lists(conn: sqlite3.Connection, side: str) -> Iterator[tuple[str, np.ndarray]]:
    """(term, ids) of every list of a side, chunks joined (tests compare them with the full-text index)."""
    current, parts = None, []
    for term, blob in conn.execute("SELECT term, ids FROM postings WHERE col = ? ORDER BY term, first_id",
                                   (SIDES[side],)):
        if term != current and parts:
            yield current, np.concatenate(parts)
            parts = []
        current = term
        parts.append(np.frombuffer(blob, dtype=ID_TYPE))
    if parts:
        yield current, np.concatenate(parts)
