"""Sentence vectors of stored sources and nearest-neighbour search over them (semantic lookup).

Vectors are made by an encoder passed in (the CLI passes tmforge.align's
bundled multilingual USE v3: 512 dimensions, L2-normalised), so tm/ needs no
model of its own. They are stored in the store's `vectors` table int8-quantised
(each vector scaled so its largest component is 127: 512 bytes a unit; the
cosine of quantised vectors differs from the float one by well under 0.01).

Search: a store with up to BRUTE_FORCE_LIMIT vectors is searched exactly with
numpy. Larger stores use an HNSW graph (usearch, int8, cosine) kept in a file
beside the store (`STORE.tmdb.ann`), built by `tm index` from the stored
vectors and memory-mapped at lookup. It is a cache: the store records which
vector generation it was built for, and a stale or missing graph is rebuilt
from the stored vectors (no re-encoding) by the next `tm index`.

Encoding is the slow part (about 2,000 sentences a second on 2 cores with the
bundled encoder), which is why `tm import` does not do it: `tm index` does,
for the units that have no vector yet.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from tmforge.errors import TmforgeError
from tmforge.tm.store import Store

BRUTE_FORCE_LIMIT = 100_000
# Candidates the graph search keeps (HNSW's ef). At 960,996 vectors (benchmarks/tm_store.py semantic-scale)
# 64 found a paraphrase's own unit among the 5 nearest for 86 of 100 queries where exact search found all
# 100; 256: 98, 512: 100, at 2.6 / 3.6 CPU ms (p50 / p95) a search, small beside encoding the query.
ANN_EXPANSION_SEARCH = 512
ENCODE_BATCH = 256
ANN_SUFFIX = ".ann"


class Encoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def quantise(vectors: np.ndarray) -> np.ndarray:
    """float vectors (n, d) -> int8, each row scaled so its largest magnitude is 127."""
    vectors = np.asarray(vectors, dtype=np.float32)
    scale = 127.0 / np.maximum(np.abs(vectors).max(axis=1, keepdims=True), 1e-12)
    return np.clip(np.rint(vectors * scale), -127, 127).astype(np.int8)


def _unit_rows(q: np.ndarray) -> np.ndarray:
    f = q.astype(np.float32)
    return f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)


def ann_path(store: Store) -> Path:
    return store.path.with_name(store.path.name + ANN_SUFFIX)


def index_store(store: Store, encoder: Encoder, progress: Callable[[int, int], None] | None = None,
                batch: int = ENCODE_BATCH) -> int:
    """Encode the sources of units without a vector; commit every batch (an interrupted run keeps
    what it encoded). Then rebuild the ANN graph when the store is large. Returns vectors added."""
    conn = store.conn
    todo = conn.execute("SELECT count(*) FROM units u LEFT JOIN vectors v ON v.unit_id = u.id "
                        "WHERE v.unit_id IS NULL").fetchone()[0]
    done = 0
    model = conn.execute("SELECT value FROM meta WHERE key = 'vector_model'").fetchone()
    if model and model[0] != encoder.name and todo:
        raise TmforgeError(f"{store.path} holds vectors of encoder {model[0]}, not {encoder.name}; "
                           "index with the same encoder")
    last = 0
    while done < todo:
        rows = conn.execute("SELECT u.id, u.source FROM units u LEFT JOIN vectors v ON v.unit_id = u.id "
                            "WHERE v.unit_id IS NULL AND u.id > ? ORDER BY u.id LIMIT ?", (last, batch)).fetchall()
        if not rows:
            break
        vectors = quantise(encoder.encode([r[1] for r in rows]))
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT INTO vectors (unit_id, vec) VALUES (?, ?)",
                             [(uid, vectors[k].tobytes()) for k, (uid, _) in enumerate(rows)])
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('vector_model', ?)", (encoder.name,))
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'vector_generation'")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done += len(rows)
        last = rows[-1][0]
        if progress:
            progress(done, todo)
    count = conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
    if count > BRUTE_FORCE_LIMIT and (done or not _ann_current(store)):
        build_ann(store)
    return done


def _generation(store: Store) -> str:
    return store.meta("vector_generation") or "0"


def _ann_current(store: Store) -> bool:
    return ann_path(store).is_file() and store.meta("ann_generation") == _generation(store)


def _load_all(store: Store) -> tuple[np.ndarray, np.ndarray]:
    """(ids, int8 vectors) of the whole store, read in pages."""
    count = store.conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
    ids = np.empty(count, dtype=np.int64)
    vecs = None
    k = 0
    for uid, blob in store.conn.execute("SELECT unit_id, vec FROM vectors ORDER BY unit_id"):
        row = np.frombuffer(blob, dtype=np.int8)
        if vecs is None:
            vecs = np.empty((count, row.size), dtype=np.int8)
        if k >= count:
            break
        ids[k], vecs[k] = uid, row
        k += 1
    if vecs is None:
        vecs = np.zeros((0, 0), dtype=np.int8)
    return ids[:k], vecs[:k]


def new_graph(ndim: int):
    """An empty HNSW graph as the store uses it (int8 vectors, cosine; benchmarks/ builds the same)."""
    from usearch.index import Index

    return Index(ndim=ndim, metric="cos", dtype="i8", connectivity=16, expansion_add=128,
                 expansion_search=ANN_EXPANSION_SEARCH)


def build_ann(store: Store) -> Path:
    """Build the HNSW graph over all stored vectors and save it beside the store (atomically)."""
    from tmforge.atomic import atomic_path
    from tmforge.threads import usable_cores

    ids, vecs = _load_all(store)
    index = new_graph(vecs.shape[1])
    index.add(ids, vecs, threads=usable_cores())
    target = ann_path(store)
    with atomic_path(target) as tmp:
        index.save(str(tmp))
    writable = Store.open(store.path, readonly=False) if store.readonly else store
    try:
        writable.conn.execute("INSERT OR REPLACE INTO meta VALUES ('ann_generation', ?)", (_generation(store),))
    finally:
        if writable is not store:
            writable.close()
    return target


class SemanticIndex:
    """Nearest stored sources of a query sentence; quality = floor(100 * cosine)."""

    def __init__(self, store: Store, encoder: Encoder):
        self.store = store
        self.encoder = encoder
        self.count = store.conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
        model = store.meta("vector_model")
        if self.count and model and model != encoder.name:
            raise TmforgeError(f"{store.path} holds vectors of encoder {model}, not {encoder.name}")
        self._ann = None
        self._ids = self._vecs = None
        if self.count > BRUTE_FORCE_LIMIT:
            if not _ann_current(store):
                raise TmforgeError(f"the vector index of {store.path} is missing or older than its vectors; "
                                   f"run tmforge tm index {store.path}")
            from usearch.index import Index

            self._ann = Index.restore(str(ann_path(store)), view=True)
            self._ann.expansion_search = ANN_EXPANSION_SEARCH    # a graph saved by an older tmforge kept 64
        elif self.count:
            ids, vecs = _load_all(store)
            self._ids, self._vecs = ids, _unit_rows(vecs)

    def __len__(self) -> int:
        return self.count

    def search(self, text: str, pair_ids: Sequence[int], k: int) -> list[tuple[int, int]]:
        """(unit id, quality) of the k nearest sources in the given pairs, best first."""
        if not self.count or k <= 0:
            return []
        query = _unit_rows(quantise(self.encoder.encode([text])))[0]
        wanted = set(pair_ids)
        # The graph and the matrix hold every pair; ask for more and keep the wanted pairs.
        fetch = min(self.count, max(4 * k, 32))
        if self._ann is not None:
            found = self._ann.search(query, fetch)
            hits = [(int(key), 1.0 - float(dist)) for key, dist in zip(found.keys, found.distances)]
        else:
            sims = self._vecs @ query
            top = np.argpartition(-sims, min(fetch, len(sims)) - 1)[:fetch]
            top = top[np.argsort(-sims[top])]
            hits = [(int(self._ids[i]), float(sims[i])) for i in top]
        pairs = dict(self.store.conn.execute(
            f"SELECT id, pair_id FROM units WHERE id IN ({','.join('?' * len(hits))})",
            [uid for uid, _ in hits]).fetchall()) if hits else {}
        return [(uid, max(0, math.floor(100 * sim + 1e-9))) for uid, sim in hits
                if pairs.get(uid) in wanted][:k]
