"""Untranslated targets beyond Russian-English, written to BENCHMARKS.md.

Data: the gold 1-1 beads of Text+Berg (../shared/data/textberg), German and
French, aligned in both directions. Each real pair is a unit as the aligner
gives it; a seeded unit keeps the source and replaces its target by another
bead's sentence in the source language (a paragraph left untranslated, not a
copy: copies are caught without any detector). Figures: the share of seeded
units the check marks (align/untranslated.py, which asks lingua about the two
languages only), the share of real pairs it marks, and the CPU seconds the check
costs per 1,000 targets. Text+Berg's French files still hold some German lines
(advertisements), so a few real pairs are marked rightly: they are listed.

Usage: python benchmarks/untranslated_other.py [--no-write]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.untranslated import copies_source, untranslated_beads  # noqa: E402
from tmforge.types import Alignment, Bead, Sentence  # noqa: E402
from benchmarks.confidence import textberg_pairs  # noqa: E402
from benchmarks.report import table, write_section  # noqa: E402


def marked(src_lang: str, tgt_lang: str, pairs: list[tuple[str, str]]) -> set[int]:
    """Indices of the units the pipeline's check marks as untranslated."""
    src = [Sentence(s, k) for k, (s, _) in enumerate(pairs)]
    tgt = [Sentence(t, k) for k, (_, t) in enumerate(pairs)]
    beads = [Bead((k,), (k,), 0.9) for k in range(len(pairs))]
    return set(untranslated_beads(Alignment(src_lang, tgt_lang, src, tgt, beads, "benchmark")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    de, fr = textberg_pairs()
    rows, listed = [], []
    for src_lang, tgt_lang, src, tgt in (("de", "fr", de, fr), ("fr", "de", fr, de)):
        rng = random.Random(1)
        seeded = [(s, src[rng.choice([k for k in range(len(src)) if src[k] != s])]) for s in src]
        start = time.process_time()
        real_marked = marked(src_lang, tgt_lang, list(zip(src, tgt)))
        seconds = time.process_time() - start
        seeded_marked = marked(src_lang, tgt_lang, seeded)
        copies = {k for k in real_marked if copies_source(src[k], tgt[k])}
        rows.append([f"{src_lang} → {tgt_lang}", len(src), f"{len(seeded_marked) / len(seeded):.3f}",
                     len(copies), len(real_marked - copies), f"{1000 * seconds / len(src):.2f}"])
        listed += [f"- {src_lang} → {tgt_lang}: {tgt[k]!r}" for k in sorted(real_marked - copies)]
        print(rows[-1], flush=True)
    body = (table(["direction", "units", "seeded untranslated marked", "real pairs marked: copies (names)",
                   "real pairs marked: by the detector", "CPU s per 1,000 targets (first call loads the models)"],
                  rows)
            + "\n\nBefore this check, a target for any other source language than Russian or English was marked only when it copied the source: none of the seeded units. Real pairs the detector marked (the targets; "
            "under 20 letters a target is never asked, so short seeded lines stay):\n\n" + "\n".join(listed))
    print(body)
    if not args.no_write:
        write_section("untranslated-other", "Untranslated targets beyond Russian-English (Text+Berg)", body)


if __name__ == "__main__":
    main()
