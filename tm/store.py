"""The translation-memory store: one SQLite file holding units of any language pairs.

Nothing to install or start: SQLite ships with Python. The file holds

- `meta`: the schema version (a store of a newer schema is refused) and counters;
- `pairs`: the language directions present (ru -> en, en-GB -> de ...);
- `imports`: every file imported, when, and how many units it added;
- `units`: the units with their metadata (score, bead, document, seq, date,
  props), a hash of the whole unit for dedupe (importing again adds only what
  is new), a hash of the whitespace-normalised source for exact lookup, and
  the source's word count for bounding fuzzy candidates;
- `units_fts`: an FTS5 full-text index over source and target (concordance and
  fuzzy candidates), kept in step with `units` inside the same transaction;
- `term_docs` and `postings` (schema 3; tm.postings): for every term of the
  sources and of the targets how many units hold it, and for the common ones
  the ids of those units as compact blobs: the fuzzy candidate search reads
  the rarest of a query's words first and then their lists; asking FTS5 for a
  common word's count or list means walking it row by row, tens of
  milliseconds at a million units. Schema 2 stores kept the counts of source
  terms only (`source_terms`); lookups in older stores fall back to the
  full-text index, and their next import builds both (and drops `source_terms`);
- `vectors`: int8-quantised sentence vectors of sources (semantic lookup),
  filled by `tm index`, not by import (encoding a million sentences takes
  minutes; see tm/vectors.py).

An import is one transaction: a crash, Ctrl-C or error leaves the store as it
was before that import. Each file is a savepoint inside it, so a damaged file
adds nothing while the files before it stay.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from tmforge.errors import TmforgeError
from tmforge.tm.import_reader import Batch, ChildReader, read_here, source_key, unit_key
from tmforge.tm.langtags import canonical_tag, primary
from tmforge.tm.model import TranslationUnit
from tmforge.tm import postings

SCHEMA_VERSION = 3           # 2: source_terms; 3: term_docs and postings (older stores gain them on their next import)
APPLICATION_ID = 0x746D6667   # "tmfg" in the SQLite header: tells a tmforge store from other SQLite files
STORE_SUFFIX = ".tmdb"
DEDUPE_KEYS = "normalised-space"   # meta: units' dedupe keys hash whitespace-normalised texts (older stores: rekeyed)
IMPORT_CACHE_KIB = 65536      # page cache while importing: the dedupe index's random inserts stay in memory
INCREMENTAL_TERMS = 0.05     # below this share of new units, posting lists are appended from the new units alone

_SCHEMA = postings.TABLES + """;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE pairs (id INTEGER PRIMARY KEY, src_lang TEXT NOT NULL, tgt_lang TEXT NOT NULL,
                    UNIQUE (src_lang, tgt_lang));
CREATE TABLE imports (id INTEGER PRIMARY KEY, path TEXT NOT NULL, imported TEXT NOT NULL,
                      added INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    pair_id INTEGER NOT NULL REFERENCES pairs(id),
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    unit_key INTEGER NOT NULL,      -- hash of the whitespace-normalised source and target: dedupe
    src_key INTEGER NOT NULL,       -- hash of the whitespace-normalised source: exact lookup
    n_words INTEGER NOT NULL,       -- words and numbers of the source: fuzzy length bounds
    score REAL, bead TEXT, document TEXT, seq INTEGER, created TEXT, props TEXT,
    import_id INTEGER NOT NULL REFERENCES imports(id)
);
CREATE UNIQUE INDEX units_dedupe ON units (pair_id, unit_key);
CREATE INDEX units_exact ON units (src_key);
CREATE VIRTUAL TABLE units_fts USING fts5 (source, target, content='units', content_rowid='id',
                                           tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE units_vocab USING fts5vocab (units_fts, 'col');
CREATE TABLE vectors (unit_id INTEGER PRIMARY KEY REFERENCES units(id), vec BLOB NOT NULL);
"""


class StoreBusy(TmforgeError):
    """Another process held the store's lock longer than this one waits (an import, a server taking units)."""

    def __init__(self, path):
        super().__init__(f"{path} is busy: another process is writing it (an import, or a server taking "
                         "units); wait until it is done, then run this again")


def is_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" (its busy timeout ran out): not a damaged store, not a bug."""
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


@dataclass
class ImportReport:
    path: str
    read: int = 0
    added: int = 0
    duplicates: int = 0
    skipped_empty: int = 0
    error: str | None = None


@dataclass
class StoredUnit:
    id: int
    source: str
    target: str
    src_lang: str
    tgt_lang: str
    origin: str
    pair_id: int
    score: float | None = None
    document: str | None = None
    seq: int | None = None
    created: str | None = None
    props: str | None = None


def lang_matches(stored: str, wanted: str) -> bool:
    """Whether a stored tag answers for a wanted one: en answers en-GB and en-GB answers en; en-US not en-GB."""
    if primary(stored) != primary(wanted):
        return False
    if stored.lower() == wanted.lower() or "-" not in stored or "-" not in wanted:
        return True
    return False


def web_code(tag: str) -> str:
    """The tmserver form of a tag: lower case with underscores (en-GB -> en_gb)."""
    return tag.replace("-", "_").lower()


class Store:
    """An open store. `Store.create_or_open(path)` for imports, `Store.open(path)` to search."""

    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool):
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self._pairs: dict[int, tuple[str, str]] | None = None
        self._terms_table: str | None = None     # "postings" (schema 3), "source_terms" (2) or "" (1): _terms()

    # -- opening -----------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, readonly: bool = True, check_same_thread: bool = True,
             timeout: float = 5.0) -> "Store":
        """Open an existing store; `timeout`: seconds to wait while another process holds the write lock."""
        path = Path(path)
        if not path.is_file():
            raise TmforgeError(f"store {path} does not exist; create it with tmforge tm import {path} MEMORY.tmx")
        uri = f"file:{path.resolve()}?mode={'ro' if readonly else 'rw'}"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=check_same_thread,
                                   timeout=timeout)
            store = cls(conn, path, readonly)
            store._check()
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise StoreBusy(path) from None
            raise TmforgeError(f"{path} is not a tmforge store ({exc}); give a file made by "
                               "tmforge tm import") from None
        store._tune()
        return store

    @classmethod
    def create_or_open(cls, path: str | Path) -> "Store":
        path = Path(path)
        if path.exists():
            if path.is_dir():
                raise TmforgeError(f"store {path} is a folder; give a file name such as {path / 'memory.tmdb'}")
            return cls.open(path, readonly=False)
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise TmforgeError(f"folder {parent} does not exist; create it first")
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("BEGIN")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            now = _now()
            conn.executemany("INSERT INTO meta VALUES (?, ?)",
                             [("schema_version", str(SCHEMA_VERSION)), ("created", now),
                              ("vector_generation", "0"), ("dedupe_keys", DEDUPE_KEYS)])
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            path.unlink(missing_ok=True)
            raise
        store = cls(conn, path, readonly=False)
        store._tune()
        return store

    def _check(self) -> None:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise TmforgeError(f"{self.path} is not a tmforge store (an SQLite file of another application "
                               "or not SQLite at all); give a file made by tmforge tm import")
        version = int(self.meta("schema_version") or 0)
        if version > SCHEMA_VERSION:
            raise TmforgeError(f"{self.path} has store schema {version}, newer than this tmforge reads "
                               f"({SCHEMA_VERSION}); upgrade tmforge")

    def _tune(self) -> None:
        self.conn.execute("PRAGMA cache_size = -65536")        # 64 MiB page cache
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self.conn.execute("PRAGMA foreign_keys = OFF")        # ids are written by this module only

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()
        if exc is not None and is_busy(exc):      # one clear line instead of "internal error ... a bug"
            raise StoreBusy(self.path) from None

    # -- facts -------------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def pairs(self, refresh: bool = False) -> dict[int, tuple[str, str]]:
        """Language pairs by id (cached: they change only when an import adds one)."""
        if refresh or self._pairs is None:
            self._pairs = {pid: (s, t) for pid, s, t in
                           self.conn.execute("SELECT id, src_lang, tgt_lang FROM pairs")}
        return self._pairs

    def pair_ids(self, src: str | None, tgt: str | None) -> list[int]:
        """Pairs answering for a direction (either side may be None: any)."""
        return [pid for pid, (s, t) in self.pairs(refresh=True).items()
                if (src is None or lang_matches(s, src)) and (tgt is None or lang_matches(t, tgt))]

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM units").fetchone()[0]

    def summary(self) -> dict:
        pairs = self.pairs()
        per_pair = dict(self.conn.execute("SELECT pair_id, count(*) FROM units GROUP BY pair_id").fetchall())
        return {
            "path": str(self.path),
            "schema": int(self.meta("schema_version") or 0),
            "units": sum(per_pair.values()),
            "vectors": self.conn.execute("SELECT count(*) FROM vectors").fetchone()[0],
            "pairs": [{"source": s, "target": t, "units": per_pair.get(pid, 0)} for pid, (s, t) in pairs.items()],
            "imports": self.conn.execute("SELECT count(*) FROM imports").fetchone()[0],
        }

    def _terms(self) -> str:
        if self._terms_table is None:
            names = {n for (n,) in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE name IN ('term_docs', 'postings', 'source_terms')")}
            self._terms_table = ("postings" if {"term_docs", "postings"} <= names
                                 else "source_terms" if "source_terms" in names else "")
        return self._terms_table

    def prefix_docs(self, prefix: str, cap: int = 10_000, side: str = "source") -> int:
        """Units whose source (or target) holds a term starting with `prefix` (an upper bound: forms of one
        word add up).

        Read from term_docs (schema 3) or source_terms (schema 2, sources); otherwise asked through
        fts5vocab, which is exact but slow for common words. Summing stops after `cap` rows (a one-letter
        prefix).
        """
        try:
            return self._prefix_docs(prefix, cap, side)
        except sqlite3.OperationalError:
            # Another connection's import upgraded the store since this one looked (source_terms is gone).
            self._terms_table = None
            return self._prefix_docs(prefix, cap, side)

    def _prefix_docs(self, prefix: str, cap: int, side: str) -> int:
        terms = self._terms()
        if terms == "postings":
            return postings.prefix_docs(self.conn, prefix, side, cap)
        table, column, where = (("source_terms", "docs", "") if terms == "source_terms" and side == "source"
                                else ("units_vocab", "doc", f"col = '{'target' if side == 'target' else 'source'}' AND "))
        row = self.conn.execute(f"SELECT sum({column}) FROM (SELECT {column} FROM {table} WHERE {where}"
                                f"term >= ? AND term < ? LIMIT {int(cap)})",
                                (prefix, prefix + "\U0010ffff")).fetchone()
        return row[0] or 0

    def prefix_ids(self, prefix: str, side: str = "source"):
        """Distinct ids (a numpy array, ascending) of the units whose source (or target) holds a term
        starting with `prefix`: from the postings, or the full-text index in a store made before them."""
        if self._terms() == "postings":
            return postings.prefix_ids(self.conn, prefix, side)
        return postings.fts_prefix_ids(self.conn, prefix, side)

    def units_by_id(self, ids: Sequence[int]) -> dict[int, StoredUnit]:
        if not ids:
            return {}
        pairs = self.pairs()
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT u.id, u.pair_id, u.source, u.target, u.score, u.document, u.seq, u.created, u.props, "
            f"i.path FROM units u JOIN imports i ON i.id = u.import_id WHERE u.id IN ({marks})", list(ids))
        out = {}
        rows = rows.fetchall()
        if any(r[1] not in pairs for r in rows):
            pairs = self.pairs(refresh=True)
        for uid, pid, source, target, score, document, seq, created, props, path in rows:
            s, t = pairs[pid]
            out[uid] = StoredUnit(uid, source, target, s, t, origin_of(path, document, seq), pid, score,
                                  document, seq, created, props)
        return out

    # -- writing -----------------------------------------------------------------------------------
    def _pair_id(self, src: str, tgt: str, cache: dict) -> int:
        key = (src, tgt)
        if key not in cache:
            row = self.conn.execute("SELECT id FROM pairs WHERE src_lang = ? AND tgt_lang = ?", key).fetchone()
            if row is None:
                cursor = self.conn.execute("INSERT INTO pairs (src_lang, tgt_lang) VALUES (?, ?)", key)
                cache[key] = cursor.lastrowid
            else:
                cache[key] = row[0]
        return cache[key]

    def import_units(self, sources: Iterable[tuple[str, Callable[[], Iterable[TranslationUnit]]]],
                     progress: Callable[[str, int], None] | None = None,
                     read_in_child: bool = False) -> list[ImportReport]:
        """Import each (name, units factory) in one transaction, each source a savepoint.

        A source whose reading raises TmforgeError adds nothing (rolled back to
        its savepoint); its report carries the error and the others go on. Any
        other exception (a crash, Ctrl-C) rolls the whole import back.
        `read_in_child`: read the sources in a second process while this one
        writes (tm.import_reader; for large imports on two or more cores; the factories must pickle).
        """
        if self.readonly:
            raise TmforgeError(f"store {self.path} is open read-only")
        sources = list(sources)
        reader = ChildReader(sources) if read_in_child else None
        try:
            return self._import_all(reader if reader is not None else read_here(sources), progress)
        finally:
            if reader is not None:
                reader.close()

    def _import_all(self, readers: Iterable[tuple[str, Iterator[Batch]]],
                    progress: Callable[[str, int], None] | None) -> list[ImportReport]:
        reports = []
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if self.meta("dedupe_keys") != DEDUPE_KEYS:
                self._rekey()
            first_new = (conn.execute("SELECT max(id) FROM units").fetchone()[0] or 0) + 1
            # Into an empty store, the exact-lookup index is built once at the end (one sort) instead of
            # row by row; the DDL is part of the transaction, so a crash still leaves the store as it was.
            build_exact_index = first_new == 1
            if build_exact_index:
                conn.execute("DROP INDEX IF EXISTS units_exact")
            conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
            for name, batches in readers:
                conn.execute("SAVEPOINT one_file")
                report = ImportReport(name)
                try:
                    self._import_one(name, batches, report, progress)
                except TmforgeError as exc:
                    conn.execute("ROLLBACK TO one_file")     # the file's rows and their index entries
                    report = ImportReport(name, error=str(exc))
                conn.execute("RELEASE one_file")
                reports.append(report)
            if build_exact_index:
                conn.execute("CREATE INDEX units_exact ON units (src_key)")
            self._update_postings(first_new, sum(r.added for r in reports))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._tune()
            self._pairs = None
            self._terms_table = None
        return reports

    def _rekey(self) -> None:
        """Give the units of a store made before dedupe normalised whitespace their new dedupe keys (inside
        the import's transaction, once: a Python hash per unit, about 10 s at a million), so importing
        a file again adds nothing. Where both "Dot" and "Dot " are stored already, the second keeps its old
        key (OR IGNORE): a lookup lists them once."""
        self.conn.create_function("tmforge_unit_key", 2, unit_key, deterministic=True)
        self.conn.execute("UPDATE OR IGNORE units SET unit_key = tmforge_unit_key(source, target) "
                          "WHERE unit_key != tmforge_unit_key(source, target)")
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('dedupe_keys', ?)", (DEDUPE_KEYS,))

    def _update_postings(self, first_new: int, added: int) -> None:
        """Bring the posting lists up to date inside the import's transaction (creating them in an older store).

        A few new units (the server's write API, a small file) are added in Python; after a large import
        the lists are rebuilt from the full-text index (tm.postings).
        """
        conn = self.conn
        if self._terms() != "postings":
            for table in ("source_terms", "postings"):       # schema 2's counts; an unfinished layout's lists
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in postings.TABLES.split(";"):
                conn.execute(statement)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
            postings.rebuild(conn)
        elif not added:
            return
        elif added < INCREMENTAL_TERMS * (conn.execute("SELECT max(id) FROM units").fetchone()[0] or 0):
            postings.add_units(conn, conn.execute("SELECT id, source, target FROM units WHERE id >= ?",
                                                  (first_new,)))
        else:
            postings.rebuild(conn)

    def _import_one(self, name: str, batches: Iterator[Batch], report: ImportReport,
                    progress: Callable[[str, int], None] | None) -> None:
        conn = self.conn
        import_id = conn.execute("INSERT INTO imports (path, imported) VALUES (?, ?)", (name, _now())).lastrowid
        pair_cache: dict = {}
        pair_of_tags: dict = {}          # tags as the file writes them -> pair id (canonical_tag once per file)
        tail = (import_id,)
        for batch in batches:
            rows = []
            for row in batch.rows:
                pid = pair_of_tags.get((row[0], row[1]))
                if pid is None:
                    pid = pair_of_tags[row[0], row[1]] = self._pair_id(
                        canonical_tag(row[0]), canonical_tag(row[1]), pair_cache)
                rows.append((pid,) + row[2:] + tail)
            report.added += self._insert(rows)
            report.read, report.skipped_empty = batch.read, batch.skipped_empty
            if progress:
                progress(name, report.read)
        report.duplicates = report.read - report.skipped_empty - report.added
        conn.execute("UPDATE imports SET added = ?, duplicates = ? WHERE id = ?",
                     (report.added, report.duplicates, import_id))

    def _insert(self, rows: list[tuple]) -> int:
        """Insert rows, skipping duplicates, and full-text index them; the number inserted.

        Indexing batch by batch (not in one statement after the last file) lets the full-text index grow
        while a reader process parses the next batch (tm.import_reader): FTS5 keeps its pending terms in
        memory across the batches of a transaction, so the total work is the same.
        """
        if not rows:
            return 0
        conn = self.conn
        first = (conn.execute("SELECT max(id) FROM units").fetchone()[0] or 0) + 1
        before = conn.total_changes
        conn.executemany(
                "INSERT OR IGNORE INTO units (pair_id, source, target, unit_key, src_key, n_words, score, bead, "
                "document, seq, created, props, import_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        added = conn.total_changes - before
        if added:
            conn.execute("INSERT INTO units_fts (rowid, source, target) "
                         "SELECT id, source, target FROM units WHERE id >= ?", (first,))
        return added

    def add_units(self, units: Sequence[TranslationUnit], origin: str) -> ImportReport:
        """Add units (the server's write API) in one transaction; duplicates are skipped."""
        reports = self.import_units([(origin, lambda: units)])
        if reports[0].error:
            raise TmforgeError(reports[0].error)
        return reports[0]


def origin_of(path: str, document: str | None, seq: int | None) -> str:
    """Where a unit came from, for people: the imported file, then the unit's document and position."""
    name = Path(path).name if path else "?"
    if document and document != name:
        name = f"{name} ({document}{f' #{seq}' if seq is not None else ''})"
    elif seq is not None:
        name = f"{name} #{seq}"
    return name


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
