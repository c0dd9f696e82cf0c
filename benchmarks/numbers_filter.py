"""The numbers filter (`tm filter --numbers`) on a gold memory, written to BENCHMARKS.md.

Gold: the translators' own segment pairs of loginom-dev (tm.tsv, OmegaT
memory of professional translators, Russian → English). Every pair there is
a translation a human approved, so every unit the filter removes is a false
removal. Catches: each gold unit whose target states a number in digits gets
one such number changed (seeded: a digit replaced by another), and the filter
must remove it. Compared with the digits-only rule tmforge used before
(sorted digit strings must be equal), in the same run.

Usage: python benchmarks/numbers_filter.py [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.tm.numbers import numbers_differ  # noqa: E402
from benchmarks.report import SHARED, table, write_section  # noqa: E402

GOLD = SHARED / "data" / "loginom-dev" / "tm.tsv"
_OLD_NUMBER = re.compile(r"\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}\b)*")
_DIGIT_RUN = re.compile(r"\d+")


def digits_only_differ(source: str, target: str) -> bool:
    """The rule before: the sorted digit strings of both sides must be equal."""
    def key(text: str) -> list[str]:
        return sorted(re.sub(r"\D", "", m) for m in _OLD_NUMBER.findall(text))
    return key(source) != key(target)


def gold_pairs() -> list[tuple[str, str]]:
    with GOLD.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["ru"], r["en"]) for r in rows if r["ru"] and r["en"]]


def seeded_change(target: str, rng: random.Random) -> str | None:
    """The target with one digit of one number in it changed, or None if it has no number."""
    runs = list(_DIGIT_RUN.finditer(target))
    if not runs:
        return None
    run = rng.choice(runs)
    pos = rng.randrange(run.start(), run.end())
    new = rng.choice([d for d in "0123456789" if d != target[pos] and not (d == "0" and pos == run.start())])
    return target[:pos] + new + target[pos + 1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    gold = gold_pairs()
    rng = random.Random(1)
    seeded = [(s, changed) for s, t in gold if (changed := seeded_change(t, rng)) is not None]
    rows = []
    for label, rule in (("tmforge (digits, words, Roman numerals, ordinals)", numbers_differ),
                        ("digits only (before)", digits_only_differ)):
        false = [(s, t) for s, t in gold if rule(s, t)]
        caught = sum(rule(s, t) for s, t in seeded)
        rows.append([label, len(gold), len(false), f"{len(false) / len(gold):.2%}", len(seeded), caught,
                     f"{caught / len(seeded):.2%}"])
        if rule is numbers_differ:
            examples = false[:8]
    body = (table(["rule", "gold units", "false removals", "share", "seeded changes", "caught", "share"], rows)
            + "\n\nGold units the filter still removes (first few):\n\n"
            + "\n".join(f"- `{s[:90]}` / `{t[:90]}`" for s, t in examples))
    print(body)
    if not args.no_write:
        write_section("numbers", "Numbers filter on a gold memory (loginom-dev translators' pairs)", body)


if __name__ == "__main__":
    main()
