"""Batches on a Ray cluster: an executor (align/batch.py) that sends each pair to a worker as a task.

A task runs `batch.run_job`, the function local batches run, so a pair gives
the same beads and scores on a cluster as on this machine. Outcomes come back
to the driver as tasks finish and go to the batch's sink there: every output
is written by the driver, atomically, once per pair. The driver keeps at most
`window` tasks in flight, so its memory does not grow with the corpus. A task
whose worker or node dies is retried on another (`retries`); a pair that
still fails is a per-pair failure, as a bad input file is.

Input files are read by the workers: give paths every node sees at the same
place (shared storage); they are made absolute on the driver first.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import urlsplit

from tmforge.align.batch import Job, Options, Outcome, make_encoder, run_job
from tmforge.errors import TmforgeError
from tmforge.signals import handlers_kept
from tmforge.threads import usable_cores
from tmforge.version import tool_version

RAY_MISSING = ("--engine ray needs Ray: pip install 'tmforge[ray]' (on this machine and on every node "
               "of the cluster)")
RETRIES = 3                 # a pair's task is rerun this often when its worker or node dies
PROBE_SECONDS = 300.0       # for every node to answer the version check (a busy node starts workers slowly)
# Ray swaps 127.0.0.1 and localhost for the machine's network address wherever it meets them; any
# other loopback address it leaves alone. A Ray instance started here uses this one, so its nodes
# and workers talk over the loopback interface only.
LOOPBACK = "127.0.0.2"
GPUS_PER_PAIR = 0.25        # with --device cuda: four pairs share a GPU (a pair encodes in bursts, searches on CPU)


def import_ray():
    try:
        import ray
    except ImportError:
        raise TmforgeError(RAY_MISSING) from None
    return ray


@dataclass(frozen=True)
class ClusterInfo:
    address: str        # what the driver connected to ("local" for an instance started here)
    nodes: int
    cpus: float
    gpus: float


def _check_reachable(address: str) -> str:
    """Refuse an address no process listens on at once (Ray itself retries for a minute)."""
    parts = urlsplit(address if "://" in address else f"//{address}")
    host, port = parts.hostname, parts.port
    if not host or port is None:
        raise TmforgeError(f"--address {address} is not HOST:PORT, ray://HOST:PORT or auto; give the "
                           "address `ray start --head` printed")
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        raise TmforgeError(f"cannot reach the Ray cluster at {address} ({exc.strerror or exc}); check "
                           "--address and that the head node is running (`ray status` on it)") from None
    return host


class Cluster:
    """A connection to a Ray cluster for one batch: `with Cluster(address) as cluster: ...`.

    `address` None starts a local Ray instance on this machine's usable cores
    (`cpus` to use fewer), stopped again on exit; "auto" joins the cluster
    this machine is part of; HOST:PORT or ray://HOST:PORT joins that one.
    A process already connected to Ray (the caller ran `ray.init`) keeps its
    connection, which is left open on exit; `address` must then name it or be None.
    """

    def __init__(self, address: str | None = None, cpus: int | None = None):
        self.address, self.cpus = address, cpus
        self.ray = None
        self.info: ClusterInfo | None = None
        self._owned = False

    def __enter__(self) -> "Cluster":
        ray = import_ray()
        if ray.is_initialized():
            current = ray.get_runtime_context().gcs_address
            if self.address not in (None, "auto", current):
                raise TmforgeError(f"this process is connected to the Ray cluster at {current} already; "
                                   f"it cannot also use {self.address}")
            self.address = self.address or current
            self.ray = ray
            self.info = self._check_nodes()
            return self
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report leaves the machine
        kwargs = dict(log_to_driver=False, logging_level="ERROR", configure_logging=True)
        if self.address is None:
            # On a loopback address: a local instance has nothing to say to the network.
            kwargs.update(address="local", num_cpus=self.cpus or usable_cores(), include_dashboard=False,
                          _node_ip_address=LOOPBACK)
        else:
            if self.address != "auto":
                host = _check_reachable(self.address)
                if host.startswith("127.") and "://" not in self.address:
                    # Nodes of this machine on a loopback address: this driver joins them there (Ray
                    # would take the machine's network address and find no node on it).
                    kwargs.update(_node_ip_address=host)
            kwargs.update(address=self.address)
        try:
            with handlers_kept():  # Ray's init sets a SIGTERM handler of its own that exits on the spot
                ray.init(**kwargs)
        except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
            raise TmforgeError(_connect_error(self.address, exc)) from None
        self.ray, self._owned = ray, True
        try:
            self.info = self._check_nodes()
        except BaseException:
            with handlers_kept():
                ray.shutdown()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.ray is not None and self._owned:
            with handlers_kept():  # shutting down resets SIGTERM below Python (the process then dies on it)
                self.ray.shutdown()
        self.ray = None

    def _check_nodes(self) -> ClusterInfo:
        """Every node runs the driver's tmforge and Python (results would differ otherwise)."""
        ray = self.ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        nodes = [n for n in ray.nodes() if n.get("Alive")]
        probes = {_probe.options(num_cpus=0, scheduling_strategy=NodeAffinitySchedulingStrategy(
            n["NodeID"], soft=False)).remote(): n for n in nodes}
        ready, late = ray.wait(list(probes), num_returns=len(probes), timeout=PROBE_SECONDS)
        mine = (tool_version(), sys.version.split()[0])
        for ref in ready:
            node = probes[ref]
            try:
                theirs = ray.get(ref)
            except ray.exceptions.RayError as exc:
                raise TmforgeError(f"Ray node {node.get('NodeManagerAddress')} cannot run tmforge "
                                   f"({_first_line(exc)}); install tmforge[ray] {mine[0]} on every node") from None
            if tuple(theirs) != mine:
                raise TmforgeError(f"version mismatch: this machine runs tmforge {mine[0]} on Python {mine[1]}, "
                                   f"Ray node {node.get('NodeManagerAddress')} tmforge {theirs[0]} on Python "
                                   f"{theirs[1]}; install the same versions on every node")
        if late:
            raise TmforgeError(f"{len(late)} Ray node(s) did not answer within {PROBE_SECONDS:.0f} s; check "
                               "`ray status` on the head node")
        resources = ray.cluster_resources()
        return ClusterInfo(self.address or "local", len(nodes), resources.get("CPU", 0.0),
                           resources.get("GPU", 0.0))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)


def _connect_error(address: str | None, exc: BaseException) -> str:
    text = " ".join(str(e) for e in (exc, exc.__cause__, exc.__context__) if e is not None)
    if "AuthToken" in text or "Authentication" in text:
        return (f"the Ray cluster at {address} refused this machine's authentication token; set RAY_AUTH_MODE=token "
                "and RAY_AUTH_TOKEN (or RAY_AUTH_TOKEN_PATH) as on the cluster's nodes")
    if "version mismatch" in text.lower():
        return (f"version mismatch between this machine and the Ray cluster at {address}: {_first_line(exc)}; "
                "install the same Ray and Python versions on both")
    if address is None:
        return f"cannot start a local Ray instance ({_first_line(exc)})"
    return (f"cannot connect to the Ray cluster at {address} ({_first_line(exc)}); check --address and "
            "that the cluster is running")


class _Task:
    """A function as a Ray task, made on first use: importing this module needs no Ray."""

    def __init__(self, function):
        self.function, self._task = function, None

    def options(self, **kwargs):
        if self._task is None:
            self._task = import_ray().remote(self.function)
        return self._task.options(**kwargs)


def _probe_versions() -> tuple[str, str]:
    return tool_version(), sys.version.split()[0]


_probe = _Task(_probe_versions)


def _align_on_worker(job: Job, options: Options, threads: int) -> tuple[str, Outcome]:
    """One pair on a worker: the encoder loads once per worker process (load_encoder caches it)."""
    import ray
    from threadpoolctl import threadpool_limits

    device = options.device
    if device and device.startswith("cuda") and ray.get_gpu_ids():
        device = "cuda"  # Ray made the GPU it assigned the only one this worker sees: cuda:1 would not exist
    with threadpool_limits(threads):
        outcome = run_job(job, options, make_encoder(options.model, threads, device))
    return ray.get_runtime_context().get_node_id(), outcome


_align = _Task(_align_on_worker)


def wants_gpu(options: Options) -> bool:
    """--device cuda (or cuda:N) with an encoder that takes a device: the tasks ask Ray for GPU share."""
    from tmforge.align.embed import resolve_model

    backend, _ = resolve_model(options.model)
    return bool(options.device) and options.device.startswith("cuda") and backend.name != "use"


def _absolute(job: Job) -> Job:
    return Job(job.name, Path(job.src).absolute(), Path(job.tgt).absolute() if job.tgt is not None else None)


class RayExecutor:
    """Runs a batch's pairs as Ray tasks on `cluster` (entered), `cpus_per_pair` cores each.

    `nodes` counts the pairs each node finished, by Ray node id.
    """

    def __init__(self, cluster: Cluster, cpus_per_pair: int = 1, window: int | None = None,
                 retries: int = RETRIES, gpus_per_pair: float = GPUS_PER_PAIR):
        self.cluster, self.cpus_per_pair, self.retries = cluster, cpus_per_pair, retries
        self.window, self.gpus_per_pair = window, gpus_per_pair
        self.nodes: dict[str, int] = {}

    def check(self, options: Options) -> None:
        """Refuse before any work what the cluster cannot run."""
        info = self.cluster.info
        if wants_gpu(options) and not info.gpus:
            raise TmforgeError(f"--device {options.device}: the Ray cluster has no GPU ({info.nodes} node(s), "
                               f"{info.cpus:g} CPUs); drop --device to encode on the CPUs, or add GPU nodes")

    def run(self, jobs: Sequence[Job], options: Options) -> Iterator[tuple[int, Outcome]]:
        ray = self.cluster.ray
        self.check(options)
        gpus = self.gpus_per_pair if wants_gpu(options) else 0
        task = _align.options(num_cpus=self.cpus_per_pair, num_gpus=gpus, max_retries=self.retries,
                              retry_exceptions=False)
        # Enough tasks queued to keep every core busy while results are written, few enough that the
        # driver holds little: twice the cluster's slots.
        slots = int(self.cluster.info.cpus // self.cpus_per_pair) or 1
        window = self.window or max(2, 2 * slots)
        pending: dict = {}
        submitted = 0
        try:
            while pending or submitted < len(jobs):
                while submitted < len(jobs) and len(pending) < window:
                    pending[task.remote(_absolute(jobs[submitted]), options, self.cpus_per_pair)] = submitted
                    submitted += 1
                ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.2)
                for ref in ready:
                    index = pending.pop(ref)
                    yield index, self._outcome(ray, ref, jobs[index])
        except BaseException:  # also GeneratorExit: the caller stopped listening
            for ref in pending:
                ray.cancel(ref, force=True)
            raise

    def _outcome(self, ray, ref, job: Job) -> Outcome:
        try:
            node, outcome = ray.get(ref)
        except ray.exceptions.RayTaskError as exc:  # the aligner raised on the worker: a bug, not retried
            return Outcome(job, error=f"failed on the cluster: {_first_line(exc.cause or exc)}")
        except ray.exceptions.RayError as exc:  # its workers or nodes died more often than retried
            return Outcome(job, error=f"failed on the cluster after {self.retries + 1} attempts: "
                                      f"{_first_line(exc)}")
        self.nodes[node] = self.nodes.get(node, 0) + 1
        return replace(outcome, job=job)  # the job as the driver named it (relative paths stay relative)
