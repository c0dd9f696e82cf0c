"""TMX streaming writer and reader: throughput (TU/s) and peak memory for up to 1,000,000 units.

Units are the 2,016 Russian–English segment pairs of the WMT22 test set
(../shared/data/wmt22-ru-en), repeated with running numbers, scores, beads,
documents and dates, so the text is real and every unit is distinct. Each
phase runs in a fresh Python process; its peak RSS comes from os.wait4, so
phases do not see each other's memory:

- baseline: the imports only (Python, polars, lxml, tmforge);
- write: tm.tmx.write_tmx from a generator of units (nothing held in memory);
- read: tm.tmx.iter_tmx over the file, each unit compared with the one that
  was written (every field), so the figure includes a full identity check;
- ttk-read (smaller sizes only): translate-toolkit's TMX store, which builds
  the whole tree, for comparison.

Usage: python benchmarks/tmx.py [--units 1000000 100000] [--ttk-max 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WMT = ROOT.parent / "shared" / "data" / "wmt22-ru-en"
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
LIMIT_MB = 300


def corpus() -> tuple[list[str], list[str], list[str]]:
    read = lambda suffix: (WMT / f"generaltest2022.ru-en.{suffix}").read_text(encoding="utf-8").splitlines()  # noqa: E731
    return read("ru"), read("en"), read("docids")


def units(n: int):
    from tmforge.tm.model import TranslationUnit

    ru, en, docs = corpus()
    beads = ("1-1", "1-1", "1-1", "1-2", "2-1")
    for k in range(n):
        i = k % len(ru)
        yield TranslationUnit(source=f"{ru[i]} [{k}]", target=f"{en[i]} [{k}]", src_lang="ru", tgt_lang="en",
                              score=round((k * 7919 % 10000) / 10000, 4), bead=beads[k % len(beads)],
                              document=docs[i], seq=k + 1, created=START + timedelta(seconds=k))


# ---------------------------------------------------------------- phases (run in a child process)

def phase(name: str, n: int, path: str) -> dict:
    import polars  # noqa: F401  (the baseline includes what every phase imports)
    from lxml import etree  # noqa: F401

    start = time.perf_counter()
    result = _work(name, n, path)
    result["seconds"] = time.perf_counter() - start    # the work, without interpreter start and imports
    return result


def _work(name: str, n: int, path: str) -> dict:
    from tmforge.tm.tmx import iter_tmx, write_tmx

    if name == "baseline":
        return {"units": 0}
    if name == "write":
        report = write_tmx(units(n), path, meta={"signature": "benchmark"})
        return {"units": report.written}
    if name == "read":
        mismatches = count = 0
        for expected, got in zip(units(n), iter_tmx(path), strict=True):
            count += 1
            mismatches += expected != got
        return {"units": count, "mismatches": mismatches}
    if name == "ttk-read":
        from translate.storage import tmx

        store = tmx.tmxfile.parsefile(path)
        return {"units": sum(1 for u in store.units if u.source)}
    raise ValueError(name)


def run_phase(name: str, n: int, path: Path) -> dict:
    """Run one phase in a fresh interpreter; peak RSS of exactly that process from wait4."""
    child = subprocess.Popen([sys.executable, __file__, "--phase", name, "--n", str(n), "--path", str(path)],
                             stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"phase {name} failed ({child.returncode})")
    result = json.loads(out)
    result["rss_mb"] = usage.ru_maxrss / 1024      # ru_maxrss is in KiB on Linux
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[1_000_000, 100_000])
    parser.add_argument("--ttk-max", type=int, default=100_000, help="largest size also read by translate-toolkit")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.n, args.path)))
        return

    from benchmarks.report import table, write_section

    rows = []
    base = run_phase("baseline", 0, Path(os.devnull))
    rows.append(["baseline (imports)", 0, "", "", "", f"{base['rss_mb']:.0f}"])
    failures = []
    with tempfile.TemporaryDirectory(prefix="tmforge-bench-") as tmp:
        for n in sorted(args.units):
            path = Path(tmp) / f"bench-{n}.tmx"
            phases = ["write", "read"] + (["ttk-read"] if n <= args.ttk_max else [])
            for name in phases:
                r = run_phase(name, n, path)
                if r["units"] != n or r.get("mismatches"):
                    failures.append(f"{name} {n}: {r}")
                label = {"write": "tm.tmx.write_tmx (generator)", "read": "tm.tmx.iter_tmx + identity check",
                         "ttk-read": "translate-toolkit tmxfile (whole tree)"}[name]
                rows.append([label, f"{n:,}", f"{r['seconds']:.1f}", f"{n / r['seconds']:,.0f}",
                             f"{path.stat().st_size / 2**20:,.0f}", f"{r['rss_mb']:.0f}"])
                print(rows[-1], flush=True)
                if name in ("write", "read") and r["rss_mb"] > LIMIT_MB:
                    failures.append(f"{name} {n}: peak RSS {r['rss_mb']:.0f} MB over {LIMIT_MB} MB")
            path.unlink()
    header = ["phase", "units", "seconds", "TU/s", "file MB", "peak RSS MB"]
    body = table(header, rows)
    print(body)
    notes = (f"Peak RSS is the whole process (Python and its libraries included), from `os.wait4` on a fresh "
             f"process per phase; the target is under {LIMIT_MB} MB for 1,000,000 units written and read back. "
             "The read phase compares every unit read with the one written (text, languages, score, bead, "
             "document, seq, date): "
             + ("all identical." if not failures else "FAILED: " + "; ".join(failures))
             + f" Load average over the last 15 minutes of the run: {os.getloadavg()[2]:.1f} (other jobs on the "
               "machine slow the TU/s figures, not the memory ones).")
    write_section("tmx", "TMX streaming writer and reader", body + "\n\n" + notes)
    if failures:
        raise SystemExit("\n".join(failures))


if __name__ == "__main__":
    main()
