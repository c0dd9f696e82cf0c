"""How soon `tmforge align` says something on a terminal: time and CPU used before its first byte.

Runs `tmforge align` on the bundled sample pair with stdout and stderr on a
pseudo-terminal, several times, and records for each run the wall time and
the CPU seconds the process had used (from /proc) when the first byte
arrived. The CPU figure barely depends on other load on the machine; on an
idle core the wall time is about the same.

Usage: python benchmarks/first_line.py [--runs 3] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import ROOT, table, write_section  # noqa: E402


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_byte(output: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) at the first byte on the terminal."""
    sample = ROOT / "samples" / "parallel"
    main, child = pty.openpty()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "tmforge", "align", str(sample / "ru.txt"),
                             str(sample / "en.txt"), "-o", str(output), "--force"],
                            stdin=child, stdout=child, stderr=child, env={**os.environ, "COLUMNS": "80"})
    os.close(child)
    select.select([main], [], [])
    wall, cpu = time.perf_counter() - started, _cpu_seconds(proc.pid)
    while True:  # drain until the command ends
        try:
            if not os.read(main, 65536):
                break
        except OSError:
            break
    os.close(main)
    proc.wait()
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs = [first_byte(Path(folder) / "out.tmx") for _ in range(args.runs)]
    rows = [[k + 1, f"{w:.2f}", f"{c:.2f}"] for k, (w, c) in enumerate(runs)]
    rows.append(["median", f"{statistics.median(r[0] for r in runs):.2f}",
                 f"{statistics.median(r[1] for r in runs):.2f}"])
    body = table(["run", "wall s to first byte", "CPU s to first byte"], rows)
    body += ("\n\nThe first byte starts the progress line, `loading encoder` (tests/test_progress.py checks "
             "it comes first), drawn while the model "
             "loads; nearly all CPU before it is importing the command's modules. Wall time includes "
             "waiting for the CPU when the machine is shared.")
    print(body)
    if not args.no_write:
        write_section("first-line", "First line on a terminal (tmforge align)", body)


if __name__ == "__main__":
    main()
