"""Untranslated targets and unrelated documents on real help pages, written to BENCHMARKS.md.

Data: loginom-dev (../shared/data), Russian help pages and their professional
English translation, whose English pages still hold Russian paragraphs. Every
sixth pair of pairs.list (40 pages) is aligned as `tmforge align` would.

- Untranslated: share of exported units whose target is in the wrong
  language, judged independently of the detector the pipeline uses: more
  Cyrillic than Latin letters in an English target. Default (untranslated
  units left out) against --keep-untranslated.
- Unrelated documents: each Russian page aligned with the English page of the
  next pair (same product, same terms, another topic), against its own
  translation; share of sentences in confident beads (align/relatedness.py),
  and how many pairs the default threshold refuses.

Usage: python benchmarks/trust.py [--pages N] [--no-write]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.embed import load_encoder  # noqa: E402
from tmforge.align.pipeline import align_files, to_memory  # noqa: E402
from tmforge.errors import TmforgeError  # noqa: E402
from tmforge.align.relatedness import MIN_RELATED_SHARE, relatedness  # noqa: E402
from benchmarks.report import SHARED, table, write_section  # noqa: E402

LOGINOM = SHARED / "data" / "loginom-dev"
_CYR, _LAT = re.compile("[а-яёА-ЯЁ]"), re.compile("[a-zA-Z]")


class CachedEncoder:
    """The bundled encoder, remembering each document's span embeddings (each page is aligned twice)."""

    def __init__(self, encoder):
        self._encoder, self._cache = encoder, {}
        self.name, self.version = encoder.name, encoder.version

    def encode(self, texts):
        return self._encoder.encode(texts)

    def spans(self, texts, max_span):
        key = (tuple(texts), max_span)
        if key not in self._cache:
            self._cache[key] = self._encoder.spans(texts, max_span)
        return self._cache[key]


def wrong_language(target: str) -> bool:
    return len(_CYR.findall(target)) > len(_LAT.findall(target))


def pages(count: int) -> list[str]:
    names = (LOGINOM / "pairs.list").read_text(encoding="utf-8").split()
    return [n for k, n in enumerate(names) if k % 6 == 2][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    encoder = CachedEncoder(load_encoder())
    names = pages(args.pages)
    started = time.perf_counter()
    units = {"default": [0, 0], "keep": [0, 0]}
    untranslated = 0
    related, unrelated = [], []
    refused_pages = []
    for k, name in enumerate(names):
        try:
            result = align_files(LOGINOM / "ru" / name, LOGINOM / "en" / name, encoder=encoder, force_pair=True)
        except TmforgeError as exc:  # an "English" page that is Russian through and through
            refused_pages.append(f"{name}: {exc}")
            print(refused_pages[-1], flush=True)
            continue
        untranslated += len(result.untranslated)
        for mode, keep in (("default", False), ("keep", True)):
            targets = to_memory(result, keep_untranslated=keep).frame["target"].to_list()
            units[mode][0] += len(targets)
            units[mode][1] += sum(wrong_language(t) for t in targets)
        related.append(relatedness(result.beads).share)
        other = names[(k + 1) % len(names)]
        try:
            mismatch = align_files(LOGINOM / "ru" / name, LOGINOM / "en" / other, encoder=encoder, force_pair=True)
        except TmforgeError:
            continue
        unrelated.append(relatedness(mismatch.beads).share)
        print(f"{name}: related {related[-1]:.2f}, unrelated {unrelated[-1]:.2f}, "
              f"untranslated {len(result.untranslated)}", flush=True)
        if related and (k % 3 == 2 or k == len(names) - 1):
            report(names[:k + 1], units, untranslated, refused_pages, related, unrelated,
                   time.perf_counter() - started, args.no_write)


def report(names, units, untranslated, refused_pages, related, unrelated, seconds, no_write) -> None:
    """Write the section for the pages done so far (the run can be stopped between pages)."""
    rows = [[label, n, bad, f"{bad / n:.2%}" if n else "-"] for label, (n, bad) in
            (("default (untranslated left out)", units["default"]), ("--keep-untranslated", units["keep"]))]
    part1 = (f"{len(names)} loginom-dev pages, ru → en, languages detected; {untranslated} units marked "
             f"untranslated.\n\n" + table(["memory", "units", "target in the wrong language", "share"], rows)
             + "".join(f"\n\nRefused before aligning: {r}" for r in refused_pages))
    refused = sum(s < MIN_RELATED_SHARE for s in related)
    caught = sum(s < MIN_RELATED_SHARE for s in unrelated)
    rows = [["page with its translation", len(related), f"{min(related):.2f}", f"{sorted(related)[len(related) // 2]:.2f}",
             f"{max(related):.2f}", f"{refused} refused"],
            ["page with the next page's translation", len(unrelated), f"{min(unrelated):.2f}",
             f"{sorted(unrelated)[len(unrelated) // 2]:.2f}", f"{max(unrelated):.2f}", f"{caught} refused"]]
    part2 = ("Share of sentences in beads with confidence >= 0.5; pairs under "
             f"{MIN_RELATED_SHARE:.2f} are refused (align/relatedness.py).\n\n"
             + table(["pairs", "n", "min", "median", "max", "at the threshold"], rows)
             + f"\n\n{seconds:.0f} s for up to {2 * len(names)} alignments (each page embedded once).")
    body = "### Untranslated targets\n\n" + part1 + "\n\n### Unrelated documents\n\n" + part2
    print(body, flush=True)
    if not no_write:
        write_section("trust", "Untranslated targets and unrelated documents (loginom-dev)", body)


if __name__ == "__main__":
    main()
