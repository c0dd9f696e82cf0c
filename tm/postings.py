"""Posting lists of the store's terms as compact blobs: the fuzzy candidate search reads these.

For every term of the sources and of the targets, `postings` holds the ids of the units whose text
holds it, as little-endian unsigned 32-bit integers in ascending order, in one or more chunks
(col, term, first_id). A lookup reads a word's lists with one range scan over the terms starting
with the word's stem prefix and gets them as numpy arrays without a Python object per id.

Why not ask the full-text index: FTS5 hands out a posting list row by row through SQLite's VM
(`group_concat(rowid) ... MATCH 'term*'`), which cost about 9 of a fuzzy lookup's 28 CPU ms at a
million units (30,000 ids a lookup); read from blobs the same ids cost about 2 ms. The full-text
index stays what concordance searches.

Kept in step inside the import's transaction (a rollback takes both back):
- after a large import (or when the table is new) the lists are rebuilt from the full-text index,
  one exact-term query per term of its vocabulary (C does the tokenising; ~6 s per side at a
  million units with the benchmark's small vocabulary, more queries on a larger vocabulary);
- a few new units (the server's write API, a small file) are tokenised here (tm.terms reproduces
  the index's tokenizer) and their ids appended: to a term's last chunk while that is shorter than
  APPEND_BELOW ids, else as a new chunk, so a list never splits into many small pieces.
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
APPEND_BELOW = 4096          # ids: new ids join a term's last chunk while it is shorter than this
BUILD_BATCH = 2000           # terms inserted per executemany while rebuilding (bounds the memory held)

# The blobs live in a rowid table (overflow pages); the index holds what the search walks, counts included,
# so counting a prefix's units reads small index pages only (a table keyed by term with the blobs inline
# made that 4 times slower than the lists themselves).
TABLE = """CREATE TABLE postings (id INTEGER PRIMARY KEY, col INTEGER NOT NULL, term TEXT NOT NULL,
                      first_id INTEGER NOT NULL, n INTEGER NOT NULL, ids BLOB NOT NULL);
CREATE UNIQUE INDEX postings_terms ON postings (col, term, first_id, n)"""
_INSERT = "INSERT INTO postings (col, term, first_id, n, ids) VALUES (?, ?, ?, ?, ?)"


def exists(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'postings'").fetchone() is not None


def _prefix_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix + "\U0010ffff"


def prefix_docs(conn: sqlite3.Connection, prefix: str, side: str, cap: int) -> int:
    """Ids in the lists of the terms starting with `prefix` (units holding one, counted once per term)."""
    row = conn.execute(f"SELECT sum(n) FROM (SELECT n FROM postings WHERE col = ? AND term >= ? AND term < ? "
                       f"LIMIT {int(cap)})", (SIDES[side], *_prefix_range(prefix))).fetchone()
    return row[0] or 0


def prefix_ids(conn: sqlite3.Connection, prefix: str, side: str) -> np.ndarray:
    """Distinct ids, ascending, of the units whose `side` holds a term starting with `prefix`."""
    blobs = conn.execute("SELECT ids FROM postings WHERE col = ? AND term >= ? AND term < ?",
                         (SIDES[side], *_prefix_range(prefix))).fetchall()
    if len(blobs) == 1:                     # one term, one chunk: distinct and ascending as stored
        return np.frombuffer(blobs[0][0], dtype=ID_TYPE)
    return distinct_sorted(np.concatenate([np.frombuffer(b, dtype=ID_TYPE) for (b,) in blobs]
                                          or [np.zeros(0, ID_TYPE)]))


def distinct_sorted(ids: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (a sort: numpy's unique hashes, several times slower on these)."""
    ids = np.sort(ids, kind="stable")       # radix sort for 32-bit integers
    return ids[np.concatenate(([True], ids[1:] != ids[:-1]))] if len(ids) else ids


def fts_prefix_ids(conn: sqlite3.Connection, prefix: str, side: str) -> np.ndarray:
    """The same ids asked from the full-text index (stores made before the postings table)."""
    ids = conn.execute("SELECT group_concat(rowid) FROM units_fts WHERE units_fts MATCH ?",
                       ("{" + side + "} : " + fts_string(prefix) + "*",)).fetchone()[0]
    return np.fromstring(ids, dtype=np.int64, sep=",").astype(ID_TYPE) if ids else np.zeros(0, ID_TYPE)


def rebuild(conn: sqlite3.Connection) -> None:
    """All lists from the full-text index (inside the caller's transaction)."""
    _check_ids(conn)
    conn.execute("DELETE FROM postings")
    terms = conn.execute("SELECT col, term FROM units_vocab").fetchall()
    batch = []
    for col, term in terms:
        ids = conn.execute("SELECT group_concat(rowid) FROM units_fts WHERE units_fts MATCH ?",
                           ("{" + col + "} : " + fts_string(term),)).fetchone()[0]
        if not ids:
            continue
        found = np.fromstring(ids, dtype=np.int64, sep=",")
        found.sort()
        batch.append((SIDES[col], term, int(found[0]), len(found), found.astype(ID_TYPE).tobytes()))
        if len(batch) >= BUILD_BATCH:
            conn.executemany(_INSERT, batch)
            batch = []
    conn.executemany(_INSERT, batch)


def add_units(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Append the ids of new units (id, source, target), all above every id listed so far."""
    _check_ids(conn)
    lists: dict[tuple[int, str], list[int]] = defaultdict(list)
    for uid, source, target in rows:
        for col, text in ((0, source), (1, target)):
            for term in dict.fromkeys(index_terms(text)):
                lists[col, term].append(uid)
    for (col, term), ids in sorted(lists.items()):
        blob = np.asarray(ids, dtype=ID_TYPE).tobytes()
        last = conn.execute("SELECT id, n, ids FROM postings WHERE col = ? AND term = ? "
                            "ORDER BY first_id DESC LIMIT 1", (col, term)).fetchone()
        if last is not None and last[1] < APPEND_BELOW:
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
    """(term, ids) of every term of a side, chunks joined (tests compare them with the full-text index)."""
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
