"""Batch throughput on Ray against the local worker pool, on real Russian-English document pairs.

200 document pairs (199 WMT22 ru-en documents, paragraphs by `para`, and the
bundled sample) are aligned three ways on this machine, with the same cores:
the local pool (`--engine local`, one worker per usable core), a one-node Ray
cluster with all usable cores, and a two-node cluster splitting them. Nodes
are real `ray start` processes on 127.0.0.1 (tests/ray_nodes.py); the time
of a batch runs from submitting the first pair to the last outcome, and
includes starting the workers and loading the encoder in each, as the local
pool's does. Starting the nodes is timed apart.

The Ray overhead per pair is (Ray wall time - pool wall time) x cores / pairs.
The paper estimate for a million pairs divides the measured per-core rate
into node-hours; the GPU line assumes encoding costs nothing at all (a lower
bound measured by timing the stages of each pair on CPU here: what is left is
reading, segmenting and the search, which stay on the CPU).

    python benchmarks/ray_batch.py [--pairs 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from tmforge.threads import cap_thread_env  # noqa: E402

cap_thread_env()

from tmforge.align import batch, sinks  # noqa: E402
from tmforge.align.cluster import Cluster, RayExecutor  # noqa: E402
from tmforge.threads import usable_cores  # noqa: E402
from benchmarks.batch_workers import write_documents  # noqa: E402
from benchmarks.report import table, write_section  # noqa: E402
from ray_nodes import ray_cluster  # noqa: E402

MILLION = 1_000_000
NODE_CORES = 32  # the node size of the paper estimate


def run(jobs, executor) -> tuple[float, int, list[batch.Outcome]]:
    start = time.perf_counter()
    tally = sinks.Tally()
    outcomes = batch.run_jobs(jobs, batch.Options(), executor, sinks.InJobOrder(tally))
    seconds = time.perf_counter() - start
    failed = [o.error for o in outcomes if o.error]
    assert not failed, failed
    return seconds, sum(tally.kinds.values()), outcomes


def stage_seconds(jobs, sample: int) -> dict[str, float]:
    """Seconds per stage over `sample` pairs aligned in this process (the encoder loaded before)."""
    encoder = batch.make_encoder(None, usable_cores())
    totals: dict[str, float] = defaultdict(float)
    for job in jobs[:sample]:
        current = {"stage": None, "at": time.perf_counter()}

        def progress(stage, done=0, total=None):
            now = time.perf_counter()
            if current["stage"] is not None:
                totals[current["stage"]] += now - current["at"]
            current["stage"], current["at"] = stage, now

        outcome = batch.run_job(job, batch.Options(), encoder, progress)
        progress(None)
        assert outcome.error is None, outcome.error
    return dict(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--stage-sample", type=int, default=40)
    args = parser.parse_args()
    cores = usable_cores()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sentences = write_documents(folder, args.pairs - 1)
        jobs = batch.pair_folders(folder / "ru", folder / "en").jobs
        assert len(jobs) == args.pairs, len(jobs)
        results = {}
        results["local pool"] = (*run(jobs, batch.local_executor(cores, 1)), None, cores)
        for nodes in (1, 2):
            started = time.perf_counter()
            with ray_cluster(nodes=nodes, cpus=cores // nodes) as (address, _):
                start_seconds = time.perf_counter() - started
                with Cluster(address) as cluster:
                    label = f"Ray, {nodes} node{'s' if nodes > 1 else ''} x {cores // nodes} CPU"
                    results[label] = (*run(jobs, RayExecutor(cluster)), start_seconds, cluster.info.cpus)
        stages = stage_seconds(jobs, args.stage_sample)

    base_seconds, base_beads = results["local pool"][0], results["local pool"][1]
    rows = []
    for label, (seconds, beads, outcomes, start_seconds, slots) in results.items():
        overhead = (seconds - base_seconds) * cores / len(jobs)
        rows.append([label, f"{seconds:.1f}", f"{60 * len(jobs) / seconds:.1f}", f"{base_seconds / seconds:.2f}x",
                     "-" if start_seconds is None else f"{start_seconds:.0f}",
                     "-" if label == "local pool" else f"{overhead:+.2f}", beads == base_beads])
    body = (f"{len(jobs)} document pairs ({args.pairs - 1} WMT22 ru-en documents and the sample), about "
            f"{sentences} Russian sentences, {cores} usable cores; every configuration uses all of them.\n\n"
            + table(["engine", "seconds", "pairs/minute", "vs local pool", "node start s",
                     "Ray overhead s/pair (core-s)", "same beads as local"], rows))

    # Paper estimate from the two-node run (the slowest per core, so the most cautious).
    label = next(k for k in results if k.startswith("Ray, 2"))
    per_core_minute = 60 * len(jobs) / results[label][0] / cores
    encode_share = stages.get("embedding", 0.0) / sum(stages.values())
    core_hours = MILLION / per_core_minute / 60
    gpu_core_hours = core_hours * (1 - encode_share)
    estimate = [["CPU only (bundled encoder)", f"{core_hours:,.0f}", f"{core_hours / NODE_CORES:,.1f}",
                 f"{core_hours / NODE_CORES / 10:,.1f}", f"{core_hours / NODE_CORES / 24:,.1f}"],
                ["GPU encodes (lower bound: encoding free)", f"{gpu_core_hours:,.0f}",
                 f"{gpu_core_hours / NODE_CORES:,.1f}", f"{gpu_core_hours / NODE_CORES / 10:,.1f}",
                 f"{gpu_core_hours / NODE_CORES / 24:,.1f}"]]
    stage_text = ", ".join(f"{k} {v / sum(stages.values()):.0%}" for k, v in sorted(stages.items(), key=lambda kv: -kv[1]))
    body += (f"\n\nPaper estimate for {MILLION:,} pairs like these, from the two-node rate "
             f"({per_core_minute:.1f} pairs per core-minute) and {NODE_CORES}-core nodes. Time per stage "
             f"on {args.stage_sample} pairs in one process: {stage_text}.\n\n"
             + table(["encoding", "core-hours", "node-hours", "hours on 10 nodes", "nodes for 24 h"], estimate))
    print(body)
    write_section("ray-batch", "Batch alignment on Ray: local pool vs one and two nodes", body)


if __name__ == "__main__":
    main()
