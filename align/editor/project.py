"""The editor's project file: one SQLite database holding everything a session needs.

Tables: `meta` (format name, schema version, languages, signature, search
parameters ...), `sentences` (both documents, the text as edited and as
read), `embeddings` (each side's span embeddings, (K, n, d) float16, so a
realign never runs the encoder), `beads` (the alignment, in order) and
`history` (every edit as JSON splices, for undo and redo).

Every edit is one transaction (synchronous=FULL), so a killed server or a
power cut loses at most the edit in flight. The connection holds SQLite's
exclusive lock for its whole life: a second editor (or an export) on the
same file is refused instead of interleaving writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from tmforge.align.editor import ops
from tmforge.align.editor.ops import EditBead, EditError, Splice
from tmforge.errors import TmforgeError

FORMAT = "tmforge-project"
SCHEMA_VERSION = 1
SUFFIX = ".tmfproj"
KEY_GAP = 1 << 20  # distance between neighbouring beads' row keys when (re)numbered

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sentences (side TEXT NOT NULL, idx INTEGER NOT NULL, text TEXT NOT NULL, original TEXT NOT NULL,
                        paragraph INTEGER NOT NULL, PRIMARY KEY (side, idx)) WITHOUT ROWID;
CREATE TABLE embeddings (side TEXT PRIMARY KEY, shape TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE beads (pos INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE history (id INTEGER PRIMARY KEY, label TEXT NOT NULL, changes TEXT NOT NULL,
                      undone INTEGER NOT NULL DEFAULT 0);
"""


class ProjectError(TmforgeError):
    pass


@dataclass(frozen=True)
class HistoryStep:
    """An undo or redo as applied: the edit's label and the changes made, in order."""

    label: str
    changes: list[dict]


@dataclass
class Side:
    texts: list[str]
    originals: list[str]
    paragraphs: list[int]


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rw'}"
    con = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=0.2)
    return con


def _lock(con: sqlite3.Connection, path: Path) -> None:
    """Take and keep the exclusive lock; refuse if another editor holds the file."""
    con.execute("PRAGMA locking_mode=EXCLUSIVE")
    con.execute("PRAGMA synchronous=FULL")
    try:
        con.execute("BEGIN EXCLUSIVE")
        con.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        con.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise ProjectError(f"{path} is open in another editor (or being exported); close that "
                               "editor first, or export from its page") from None
        raise ProjectError(f"cannot open {path}: {exc}") from None


def check_project(path: str | Path) -> None:
    """Refuse, without writing anything, a file that is not a project we can open."""
    p = Path(path)
    if not p.is_file():
        raise ProjectError(f"project file not found: {p}")
    # Only SQLite reads the file: closing any other descriptor of it would drop this process's
    # POSIX locks, among them the lock of an editor this process already holds open.
    try:
        con = _connect(p, readonly=True)
        try:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            problems = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ProjectError(f"{p} is open in another editor; close that editor first") from None
        raise ProjectError(f"{p} is not a tmforge project file ({exc}); give a {SUFFIX} file made by "
                           "`tmforge edit`") from None
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise ProjectError(f"{p} is not a tmforge project file; give a {SUFFIX} file made by "
                               "`tmforge edit`, or the two documents to align") from None
        raise ProjectError(f"{p} is damaged ({exc}); restore it from a backup or start again "
                           "with `tmforge edit SRC TGT`") from None
    if meta.get("format") != FORMAT:
        raise ProjectError(f"{p} is an SQLite database but not a tmforge project; give a {SUFFIX} file")
    version = int(meta.get("schema_version", "0"))
    if version > SCHEMA_VERSION:
        raise ProjectError(f"{p} was written by a newer tmforge (project version {version}, this one "
                           f"reads up to {SCHEMA_VERSION}); upgrade tmforge to open it")
    if problems != [("ok",)]:
        raise ProjectError(f"{p} is damaged ({problems[0][0]}); restore it from a backup or start again "
                           "with `tmforge edit SRC TGT`")


class Project:
    """An open project: the beads in memory, every change written through to the file."""

    def __init__(self, path: Path, con: sqlite3.Connection):
        self.path = path
        self._con = con
        self._mutex = threading.RLock()  # the web server calls from worker threads
        self.meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        self.sides: dict[str, Side] = {}
        for side in ops.SIDES:
            rows = con.execute("SELECT text, original, paragraph FROM sentences WHERE side = ? ORDER BY idx",
                               (side,)).fetchall()
            self.sides[side] = Side([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
        rows = con.execute("SELECT pos, data FROM beads ORDER BY pos").fetchall()
        self._keys = [r[0] for r in rows]   # gapped row keys, so an edit rewrites only its own rows
        self.beads = [EditBead.from_json(json.loads(r[1])) for r in rows]
        self._spans: dict[str, np.ndarray] = {}
        self._spans_lock = threading.Lock()
        try:
            ops.check_partition(self.beads, len(self.sides["src"].texts), len(self.sides["tgt"].texts))
        except EditError as exc:
            con.close()
            raise ProjectError(f"{path} is damaged ({exc}); restore it from a backup") from None

    # --- opening and creating

    @classmethod
    def open(cls, path: str | Path) -> "Project":
        p = Path(path)
        check_project(p)
        con = _connect(p, readonly=False)
        _lock(con, p)
        return cls(p, con)

    @classmethod
    def create(cls, path: str | Path, meta: dict[str, str], src: Sequence[tuple[str, int]],
               tgt: Sequence[tuple[str, int]], src_spans: np.ndarray, tgt_spans: np.ndarray,
               beads: Iterable[EditBead]) -> "Project":
        """Write a new project (atomically: a temporary file renamed into place), then open it."""
        from tmforge.atomic import atomic_path

        p = Path(path)
        with atomic_path(p) as tmp:
            con = sqlite3.connect(tmp, isolation_level=None)
            try:
                con.executescript(_TABLES)
                con.execute("BEGIN")
                rows = {"format": FORMAT, "schema_version": str(SCHEMA_VERSION), **meta}
                con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in rows.items()])
                for side, sentences in (("src", src), ("tgt", tgt)):
                    con.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?, ?)",
                                    [(side, i, t, t, para) for i, (t, para) in enumerate(sentences)])
                for side, spans in (("src", src_spans), ("tgt", tgt_spans)):
                    data = np.ascontiguousarray(spans, dtype=np.float16)
                    con.execute("INSERT INTO embeddings VALUES (?, ?, ?)",
                                (side, json.dumps(list(data.shape)), data.tobytes()))
                con.executemany("INSERT INTO beads VALUES (?, ?)",
                                [(k * KEY_GAP, json.dumps(b.to_json())) for k, b in enumerate(beads)])
                con.execute("COMMIT")
            finally:
                con.close()
        return cls.open(p)

    def close(self) -> None:
        with self._mutex:
            self._con.close()

    # --- reading

    def spans(self, side: str) -> np.ndarray:
        """(K, n, d) float32 span embeddings of a side, as stored when the project was made (read once)."""
        with self._spans_lock:
            if side not in self._spans:
                shape, data = self._con.execute("SELECT shape, data FROM embeddings WHERE side = ?",
                                                (side,)).fetchone()
                self._spans[side] = np.frombuffer(data, dtype=np.float16).reshape(json.loads(shape)).astype(np.float32)
            return self._spans[side]

    def preload(self) -> threading.Thread:
        """Read the embeddings in the background, so the first realign does not wait for them."""
        thread = threading.Thread(target=lambda: [self.spans(side) for side in ops.SIDES], daemon=True)
        thread.start()
        return thread

    def set_meta(self, key: str, value: str) -> None:
        with self._mutex:
            self._con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
            self.meta[key] = value

    def history_state(self) -> dict:
        with self._mutex:
            can_undo = self._con.execute("SELECT COUNT(*) FROM history WHERE undone = 0").fetchone()[0]
            can_redo = self._con.execute("SELECT COUNT(*) FROM history WHERE undone = 1").fetchone()[0]
        return {"undo": can_undo, "redo": can_redo}

    # --- changing

    def commit(self, label: str, changes: list[dict]) -> None:
        """Apply changes (splices and text edits) in memory and in the file, as one undoable edit."""
        with self._mutex:
            self._save(changes, record=label)

    def undo(self) -> HistoryStep | None:
        """Undo the newest edit; what was applied (the inverse changes), or None if nothing is left."""
        return self._step(undone=0, newest=True)

    def redo(self) -> HistoryStep | None:
        return self._step(undone=1, newest=False)

    def _step(self, undone: int, newest: bool) -> HistoryStep | None:
        with self._mutex:
            row = self._con.execute(f"SELECT id, label, changes FROM history WHERE undone = ? "
                                    f"ORDER BY id {'DESC' if newest else 'ASC'} LIMIT 1", (undone,)).fetchone()
            if row is None:
                return None
            changes = json.loads(row[2])
            if undone == 0:
                changes = [_inverse(c) for c in reversed(changes)]
            self._save(changes, flip=(row[0], 1 - undone))
            return HistoryStep(row[1], changes)

    def _save(self, changes: list[dict], record: str | None = None, flip: tuple[int, int] | None = None) -> None:
        """Apply changes to copies, write them in one transaction, and only then adopt the copies."""
        beads, keys = list(self.beads), list(self._keys)
        texts = {side: list(s.texts) for side, s in self.sides.items()}
        con = self._con
        con.execute("BEGIN IMMEDIATE")
        try:
            for change in changes:
                if "splice" in change:
                    splice = Splice.from_json(change["splice"])
                    ops.apply(beads, splice)
                    self._write_splice(splice, keys, beads)
                else:
                    side, idx = change["side"], change["index"]
                    if not 0 <= idx < len(texts[side]) or texts[side][idx] != change["old"]:
                        raise EditError("the text changed meanwhile; reload the page")
                    texts[side][idx] = change["new"]
                    con.execute("UPDATE sentences SET text = ? WHERE side = ? AND idx = ?",
                                (change["new"], side, idx))
            if record is not None:
                con.execute("DELETE FROM history WHERE undone = 1")  # a new edit ends the redo branch
                con.execute("INSERT INTO history (label, changes) VALUES (?, ?)",
                            (record, json.dumps(changes, ensure_ascii=False)))
            if flip is not None:
                con.execute("UPDATE history SET undone = ? WHERE id = ?", (flip[1], flip[0]))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self.beads, self._keys = beads, keys
        for side, values in texts.items():
            self.sides[side].texts = values

    def _write_splice(self, splice: Splice, keys: list[int], beads: list[EditBead]) -> None:
        """Replace the splice's rows; new rows get keys between their neighbours' (all renumbered if none are free)."""
        con = self._con
        start, stop = splice.start, splice.start + len(splice.old)
        if splice.old:
            con.execute("DELETE FROM beads WHERE pos >= ? AND pos <= ?", (keys[start], keys[stop - 1]))
        if start > 0:
            low = keys[start - 1]
        else:   # room before the first row
            low = (keys[stop] if stop < len(keys) else 0) - KEY_GAP * (len(splice.new) + 1)
        high = keys[stop] if stop < len(keys) else low + KEY_GAP * (len(splice.new) + 1)
        step = (high - low) // (len(splice.new) + 1)
        new_keys = [low + step * (k + 1) for k in range(len(splice.new))]
        keys[start:stop] = new_keys
        if splice.new and step < 1:   # no room left between the neighbours: renumber every row
            con.execute("DELETE FROM beads")
            keys[:] = [k * KEY_GAP for k in range(len(keys))]
            rows = zip(keys, beads)   # the whole list, the splice already applied
        else:
            rows = zip(new_keys, splice.new)
        con.executemany("INSERT INTO beads VALUES (?, ?)", [(k, json.dumps(b.to_json())) for k, b in rows])


def _inverse(change: dict) -> dict:
    if "splice" in change:
        return {"splice": Splice.from_json(change["splice"]).inverse().to_json()}
    return {**change, "old": change["new"], "new": change["old"]}


def splice_change(splice: Splice) -> dict:
    return {"splice": splice.to_json()}


def text_change(side: str, index: int, old: str, new: str) -> dict:
    return {"side": side, "index": index, "old": old, "new": new}


def default_path(output_stem: Path) -> Path:
    return output_stem.with_suffix(SUFFIX)
