"""Real Russian documentation against its translators' memory (../shared/data/loginom-dev).

Aligns each of the 240 Markdown page pairs end to end (read, detect,
segment, embed, search) and counts the translators' own segment pairs
(tm.tsv, from OmegaT) that end up inside one of our units: the unit's
Russian holds the segment's Russian and its English the segment's English.
Pairs whose Russian is in none of our units' Russian are left out of the
share (they are in text the reader does not keep, such as front matter).

Each setting of the search is a row; span embeddings are cached
(benchmarks/spancache.py), so extra rows cost only the search.

Usage: python benchmarks/loginom.py [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.embed import load_encoder  # noqa: E402
from tmforge.align.pipeline import align_files  # noqa: E402
from tmforge.align.search import SearchParams  # noqa: E402
from benchmarks.report import SHARED, table, write_section  # noqa: E402
from benchmarks.spancache import cached_spans  # noqa: E402

DATA = SHARED / "data" / "loginom-dev"


class CachingEncoder:
    def __init__(self, inner):
        self.inner, self.name, self.version = inner, inner.name, inner.version

    def encode(self, texts):
        return self.inner.encode(texts)

    def spans(self, texts, max_span):
        return cached_spans(self.inner, texts, max_span)


def norm(text: str) -> str:
    return " ".join(text.split())


def units_of(params: SearchParams, encoder) -> list[tuple[str, str]]:
    out = []
    for rel in (DATA / "pairs.list").read_text(encoding="utf-8").split():
        alignment = align_files(DATA / "ru" / rel, DATA / "en" / rel, src_lang="ru", tgt_lang="en",
                                encoder=encoder, params=params, length_check=False)
        out += [(norm(s), norm(t)) for s, t, b in alignment.pairs() if b.src and b.tgt]
    return out


def coverage(units: list[tuple[str, str]], memory: list[tuple[str, str]]) -> tuple[int, int]:
    found = kept = 0
    for ru, en in memory:
        holders = [t for s, t in units if ru in s]
        if holders:
            kept += 1
            found += any(en in t for t in holders)
    return found, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    with open(DATA / "tm.tsv", encoding="utf-8", newline="") as f:
        memory = [(norm(r["ru"]), norm(r["en"])) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                  if r["ru"].strip() and r["en"].strip()]
    encoder = CachingEncoder(load_encoder())
    settings = {"one search, no repair": replace(SearchParams(), cross_margin=0.0),
                "tmforge default (repair pass)": SearchParams(),
                "lexicon second pass (weight 0.1) + repair": replace(SearchParams(), lex_weight=0.1, lex_offset=0.1,
                                                                     lex_min_confidence=0.7, lex_stem=5)}
    rows = []
    for label, params in settings.items():
        start = time.perf_counter()
        units = units_of(params, encoder)
        found, kept = coverage(units, memory)
        rows.append([label, len(units), kept, found, found / max(kept, 1), f"{time.perf_counter() - start:.0f}"])
        print(rows[-1], flush=True)
    body = (table(["setting", "our 1+-1+ units", "memory pairs whose Russian is in a unit", "... with the English "
                   "in the same unit", "share", "seconds"], rows)
            + f"\n\n{len(memory)} segment pairs in tm.tsv; the first row's seconds include embedding (cached after).")
    print(body)
    if not args.no_write:
        write_section("loginom", "Real documentation: loginom-dev pages against the translators' memory", body)


if __name__ == "__main__":
    main()
