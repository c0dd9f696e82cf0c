"""A real Ray cluster on this machine for tests and benchmarks: nodes as separate `ray start` processes.

Every node advertises a loopback address (LOOPBACK), on free ports of its own (several
nodes, and other people's clusters, share the machine), sends no usage
statistics, and keeps its files in a temporary folder removed at the end.
The clusters use Ray's token authentication with a random token of this
process (never ~/.ray's): it goes into the environment before Ray is
imported (Ray reads it once), so nodes started from here and a driver in
this process share it. Import this module before `ray`.
Nodes are stopped by killing each process they started, never by `ray stop`
(which would stop every Ray process of the user).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

os.environ.setdefault("RAY_AUTH_MODE", "token")
os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import ray  # noqa: E402,F401  (also puts the psutil Ray bundles on the path)
import psutil  # noqa: E402

# Not 127.0.0.1: Ray swaps that for the machine's network address, even given as the node address.
from tmforge.align.cluster import LOOPBACK  # noqa: E402

START_SECONDS = 300  # a node starting on a machine shared by several test runs took 48 s


_handed_out: set[int] = set()


def free_port() -> int:
    """A port nothing listens on now and never handed out before by this process: the kernel may
    give a just-closed port again, and Ray refuses to start a node with one port for two components."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


class Node:
    """`ray start --block` in a process group of its own."""

    def __init__(self, args: list[str], log: Path, env: dict, cpus: int = 1, own_session: bool = True):
        self.log, self.own_session = log, own_session
        self.port = free_port()  # its raylet's: tells its node id apart (every node has the same address)
        ports = ["--object-manager-port", "--dashboard-agent-listen-port",
                 "--dashboard-agent-grpc-port", "--metrics-export-port", "--runtime-env-agent-port"]
        command = [str(Path(sys.executable).parent / "ray"), "start", "--block", f"--num-cpus={cpus}",
                   f"--node-ip-address={LOOPBACK}", "--disable-usage-stats", f"--node-manager-port={self.port}",
                   *[f"{p}={free_port()}" for p in ports], *args]
        with log.open("w") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                            start_new_session=own_session)

    def wait_started(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            text = self.log.read_text(errors="replace")
            if "Ray runtime started" in text:
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"ray start exited {self.process.returncode}:\n{text[-3000:]}")
            time.sleep(0.5)
        raise RuntimeError(f"ray start did not finish in {START_SECONDS} s:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL to the node and every process it started (raylet, its workers, agents)."""
        try:
            root = psutil.Process(self.process.pid)
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            family = []
        for proc in family:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        if self.own_session:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@contextlib.contextmanager
def ray_cluster(nodes: int = 2, cpus: int = 1, own_sessions: bool = True) -> Iterator[tuple[str, list[Node]]]:
    """(address, nodes) of a cluster of `nodes` nodes with `cpus` CPUs each; the first is the head.

    `own_sessions` False keeps the nodes in this process's session: Linux's autogroup scheduler gives
    each session an equal share of a busy machine, so nodes in sessions of their own would get more
    CPU than a local pool in one session (benchmarks compare on equal terms).
    """
    # A short path: Ray's socket paths inside it must fit in 107 characters.
    temp = Path(tempfile.mkdtemp(prefix="tmf-ray-", dir="/tmp"))
    env = dict(os.environ)
    port = free_port()
    address = f"{LOOPBACK}:{port}"
    # Health checks tuned down so a killed node is noticed in seconds rather than half a minute, yet not
    # so far that a node starved of CPU by a loaded test run (2 cores) is taken for dead.
    system = json.dumps({"health_check_period_ms": 1000, "health_check_failure_threshold": 5,
                         "health_check_timeout_ms": 3000})
    started = [Node(["--head", f"--port={port}", "--include-dashboard=false", f"--temp-dir={temp}",
                     f"--ray-client-server-port={free_port()}", f"--system-config={system}"],
                    temp / "head.log", env, cpus, own_sessions)]
    try:
        deadline = time.monotonic() + START_SECONDS
        while nodes > 1 and time.monotonic() < deadline:  # the others can join once the head's GCS listens
            try:
                socket.create_connection((LOOPBACK, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        for k in range(1, nodes):
            started.append(Node([f"--address={address}"], temp / f"node{k}.log", env, cpus, own_sessions))
        for node in started:
            node.wait_started()
        yield address, started
    finally:
        for node in started:
            node.kill()
        shutil.rmtree(temp, ignore_errors=True)
