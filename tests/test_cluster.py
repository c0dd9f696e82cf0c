"""Batches on a real Ray cluster: a head and a second node started here as separate processes.

One cluster for the whole module (starting a node takes tens of seconds on a
loaded machine): each node has one CPU, a loopback address, keeps its
files in a temporary folder, and is killed with everything it started at the
end. The fault test kills the second node in the middle of a batch, so it
runs last.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from conftest import SAMPLES
from tmforge.align import batch, sinks
from tmforge.errors import TmforgeError
from tmforge.tm.options import WriteOptions

if importlib.util.find_spec("ray") is None:
    pytest.skip("the cluster tests need Ray: pip install -e '.[ray]' (make test does)", allow_module_level=True)

from ray_nodes import free_port, ray_cluster  # noqa: E402  (before ray: it sets the cluster's token)
import ray  # noqa: E402
from tmforge.align.cluster import LOOPBACK, Cluster, RayExecutor  # noqa: E402

RU = [p for p in (SAMPLES / "parallel" / "ru.txt").read_text(encoding="utf-8").split("\n") if p.strip()]
EN = [p for p in (SAMPLES / "parallel" / "en.txt").read_text(encoding="utf-8").split("\n") if p.strip()]


@pytest.fixture(scope="module")
def cluster():
    """(address, head, second node) of a two-node cluster, one CPU each, this process connected to it.

    One connection for the module: the commands run here use it (a process connected already keeps
    its connection), so the workers, with their encoder loaded, serve every test.
    """
    with ray_cluster(nodes=2, cpus=1) as (address, nodes), Cluster(address):
        yield address, nodes[0], nodes[1]


def write(path: Path, paragraphs: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Six short document pairs cut from the bundled sample, and a manifest of them."""
    root = tmp_path_factory.mktemp("corpus")
    rows = []
    for k in range(6):
        part = slice(4 * k, 4 * k + 6)
        write(root / "ru" / f"doc{k}.txt", RU[part])
        write(root / "en" / f"doc{k}.txt", EN[part])
        rows.append(f"ru/doc{k}.txt,en/doc{k}.txt,doc{k}")
    (root / "pairs.csv").write_text("source,target,name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return root


def beads_of(outcomes):
    return [[(b.src, b.tgt, b.score) for b in o.alignment.beads] for o in outcomes]


def test_unreachable_address_is_one_error_before_any_work(cli, corpus, tmp_path):
    """Runs first, before this process connects to the module's cluster."""
    out = tmp_path / "memories"
    run = cli("align", corpus / "pairs.csv", "--split-output", "-o", out, "--engine", "ray",
              "--address", f"127.0.0.1:{free_port()}")
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach the Ray cluster at 127.0.0.1:")
    assert not list(out.glob("*.tmx"))


def test_pairs_on_the_cluster_equal_local_ones_and_bad_pairs_fail_alone(cluster, corpus):
    address, _, _ = cluster
    jobs = batch.read_manifest(corpus / "pairs.csv").jobs[:3]
    missing = batch.Job("gone", corpus / "ru" / "doc0.txt", corpus / "en" / "no-such-file.txt")
    options = batch.Options()
    # As a local batch's worker runs a pair: one BLAS thread (sums in another order differ in the last bits).
    with threadpool_limits(1):
        local = batch.run_jobs(jobs, options, batch.InProcess(batch.make_encoder(None, 1), 1))
    keep = sinks.Tally()
    with Cluster(address) as connected:
        assert connected.info.nodes == 2 and connected.info.cpus == 2 and connected.info.gpus == 0
        # Every node on the loopback address: nothing of the cluster goes over the network.
        assert {n["NodeManagerAddress"] for n in ray.nodes()} == {LOOPBACK}
        executor = RayExecutor(connected)
        on_ray = [None] * 4
        for index, outcome in executor.run([*jobs, missing], options):
            keep.add(index, outcome)
            on_ray[index] = outcome
        # --device cuda with an encoder that takes one asks Ray for GPUs: refused on a cluster without any.
        with pytest.raises(TmforgeError, match="no GPU"):
            executor.check(batch.Options(model="st:sentence-transformers/LaBSE", device="cuda"))
    assert beads_of(on_ray[:3]) == beads_of(local)
    assert [o.alignment.signature for o in on_ray[:3]] == [o.alignment.signature for o in local]
    assert on_ray[3].alignment is None and "no-such-file.txt" in on_ray[3].error
    assert on_ray[3].job == missing
    assert sum(executor.nodes.values()) == 4   # the failed pair ran too: its error came back


SIGTERM_CHILD = """
import os, signal, sys
from pathlib import Path
from tmforge.align.cluster import Cluster
from tmforge.atomic import atomic_write
from tmforge.signals import Terminated

def unwinds(target):
    try:
        with atomic_write(target) as fh:
            fh.write("half")
            os.kill(os.getpid(), signal.SIGTERM)
    except Terminated:
        return not target.exists() and not any(target.parent.iterdir())
    return False

folder = Path(sys.argv[2])
with Cluster(sys.argv[1]):
    print("connected", unwinds(folder / "a.txt"), flush=True)
print("disconnected", unwinds(folder / "b.txt"), flush=True)
"""


def test_sigterm_still_unwinds_while_and_after_connected(cluster, tmp_path):
    """Ray's init sets a SIGTERM handler that exits on the spot, and its shutdown resets SIGTERM below
    Python: tmforge's own handling (the half-written output removed, one line) must survive both."""
    address, _, _ = cluster
    run = subprocess.run([sys.executable, "-c", SIGTERM_CHILD, address, str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["connected", "True", "disconnected", "True"]


def test_cli_split_output_on_the_cluster_then_resume(cluster, corpus, cli, tmp_path):
    address, _, _ = cluster
    corpus = Path(shutil.copytree(corpus, tmp_path / "corpus"))  # one of its files is changed below
    out = tmp_path / "memories"
    command = ["align", corpus / "pairs.csv", "--split-output", "-o", out, "--format", "tsv",
               "--engine", "ray", "--address", address, "--json"]
    run = cli(*command)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["aligned"] == 6 and summary["engine"] == "ray" and summary["cluster"]["nodes"] == 2
    assert sum(summary["cluster"]["pairs_per_node"].values()) == 6
    memories = sorted(p.name for p in out.glob("*.tsv"))
    assert memories == [f"doc{k}.tsv" for k in range(6)]
    before = {name: (out / name).read_bytes() for name in memories}

    def pairs(name):  # source and target of each unit (a rewritten file has other dates)
        return [line.split("\t")[:2] for line in (out / name).read_text(encoding="utf-8").splitlines()]

    # The same command again: every pair is done, nothing is aligned (no cluster needed either).
    run = cli(*command)
    assert run.returncode == 0, run.stderr
    again = json.loads(run.stdout)
    assert again["already_done"] == 6 and again["pairs"] == 0 and "cluster" not in again

    # Joining the cluster again from this process is refused
    with pytest.raises(TmforgeError, match="connected to the Ray cluster at"):
        Cluster("127.0.0.2:1").__enter__()

    # One input changed, one output damaged: those two pairs are aligned again, the rest skipped.
    write(corpus / "en" / "doc1.txt", EN[4:9])
    (out / "doc4.tsv").write_text("source\ttarget\n", encoding="utf-8")
    run = cli(*command, "--force")
    assert run.returncode == 0, run.stderr
    third = json.loads(run.stdout)
    assert third["already_done"] == 4 and third["aligned"] == 2
    assert len(pairs("doc4.tsv")) > 5 and pairs("doc4.tsv") == [l.split("\t")[:2] for l in
                                                                 before["doc4.tsv"].decode().splitlines()]
    assert (out / "doc1.tsv").read_bytes() != before["doc1.tsv"]
    assert all((out / n).read_bytes() == before[n] for n in memories if n not in ("doc1.tsv", "doc4.tsv"))


def test_a_node_killed_mid_batch_loses_and_duplicates_no_pair(cluster, corpus, tmp_path):
    """Runs last: it kills the second node."""
    address, _, second = cluster
    jobs = [batch.Job(f"pair{k}", corpus / "ru" / f"doc{k % 6}.txt", corpus / "en" / f"doc{k % 6}.txt")
            for k in range(14)]
    out = tmp_path / "memories"
    writer = sinks.SplitOutput(out, ".tsv", WriteOptions())
    with Cluster(address) as connected:
        executor = RayExecutor(connected)
        target = next(n["NodeID"] for n in ray.nodes() if n["Alive"] and n["NodeManagerPort"] == second.port)
        assert target != ray.get_runtime_context().get_node_id()   # the driver is attached to the head
        killed, received = {}, []

        def kill_second_node(outcome):
            # As soon as the second node has finished a pair (its worker is warm and busy with the next).
            received.append(outcome)
            if target in executor.nodes and not killed:
                killed["pairs_before"], killed["received"] = executor.nodes[target], len(received)
                second.kill()

        outcomes = batch.run_jobs(jobs, batch.Options(), executor, sinks.Sinks([sinks.Notify(kill_second_node),
                                                                                 writer]))
    assert killed and killed["received"] < 14, (
        "the second node was not killed in the middle of the batch: pairs finished per node "
        f"{executor.nodes}, second node {target}, errors {[o.error for o in outcomes if o.error]}, "
        f"nodes alive now {[(n['NodeManagerPort'], n['Alive']) for n in ray.nodes()]}")
    assert [o.error for o in outcomes] == [None] * 14
    assert executor.nodes[target] == killed["pairs_before"]   # nothing came from it afterwards
    written = [p.name for p, _ in writer.written]
    assert sorted(written) == sorted(f"pair{k}.tsv" for k in range(14))   # each pair once
    assert sorted(p.name for p in out.glob("*.tsv")) == sorted(written)
    assert not list(out.glob(".*.tmp"))
