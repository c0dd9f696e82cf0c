"""Shared plumbing for benchmark scripts: markdown tables and BENCHMARKS.md sections.

Each script owns one section of BENCHMARKS.md, delimited by HTML comments, and
rewrites only that section, so scripts can run in any order.
"""

from __future__ import annotations

import platform
import re
import shlex
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
SHARED = ROOT.parent / "shared"


def table(header: list[str], rows: list[list[object]]) -> str:
    def cell(v: object) -> str:
        return f"{v:.4f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def command_line() -> str:
    return "python " + " ".join(shlex.quote(a) for a in [sys.argv[0].replace(str(ROOT) + "/", "")] + sys.argv[1:])


def machine() -> str:
    from tmforge.threads import usable_cores

    cores = usable_cores()
    return f"{platform.machine()}, {cores} usable cores, Python {platform.python_version()}"


def write_section(name: str, title: str, body: str) -> None:
    """Replace (or append) the section `name` of BENCHMARKS.md."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    block = (f"<!-- bench:{name} -->\n## {title}\n\n"
             f"Command: `{command_line()}` ({stamp}; {machine()})\n\n{body.strip()}\n<!-- /bench:{name} -->")
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else \
        "# Benchmarks\n\nEvery figure here is written by a script in `benchmarks/`; rerun the command to reproduce it.\n"
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS.write_text(text, encoding="utf-8")
