"""The memory store at a million units: import, lookup latency, and the HTTP server under load.

Units come from real Russian–English sentence pairs in ../shared/data (the
WMT22 test set, Tatoeba's Russian–English pairs and the loginom OmegaT
memory, about 6,000 pairs), repeated and varied: every base pair once, then
units joining two or three random base pairs (both sides in the same order,
as a 2-1 or 3-1 bead of an aligner would), and 3 % exact repeats that the
import must skip. The store is built by the real command, `tmforge tm import`,
in a child process: its CPU time (the reader process it starts included) and
peak RSS come from os.wait4 (the largest single process), the peak of all its
processes' RSS together and the reader's CPU time from sampling /proc.

Lookup queries are built from stored sources: exact ones (a stored source
as it is), fuzzy ones (a stored source with one word dropped and a number or
word changed: the kind of edit a new version of a document has) and
semantic ones (a stored source with its clauses rearranged). p50/p95 over
each set, timed inside one process, the store opened once: wall time, and the process's
CPU time (on a shared machine the wall time includes waiting for a
core; a lookup is single-threaded, so its CPU time is close to the wall time
on an idle core, except for reading pages not yet cached).

The load test starts `tmforge tm serve` (one worker process per usable
core unless --workers says otherwise) and runs N clients (HTTP/1.1 keep-alive on asyncio,
in this process: its CPU time is reported beside the server's) against
127.0.0.1 for a fixed time: each client sends a tmserver request, waits for
the answer, and pauses a random 0-2x the think time before the next. With the
default 1 s that is ~50 requests a second from 50 clients, far busier than 50
translators (a CAT tool asks once per segment, and a translator spends tens of
seconds on one; Weblate asks once per string opened): a stress figure. Every
request carries another text (half stored sources, half edited ones), so no
answer is asked twice. It reports requests, errors, latency percentiles, the
CPU time of server and client per request, the load average, and the server's
throughput with 8 clients and no pause.

Usage:
  python benchmarks/tm_store.py build  [--units 1000000] [--work /tmp/tmforge-store-bench]
  python benchmarks/tm_store.py import [--work ...]
  python benchmarks/tm_store.py lookup [--work ...] [--queries 300] [--store store.tmdb]
  python benchmarks/tm_store.py semantic [--work ...] [--units 100000]   (build + index + lookup)
  python benchmarks/tm_store.py semantic-lookup [--work ...] [--queries 300]
  python benchmarks/tm_store.py ann-scale [--work ...] [--units 1000000] [--queries 100]  (declared synthetic vectors)
  python benchmarks/tm_store.py reverse-lookup [--work ...] [--queries 300]  (en -> ru asked of the ru -> en store)
  python benchmarks/tm_store.py semantic-scale [--work ...] [--queries 100]  (1M units with vectors: declared synthetic)
  python benchmarks/tm_store.py semantic-scale-lookup [--work ...] [--queries 100]  (its lookups only)
  python benchmarks/tm_store.py load   [--work ...] [--clients 50] [--seconds 60] [--think 1.0] [--store ...] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SEED = 16


def base_pairs() -> list[tuple[str, str]]:
    """The real Russian–English sentence pairs the units are made of, deduplicated, in a fixed order."""
    pairs = []
    wmt = DATA / "wmt22-ru-en" / "generaltest2022.ru-en"
    pairs += zip(Path(f"{wmt}.ru").read_text(encoding="utf-8").splitlines(),
                 Path(f"{wmt}.en").read_text(encoding="utf-8").splitlines())
    tat = DATA / "tatoeba" / "tatoeba.rus-eng"
    pairs += zip(Path(f"{tat}.rus").read_text(encoding="utf-8").splitlines(),
                 Path(f"{tat}.eng").read_text(encoding="utf-8").splitlines())
    for line in (DATA / "loginom-dev" / "tm.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) == 4:
            pairs.append((parts[2], parts[3]))
    seen, out = set(), []
    for ru, en in pairs:
        ru, en = ru.strip(), en.strip()
        if ru and en and (ru, en) not in seen and len(ru.split()) >= 2:
            seen.add((ru, en))
            out.append((ru, en))
    return out


def generate(n: int):
    """n units (ru, en, document, seq): base pairs, then joined pairs; 3 % repeats of earlier units."""
    rng = random.Random(SEED)
    base = base_pairs()
    made: list[tuple[str, str]] = []
    k = 0
    while k < n:
        if k < len(base):
            ru, en = base[k]
        elif made and rng.random() < 0.03:
            ru, en = made[rng.randrange(len(made))]          # a repeat: the import must skip it
        else:
            parts = [base[rng.randrange(len(base))] for _ in range(2 if rng.random() < 0.8 else 3)]
            ru, en = " ".join(p[0] for p in parts), " ".join(p[1] for p in parts)
        if len(made) < 200_000:
            made.append((ru, en))
        yield ru, en, f"doc{k // 500:05d}.txt", k % 500 + 1
        k += 1


def build(work: Path, n: int, files: int = 4) -> None:
    """Write the units as `files` TMX files (the import reads what users import)."""
    sys.path.insert(0, str(ROOT))
    from tmforge.tm.model import TranslationUnit
    from tmforge.tm.tmx import write_tmx

    work.mkdir(parents=True, exist_ok=True)
    per_file = -(-n // files)
    gen = generate(n)
    for f in range(files):
        def units():
            for _ in range(per_file):
                try:
                    ru, en, doc, seq = next(gen)
                except StopIteration:
                    return
                yield TranslationUnit(ru, en, "ru", "en", bead="1-1", document=doc, seq=seq)
        report = write_tmx(units(), work / f"part{f + 1}.tmx", srclang="ru")
        print(f"part{f + 1}.tmx: {report.written} units")


CPU_SECONDS: list[float] = []   # CPU time (user + system) of each child, in order


def _child(cmd: list[str]) -> tuple[float, float, int]:
    """Run a command; (wall seconds, peak RSS MB, exit code) from os.wait4; its CPU time goes to CPU_SECONDS.

    On a shared machine the wall time includes waiting for a core; the CPU time
    is what the work costs, close to the wall time the same run takes on idle cores.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(cmd)
    sampler = _TreeSampler(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    sampler.stop()
    CPU_SECONDS.append(usage.ru_utime + usage.ru_stime)
    TREE_SAMPLES.append(sampler.result())
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


TREE_SAMPLES: list[dict] = []    # per child: peak RSS of it and its children together, CPU of those children


class _TreeSampler:
    """Samples a process and its children from /proc every 0.2 s: the peak of their summed RSS (the import's
    reader process counts too; os.wait4 gives only the largest single process) and each child's CPU time."""

    def __init__(self, pid: int):
        import threading

        self.pid, self.peak_kib, self.child_cpu = pid, 0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def result(self) -> dict:
        return {"peak_rss_all_processes_mb": round(self.peak_kib / 1024),
                "child_process_cpu_s": [round(c, 1) for c in self.child_cpu.values()]}

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                children = [int(c) for t in Path(f"/proc/{self.pid}/task").glob("*/children")
                            for c in t.read_text().split()]
                total = _rss_kib(self.pid)
                for child in children:
                    total += _rss_kib(child)
                    self.child_cpu[child] = _process_cpu(child)
                self.peak_kib = max(self.peak_kib, total)
            except (OSError, ValueError, IndexError):
                pass


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tmforge_cmd() -> list[str]:
    return [sys.executable, "-m", "tmforge"]


def run_import(work: Path) -> dict:
    store = work / "store.tmdb"
    for suffix in ("", "-journal", ".ann"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    parts = sorted(work.glob("part*.tmx"))
    seconds, rss, code = _child(tmforge_cmd() + ["tm", "import", str(store), *map(str, parts), "--quiet"])
    result = {"seconds": round(seconds, 1), "cpu_seconds": round(CPU_SECONDS[-1], 1),
              "peak_rss_mb": round(rss), **TREE_SAMPLES[-1], "exit": code,
              "load_average_after": [round(x, 1) for x in os.getloadavg()],
              "store_mb": round(store.stat().st_size / 1e6)}
    sys.path.insert(0, str(ROOT))
    from tmforge.tm.store import Store

    with Store.open(store) as st:
        result["units"] = st.count()
    # Importing the same files again: everything is a duplicate.
    seconds, rss, code = _child(tmforge_cmd() + ["tm", "import", str(store), str(parts[0]), "--quiet"])
    result["reimport_one_file_seconds"] = round(seconds, 1)
    result["reimport_one_file_cpu_seconds"] = round(CPU_SECONDS[-1], 1)
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(result))
    return result


_NUMBER = re.compile(r"\d+")


def _fuzzy_variant(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    words = text.split()
    if len(words) > 3:
        del words[rng.randrange(len(words))]
    out = " ".join(words)
    if _NUMBER.search(out):
        return _NUMBER.sub(lambda m: str(int(m.group()) + 1), out, count=1)
    words = out.split()
    words[rng.randrange(len(words))] = rng.choice(vocabulary)
    return " ".join(words)


def _semantic_variant(text: str) -> str:
    """Clauses in another order: the same meaning, little left for word edit distance."""
    parts = [p.strip() for p in re.split(r"(?<=[,;])\s+", text.rstrip(".!?")) if p.strip()]
    if len(parts) < 2:
        words = text.rstrip(".!?").split()
        half = len(words) // 2
        return " ".join(words[half:] + words[:half]) + "."
    return ", ".join(p.rstrip(",;") for p in parts[::-1]) + "."


def _percentiles(values: list[float]) -> dict:
    values = sorted(values)
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return {"n": len(values), "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1),
            "max_ms": round(values[-1] * 1000, 1)}


def _timed(fn, texts: list[str], warm: int = 5) -> tuple[dict, list]:
    """Wall and CPU percentiles of `fn` over `texts` (after `warm` calls that fill the page cache and load the
    encoder), and its answers in order."""
    for q in texts[:warm]:
        fn(q)
    times, cpu, answers = [], [], []
    for q in texts:
        started, started_cpu = time.perf_counter(), time.process_time()
        answers.append(fn(q))
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    cpu_q = _percentiles(cpu)
    return {**_percentiles(times), "cpu_p50_ms": cpu_q["p50_ms"], "cpu_p95_ms": cpu_q["p95_ms"]}, answers


def sample_sources(store, n: int, rng: random.Random, with_vectors: bool = False) -> list[str]:
    top = store.conn.execute("SELECT max(id) FROM units").fetchone()[0]
    out = []
    while len(out) < n:
        uid = rng.randint(1, top)
        sql = ("SELECT u.source FROM units u JOIN vectors v ON v.unit_id = u.id WHERE u.id = ?" if with_vectors
               else "SELECT source FROM units WHERE id = ?")
        row = store.conn.execute(sql, (uid,)).fetchone()
        if row and 4 <= len(row[0].split()) <= 60:
            out.append(row[0])
    return out


def run_lookup(work: Path, queries: int, store_name: str = "store.tmdb", semantic: bool = False) -> dict:
    sys.path.insert(0, str(ROOT))
    from tmforge.tm.lookup import exact_matches, fuzzy_matches
    from tmforge.tm.store import Store

    rng = random.Random(SEED)
    result = {}
    with Store.open(work / store_name) as st:
        pair_ids = st.pair_ids("ru", "en")
        sources = sample_sources(st, queries, rng, with_vectors=semantic)
        vocabulary = [w for s in sources for w in s.split() if w.isalpha()]
        fuzzy = [_fuzzy_variant(s, rng, vocabulary) for s in sources]
        sets = {"exact": (sources, lambda q: exact_matches(st, q, pair_ids)),
                "fuzzy": (fuzzy, lambda q: fuzzy_matches(st, q, pair_ids, 70, 10))}
        if semantic:
            from tmforge.align.embed import load_encoder
            from tmforge.tm.vectors import SemanticIndex

            index = SemanticIndex(st, load_encoder())
            result["vectors"] = len(index)
            result["ann"] = index._ann is not None
            paraphrases = [_semantic_variant(s) for s in sources]
            sets["semantic"] = (paraphrases, lambda q: index.search(q, pair_ids, 5))
        from tmforge.tm.fuzzy import match_score

        # Recall of the fuzzy search: of the edited queries whose own source still scores at least 70,
        # how many find that source among their matches.
        reachable = {q for q, s in zip(fuzzy, sources) if match_score(q, s) >= 70}
        own = dict(zip(fuzzy, sources))
        for kind, (texts, fn) in sets.items():
            timing, answers = _timed(fn, texts)
            found_own = sum(kind == "fuzzy" and q in reachable and any(m.source == own[q] for m in hits)
                            for q, hits in zip(texts, answers))
            result[kind] = {**timing, "with_match": round(sum(map(bool, answers)) / len(texts), 3)}
            if kind == "fuzzy":
                result[kind]["found_own_source"] = f"{found_own}/{len(reachable)}"
        result["load_average"] = [round(x, 1) for x in os.getloadavg()]
        result["units"] = st.count()
    print(json.dumps(result))
    return result


def run_reverse_lookup(work: Path, queries: int, store_name: str = "store.tmdb") -> dict:
    """Lookups in the other direction: English queries (stored TARGETS as they are, and edited as the fuzzy
    set is) asked en -> ru of the ru -> en store, answered by units stored the other way round."""
    sys.path.insert(0, str(ROOT))
    from tmforge.tm.fuzzy import match_score
    from tmforge.tm.lookup import lookup
    from tmforge.tm.store import Store

    rng = random.Random(SEED + 2)
    result = {}
    with Store.open(work / store_name) as st:
        top = st.conn.execute("SELECT max(id) FROM units").fetchone()[0]
        targets = []
        while len(targets) < queries:
            row = st.conn.execute("SELECT target FROM units WHERE id = ?", (rng.randint(1, top),)).fetchone()
            if row and 4 <= len(row[0].split()) <= 60:
                targets.append(row[0])
        vocabulary = [w for s in targets for w in s.split() if w.isalpha()]
        edited = [_fuzzy_variant(s, rng, vocabulary) for s in targets]
        reachable = {q for q, s in zip(edited, targets) if match_score(q, s) >= 70}
        for kind, texts in (("exact", targets), ("fuzzy", edited)):
            timing, answers = _timed(lambda q: lookup(st, q, "en", "ru"), texts)
            own = sum((kind == "exact" or q in reachable) and any(m.source == target and m.reversed for m in hits)
                      for q, target, hits in zip(texts, targets, answers))
            result[kind] = {**timing, "with_match": round(sum(map(bool, answers)) / len(texts), 3),
                            "found_own_target": f"{own}/{len(texts) if kind == 'exact' else len(reachable)}"}
        result["load_average"] = [round(x, 1) for x in os.getloadavg()]
        result["units"] = st.count()
    print(json.dumps(result))
    return result


def build_semantic(work: Path, n: int) -> dict:
    """A store of the first n units of the million, with vectors (`tm index`): semantic lookup timing."""
    store = work / "semantic.tmdb"
    for suffix in ("", "-journal", ".ann"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    sys.path.insert(0, str(ROOT))
    from tmforge.tm.model import TranslationUnit
    from tmforge.tm.tmx import write_tmx

    part = work / "semantic-part.tmx"
    gen = generate(n)
    write_tmx((TranslationUnit(ru, en, "ru", "en", document=doc, seq=seq) for ru, en, doc, seq in gen), part,
              srclang="ru")
    seconds, rss, code = _child(tmforge_cmd() + ["tm", "import", str(store), str(part), "--quiet"])
    index_seconds, index_rss, code2 = _child(tmforge_cmd() + ["tm", "index", str(store), "--quiet"])
    from tmforge.tm.store import Store

    with Store.open(store) as st:
        units = st.count()
    result = {"units": units, "import_seconds": round(seconds, 1), "index_seconds": round(index_seconds, 1),
              "index_cpu_seconds": round(CPU_SECONDS[-1], 1),
              "index_rate_per_s": round(units / index_seconds), "index_peak_rss_mb": round(index_rss),
              "store_mb": round(store.stat().st_size / 1e6), "exit": [code, code2]}
    print(json.dumps(result))
    return result


def run_ann_scale(work: Path, total: int, queries: int) -> dict:
    """The nearest-neighbour search of semantic lookup on a graph of `total` vectors, and on the real ones.

    Encoding a million units with the bundled encoder takes hours of CPU, so the big graph holds the real
    vectors of semantic.tmdb (made by `tm index`) plus SYNTHETIC ones: copies of the real vectors with
    Gaussian noise added (cosine about 0.8 to the vector they come from), quantised as the store does. It
    measures what a graph of that size costs to search (HNSW work grows with the graph, not with where
    the vectors came from); the queries are real: paraphrased stored sources, encoded by the bundled
    encoder (timed apart). Recall: the query's own unit among the 5 nearest, in both graphs.
    """
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from tmforge.align.embed import load_encoder
    from tmforge.threads import usable_cores
    from tmforge.tm.store import Store
    from tmforge.tm.vectors import _load_all, _unit_rows, new_graph, quantise

    rng = random.Random(SEED)
    with Store.open(work / "semantic.tmdb") as st:
        ids, vecs = _load_all(st)
        sources = sample_sources(st, queries, rng, with_vectors=True)
        own = [st.conn.execute("SELECT id FROM units WHERE source = ?", (s,)).fetchone()[0] for s in sources]
    encoder = load_encoder()
    encoder.encode(["warm-up"])
    encode_cpu, query_vecs = [], []
    for text in (_semantic_variant(s) for s in sources):
        started = time.process_time()
        query_vecs.append(_unit_rows(quantise(encoder.encode([text])))[0])
        encode_cpu.append(time.process_time() - started)
    result = {"real_vectors": len(ids), "total_vectors": total, "synthetic_vectors": max(0, total - len(ids)),
              "queries": queries, "encode_query": _percentiles(encode_cpu)}
    graphs = {"real": (ids, vecs)}
    if total > len(ids):
        noise = np.random.default_rng(SEED)
        extra = total - len(ids)
        parts = [vecs]
        for start in range(0, extra, 100_000):
            n = min(100_000, extra - start)
            base = _unit_rows(vecs[noise.integers(0, len(ids), n)])
            parts.append(quantise(base + noise.normal(0, 0.75 / np.sqrt(vecs.shape[1]), base.shape)))
        graphs["scaled"] = (np.concatenate([ids, 10**12 + np.arange(extra, dtype=np.int64)]), np.concatenate(parts))
    for name, (keys, data) in graphs.items():
        graph = new_graph(data.shape[1])
        started, started_cpu = time.perf_counter(), time.process_time()
        graph.add(keys, data, threads=usable_cores())
        build = {"vectors": len(keys), "build_s": round(time.perf_counter() - started, 1),
                 "build_cpu_s": round(time.process_time() - started_cpu, 1)}
        for q in query_vecs[:5]:
            graph.search(q, 32)
        cpu, hit = [], 0
        for q, uid in zip(query_vecs, own):
            started = time.process_time()
            found = graph.search(q, 32)             # as SemanticIndex.search asks: 32 for k=5
            cpu.append(time.process_time() - started)
            hit += uid in set(int(k) for k in found.keys[:5])
        result[name] = {**build, "search_cpu": _percentiles(cpu), "own_unit_in_top5": f"{hit}/{len(own)}"}
        del graph
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(result))
    return result


def _real_vectors(real_store: Path):
    """(ids, int8 vectors, {source: row}) of the units `tm index` encoded for real in `real_store`."""
    from tmforge.tm.store import Store
    from tmforge.tm.vectors import _load_all

    with Store.open(real_store) as real:
        ids, vecs = _load_all(real)
        text_of = dict(real.conn.execute("SELECT id, source FROM units"))
        model = real.meta("vector_model")
    return vecs, {text_of[int(uid)]: k for k, uid in enumerate(ids)}, model


def build_semantic_scale(work: Path, real_store: Path) -> dict:
    """The million-unit store with a vector for every unit, and its HNSW graph built by `tm index`.

    WHAT IS SYNTHETIC: encoding a million sentences takes ~2.7 CPU-hours here, so only the units whose
    source was encoded for real by `tm index` (in `real_store`, semantic.tmdb: the first units of the same
    generator) carry their real vector; every other unit carries a DECLARED SYNTHETIC vector: the real
    vector of a random real unit plus Gaussian noise, quantised as the store does (cosine about 0.8 to its
    origin), as ann-scale makes them.
    """
    import shutil

    sys.path.insert(0, str(ROOT))
    import numpy as np

    from tmforge.tm.store import Store
    from tmforge.tm.vectors import _unit_rows, quantise

    store = work / "semantic-1m.tmdb"
    for suffix in ("", "-journal", ".ann"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(work / "store.tmdb", store)
    real_vecs, row_of_text, model = _real_vectors(real_store)
    noise = np.random.default_rng(SEED)
    real = 0
    with Store.open(store, readonly=False) as st:
        conn = st.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM vectors")
        last = 0
        while True:
            rows = conn.execute("SELECT id, source FROM units WHERE id > ? ORDER BY id LIMIT 50000",
                                (last,)).fetchall()
            if not rows:
                break
            last = rows[-1][0]
            base = _unit_rows(real_vecs[noise.integers(0, len(real_vecs), len(rows))])
            synthetic = quantise(base + noise.normal(0, 0.75 / np.sqrt(base.shape[1]), base.shape))
            out = []
            for k, (uid, source) in enumerate(rows):
                row = row_of_text.get(source)
                real += row is not None
                out.append((uid, (real_vecs[row] if row is not None else synthetic[k]).tobytes()))
            conn.executemany("INSERT INTO vectors (unit_id, vec) VALUES (?, ?)", out)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('vector_model', ?)", (model,))
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'vector_generation'")
        conn.execute("COMMIT")
        total = conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
    result = {"vectors": total, "real_vectors": real, "synthetic_vectors": total - real}
    # The graph, by the real command (nothing is left to encode, so it only builds the graph).
    seconds, rss, code = _child(tmforge_cmd() + ["tm", "index", str(store), "--quiet"])
    result["graph_build"] = {"seconds": round(seconds, 1), "cpu_seconds": round(CPU_SECONDS[-1], 1),
                             "peak_rss_mb": round(rss), "exit": code,
                             "ann_mb": round(Path(f"{store}.ann").stat().st_size / 1e6)}
    print(json.dumps(result))
    return result


def run_semantic_scale(work: Path, queries: int, real_store: Path) -> dict:
    """Semantic lookup end to end on the store build_semantic_scale made, through the store's own code:
    SemanticIndex memory-maps the graph, the bundled encoder encodes the query, the graph is searched and
    the units read back; also the whole lookup (exact, fuzzy and semantic) as `tm lookup` runs it.
    The queries are real: paraphrases (clauses reordered) of sources whose vector is REAL, encoded for real;
    recall is the share whose own unit is among the matches."""
    sys.path.insert(0, str(ROOT))
    from tmforge.align.embed import load_encoder
    from tmforge.tm.lookup import lookup
    from tmforge.tm.store import Store
    from tmforge.tm.vectors import SemanticIndex

    _, row_of_text, _ = _real_vectors(real_store)
    rng = random.Random(SEED)
    result = {}
    with Store.open(work / "semantic-1m.tmdb") as st:
        real_units = sorted(uid for uid, source in st.conn.execute("SELECT id, source FROM units WHERE id <= ?",
                                                                   (2 * len(row_of_text) + 1000,))
                            if source in row_of_text and 4 <= len(source.split()) <= 60)
        pair_ids = st.pair_ids("ru", "en")
        started = time.perf_counter()
        index = SemanticIndex(st, load_encoder())
        result.update(units=st.count(), vectors=len(index), ann=index._ann is not None,
                      open_index_s=round(time.perf_counter() - started, 2))
        chosen = rng.sample(real_units, min(queries, len(real_units)))
        paraphrases = [_semantic_variant(st.conn.execute("SELECT source FROM units WHERE id = ?", (uid,)).fetchone()[0])
                       for uid in chosen]
        for q in paraphrases[:5]:
            index.search(q, pair_ids, 5)              # warm the encoder and the mapped graph
        sets = {"semantic_search": lambda q: [uid for uid, _ in index.search(q, pair_ids, 5)],
                "full_lookup": lambda q: [m.id for m in lookup(st, q, "ru", "en", semantic=index)]}
        for name, fn in sets.items():
            timing, answers = _timed(fn, paraphrases, warm=0)     # warmed above
            own = sum(uid in ids for uid, ids in zip(chosen, answers))
            result[name] = {**timing, "own_unit_found": f"{own}/{len(chosen)}"}
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(result))
    return result


# ---------------------------------------------------------------- load test

class HttpConnection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams, for the load test.

    httpx cost ~5-17 CPU ms per request here (measured), and the load generator shares the server's cores;
    this costs a fraction of that. It sends GET requests and reads answers with Content-Length (what
    uvicorn sends for JSON); anything else is an error of the server under test.
    """

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode("ascii"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        if "content-length" not in headers:
            raise ConnectionError(f"answer without Content-Length: {lines[0]}")
        body = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection") == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def _load(port: int, queries: "QueryStream", clients: int, seconds: float, think: float) -> dict:
    from urllib.parse import quote

    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: dict[str, int] = {}
    rng = random.Random(SEED)

    async def client(k: int) -> None:
        http = HttpConnection(port)
        while time.monotonic() < deadline:
            text = queries.next()
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(http.get(f"/ru/en/unit/{quote(text, safe='')}"), 30)
                if status != 200:
                    errors[str(status)] = errors.get(str(status), 0) + 1
                else:
                    json.loads(body)
                    latencies.append(time.perf_counter() - started)
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                await http.close()
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))
        await http.close()

    started, cpu_started = time.monotonic(), _self_cpu()
    await asyncio.gather(*(client(k) for k in range(clients)))
    elapsed = time.monotonic() - started
    return {"clients": clients, "seconds": round(elapsed, 1), "think_s": think, "requests": len(latencies),
            "errors": errors, "requests_per_s": round(len(latencies) / elapsed, 1), **_percentiles(latencies),
            "client_cpu_ms_per_request": round(1000 * (_self_cpu() - cpu_started) / max(1, len(latencies)), 2),
            "client_cores": round((_self_cpu() - cpu_started) / elapsed, 2)}


class QueryStream:
    """Queries handed out in order, each once (the server sees no repeated text: a cache of recent answers
    would gain nothing here); `repeated` counts how many were handed out again after all were used."""

    def __init__(self, queries: list[str]):
        self.queries, self.k, self.repeated = queries, 0, 0

    def next(self) -> str:
        text = self.queries[self.k % len(self.queries)]
        self.repeated += self.k >= len(self.queries)
        self.k += 1
        return text


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process and its children (worker processes) have used, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        total += sum(_process_cpu(int(child)) for child in task.read_text().split())
    return total


def run_load(work: Path, clients: int, seconds: float, think: float, port: int = 18716,
             store_name: str = "store.tmdb", workers: int | None = None, queries: int = 8000) -> dict:
    import urllib.request

    sys.path.insert(0, str(ROOT))
    from tmforge.tm.store import Store
    from tmforge.threads import usable_cores

    rng = random.Random(SEED + 1)
    with Store.open(work / store_name) as st:
        sources = list(dict.fromkeys(sample_sources(st, queries, rng)))
        units = st.count()
    vocabulary = [w for s in sources for w in s.split() if w.isalpha()]
    # Half as stored (exact matches), half edited (fuzzy), interleaved.
    stream = QueryStream([s if k % 2 == 0 else _fuzzy_variant(s, rng, vocabulary) for k, s in enumerate(sources)])
    log = open(work / "serve.log", "w", encoding="utf-8")   # the server's errors, kept for the report
    extra = ["--workers", str(workers)] if workers else []
    server = subprocess.Popen(tmforge_cmd() + ["tm", "serve", str(work / store_name), "--port", str(port),
                                               "--no-semantic", *extra], stderr=log)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/languages/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        time.sleep(2)                            # every worker started (the first answer came from one)
        load_before = os.getloadavg()
        cpu_before = _process_cpu(server.pid)
        loaded = asyncio.run(_load(port, stream, clients, seconds, think))
        loaded["server_cpu_ms_per_request"] = round(1000 * (_process_cpu(server.pid) - cpu_before)
                                                    / max(1, loaded["requests"]), 1)
        loaded["server_cores"] = round((_process_cpu(server.pid) - cpu_before) / loaded["seconds"], 2)
        loaded["load_average_before"] = [round(x, 1) for x in load_before]
        loaded["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
        cpu_before = _process_cpu(server.pid)
        saturated = asyncio.run(_load(port, stream, 8, min(seconds, 20), 0))
        saturated["server_cpu_ms_per_request"] = round(1000 * (_process_cpu(server.pid) - cpu_before)
                                                       / max(1, saturated["requests"]), 1)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    result = {"units": units, "workers": workers or "default (one per usable core)", "cores": usable_cores(),
              "distinct_queries": len(stream.queries), "repeated_queries": stream.repeated,
              "loaded": loaded, "no_pause_8_clients": saturated,
              "load_average": [round(x, 1) for x in os.getloadavg()]}
    print(json.dumps(result))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["build", "import", "lookup", "semantic", "semantic-lookup", "ann-scale",
                                         "semantic-scale", "semantic-scale-lookup", "reverse-lookup", "load"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/tmforge-store-bench"))
    parser.add_argument("--units", type=int, default=None)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--store", default="store.tmdb", help="store file in --work for lookup and load")
    parser.add_argument("--workers", type=int, default=None, help="load: server worker processes (default: its own)")
    parser.add_argument("--real-vectors", type=Path, default=None,
                        help="semantic-scale: the store whose real vectors are used (default: WORK/semantic.tmdb)")
    args = parser.parse_args()
    if args.step == "build":
        build(args.work, args.units or 1_000_000)
    elif args.step == "import":
        run_import(args.work)
    elif args.step == "lookup":
        run_lookup(args.work, args.queries, args.store)
    elif args.step == "semantic":
        build_semantic(args.work, args.units or 100_000)
        run_lookup(args.work, args.queries, "semantic.tmdb", semantic=True)
    elif args.step == "semantic-lookup":       # the lookup half of `semantic`, on the store it built
        run_lookup(args.work, args.queries, "semantic.tmdb", semantic=True)
    elif args.step == "ann-scale":             # the search of semantic lookup on a graph of --units vectors
        run_ann_scale(args.work, args.units or 1_000_000, args.queries)
    elif args.step == "semantic-scale":        # the 1M store with vectors (declared synthetic), its graph, lookups
        build_semantic_scale(args.work, args.real_vectors or args.work / "semantic.tmdb")
        run_semantic_scale(args.work, args.queries, args.real_vectors or args.work / "semantic.tmdb")
    elif args.step == "semantic-scale-lookup":  # the lookups of semantic-scale, on the store it built
        run_semantic_scale(args.work, args.queries, args.real_vectors or args.work / "semantic.tmdb")
    elif args.step == "reverse-lookup":        # lookups answered by units stored the other way round
        run_reverse_lookup(args.work, args.queries, args.store)
    else:
        run_load(args.work, args.clients, args.seconds, args.think, store_name=args.store, workers=args.workers)


if __name__ == "__main__":
    main()
