"""Run every fuzz target (`make fuzz`) and report executions and findings.

    python fuzz/run.py --runs 100000            # each target, 100,000 executions
    python fuzz/run.py --seconds 20             # each target, 20 seconds (CI's smoke run)

Corpora grow in fuzz/corpus/TARGET (kept between runs, not committed);
crashing or hanging inputs land in fuzz/findings/ and make the run fail.
A summary (executions, seconds, corpus size, findings per target) goes to
fuzz/corpus/summary.json and the screen.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from seeds import write_seeds  # noqa: E402
from targets import TARGETS  # noqa: E402


def run_target(name: str, runs: int | None, seconds: int | None, timeout: int, rss_mb: int) -> dict:
    corpus = HERE / "corpus" / name
    findings = HERE / "findings"
    findings.mkdir(exist_ok=True)
    seeded = write_seeds(name, corpus)
    flags = [f"-timeout={timeout}", f"-rss_limit_mb={rss_mb}", "-print_final_stats=1",
             f"-artifact_prefix={findings}/{name}-", "-max_len=65536"]
    flags += [f"-runs={runs}"] if runs else []
    flags += [f"-max_total_time={seconds}"] if seconds else []
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(HERE / "harness.py"), name, *flags, str(corpus)],
                          capture_output=True, text=True, cwd=HERE)
    log = proc.stdout + proc.stderr
    (HERE / "corpus" / f"{name}.log").write_text(log[-200_000:], encoding="utf-8")
    executed = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    crashed = re.findall(r"Test unit written to (\S+)", log)
    return {"target": name, "executions": int(executed[-1]) if executed else None,
            "seconds": round(time.monotonic() - started, 1), "seeds": seeded,
            "corpus": sum(1 for _ in corpus.iterdir()), "exit_code": proc.returncode,
            "findings": sorted(set(crashed))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, help="executions per target")
    parser.add_argument("--seconds", type=int, help="seconds per target")
    parser.add_argument("--timeout", type=int, default=20, help="seconds one input may take (a hang above)")
    parser.add_argument("--rss-mb", type=int, default=3072, help="memory one run may take")
    parser.add_argument("--jobs", type=int, default=1, help="targets fuzzed at once")
    parser.add_argument("targets", nargs="*", default=list(TARGETS))
    args = parser.parse_args()
    if not (args.runs or args.seconds):
        parser.error("give --runs or --seconds")
    os.environ.setdefault("TMFORGE_MAX_INPUT_SIZE", "64M")
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max(1, args.jobs)) as pool:  # each target is its own process
        results = list(pool.map(lambda t: run_target(t, args.runs, args.seconds, args.timeout, args.rss_mb),
                                args.targets))
    (HERE / "corpus" / "summary.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"{'target':<10}{'executions':>12}{'seconds':>10}{'corpus':>8}  findings")
    for r in results:
        print(f"{r['target']:<10}{r['executions'] or '-':>12}{r['seconds']:>10}{r['corpus']:>8}  "
              f"{', '.join(r['findings']) or ('none' if r['exit_code'] == 0 else 'exit ' + str(r['exit_code']))}")
    return 0 if all(r["exit_code"] == 0 and not r["findings"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
