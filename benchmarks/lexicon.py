"""Evidence beyond one cosine per bead, each alone and together: the learned lexicon, the repair pass, the
merge check, the k-nearest-neighbour margin (in the search and in the repair), skips decided per sentence,
and the reference-blended centring.

Text+Berg is split in two halves, files 001-004 (A) and 005-007 (B). Every
knob of a variant is chosen on one half (best strict F1 over a small grid)
and reported on the other; "pooled" pools the seven files, each aligned with
the knobs chosen on the half it is not in. The Russian-English sets
(samples/, Tatoeba and WMT22 pseudo-documents) are aligned with the knobs
chosen on A. Span embeddings come from .bench-cache (benchmarks/spancache.py).

The lexicon's cost is measured on the long Russian-English pairs of
benchmarks/speed.py: first pass, training, banded scores and second pass,
against embedding every sentence once.

Usage: python benchmarks/lexicon.py [--sizes 1000 10000] [--no-write]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.embed import load_encoder  # noqa: E402
from tmforge.align.confidence import reference_mean  # noqa: E402
from tmforge.align.evaluate import evaluate  # noqa: E402
from tmforge.align.realign import align_passes, confident_pairs, train_lexicon  # noqa: E402
from tmforge.align.search import SearchParams, search  # noqa: E402
from benchmarks.quality import sample, tatoeba_docs, textberg, wmt_docs  # noqa: E402
from benchmarks.report import table, write_section  # noqa: E402
from benchmarks.spancache import cached_spans  # noqa: E402

OFF = replace(SearchParams(), lex_weight=0.0, cross_margin=0.0, attach=False)
LEX_GRID = [dict(lex_weight=w, lex_offset=0.1, lex_min_confidence=0.7, lex_stem=5) for w in (0.05, 0.1, 0.2)]
REPAIR_GRID = [dict(cross_margin=m) for m in (0.2, 0.4, 0.6, 0.8)]


class Corpus:
    """Documents with their cached span embeddings and first passes (which no lexicon or repair knob changes)."""

    def __init__(self, docs, encoder, langs: tuple[str, str]):
        self.docs = [(d, cached_spans(encoder, d.src, OFF.max_span), cached_spans(encoder, d.tgt, OFF.max_span))
                     for d in docs]
        self.references = (reference_mean(encoder.name, langs[0]), reference_mean(encoder.name, langs[1]))
        self.first = [search(s, t, [len(x) for x in d.src], [len(x) for x in d.tgt], OFF, references=self.references)
                      for d, s, t in self.docs]

    def align(self, params: SearchParams, batch: bool = False):
        lexicon = None
        if batch and params.lex_weight:
            pairs = [p for (d, _, _), f in zip(self.docs, self.first)
                     for p in confident_pairs(f, d.src, d.tgt, params.lex_min_confidence)]
            lexicon = train_lexicon(pairs, params)
        return [align_passes(s, t, d.src, d.tgt, params, lexicon=lexicon, first=self._first(params, f),
                             references=self.references)
                for (d, s, t), f in zip(self.docs, self.first)]

    @staticmethod
    def _first(params: SearchParams, first):
        """The cached first pass where `params` search as OFF does (only lexicon and repair knobs differ)."""
        same = replace(params, **{k: getattr(OFF, k) for k in ("lex_weight", "lex_offset", "lex_model", "lex_stem",
                                                               "lex_min_confidence", "cross_margin", "cross_window")})
        return first if same == OFF else None

    def gold(self):
        return [d.gold for d, _, _ in self.docs]


def f1s(preds, golds) -> tuple[float, float]:
    e = evaluate(zip(preds, golds))
    return e["strict"]["f1"], e["lax"]["f1"]


def tuned(corpus: Corpus, grid: list[SearchParams], batch: bool) -> tuple[SearchParams, list]:
    """The grid point with the best strict F1 on this corpus (ties: the first), and its predictions."""
    best = None
    for params in grid:
        preds = corpus.align(params, batch)
        score = f1s(preds, corpus.gold())[0]
        if best is None or score > best[0] + 1e-12:
            best = (score, params, preds)
    return best[1], best[2]


def knobs(params: SearchParams) -> str:
    out = [f"lex_weight {params.lex_weight:g}" if params.lex_weight else "no lexicon",
           f"cross_margin {params.cross_margin:g}" if params.cross_margin else "no repair"]
    out += [f"{k} {getattr(params, k):g}"
            for k in ("part_penalty", "part_margin", "knn_weight", "skip_weight", "cross_knn") if getattr(params, k)]
    out += [f"attach_margin {params.attach_margin:g}"] if params.attach else []
    return ", ".join(out)


MERGE_GRID = [dict(part_penalty=w, part_margin=m, short_part_penalty=0.0) for w in (0.5, 1.0, 2.0) for m in (0.0, -0.1)]
KNN_GRID = [dict(knn_weight=w) for w in (0.25, 0.5, 1.0)]
SKIP_GRID = [dict(skip_weight=w) for w in (0.1, 0.25, 0.5, 1.0)]
CROSS_KNN_GRID = [dict(cross_knn=4, cross_margin=m) for m in (0.1, 0.2, 0.3, 0.4, 0.5)]
# The search of session 2: every side centred on its own mean, no merge check.
SESSION2 = replace(SearchParams(), centre_prior=0.0, short_part_penalty=0.0, attach=False)
NO_ATTACH = replace(SearchParams(), attach=False)
ATTACH_GRID = [dict(attach_margin=m) for m in (0.0, 0.02, 0.05)]


def variants() -> dict[str, tuple[list[SearchParams], bool]]:
    lex = [replace(OFF, **g) for g in LEX_GRID]
    rep = [replace(OFF, **g) for g in REPAIR_GRID]
    both = [replace(OFF, **g, **r) for g in LEX_GRID for r in REPAIR_GRID[2:]]
    return {"session 2 default (own-mean centring, no merge check, repair 0.8)": ([SESSION2], False),
            "session 2 + merge check everywhere (part_penalty)": ([replace(SESSION2, **g) for g in MERGE_GRID], False),
            "session 2 + reference-blended centring (centre_prior 8)": ([replace(SESSION2, centre_prior=8.0)], False),
            "session 3 without the attach pass (blended centring, short merge check, repair 0.8)": ([NO_ATTACH], False),
            "attach pass (attach_margin)": ([replace(SearchParams(), **g) for g in ATTACH_GRID], False),
            "k-nearest-neighbour margin in the search (knn_weight)": ([replace(NO_ATTACH, **g) for g in KNN_GRID],
                                                                      False),
            "skips decided per sentence (skip_weight)": ([replace(NO_ATTACH, **g) for g in SKIP_GRID], False),
            "k-nearest-neighbour margin in the repair (cross_knn 4)": (
                [replace(NO_ATTACH, **g) for g in CROSS_KNN_GRID], False),
            "cosine only (one search)": ([OFF], False),
            "lexicon of the document, second pass": (lex, False),
            "lexicon of the batch (all files of the half), second pass": (lex, True),
            "repair pass (crossings, moved sentences)": (rep, False),
            "lexicon of the document + repair": (both, False),
            "tmforge default": ([SearchParams()], False)}


def quality_section(encoder) -> str:
    tb = dict(textberg())
    half_a = Corpus([tb[n] for n in ("001", "002", "003", "004")], encoder, ("de", "fr"))
    half_b = Corpus([tb[n] for n in ("005", "006", "007")], encoder, ("de", "fr"))
    ru = {"sample": Corpus([sample()], encoder, ("en", "ru")),
          "Tatoeba": Corpus(tatoeba_docs(1), encoder, ("ru", "en")),
          "WMT22": Corpus(wmt_docs(1), encoder, ("ru", "en"))}
    rows = []
    for label, (grid, batch) in variants().items():
        start = time.perf_counter()
        on_a, _ = tuned(half_a, grid, batch)
        on_b, _ = tuned(half_b, grid, batch)
        pred_b = half_b.align(on_a, batch)     # B with A's knobs
        pred_a = half_a.align(on_b, batch)     # A with B's knobs
        sa, la = f1s(pred_a, half_a.gold())
        sb, lb = f1s(pred_b, half_b.gold())
        sp, lp = f1s(pred_a + pred_b, half_a.gold() + half_b.gold())
        ru_f1 = [f1s(c.align(on_a), c.gold())[0] for c in ru.values()]
        rows.append([label, knobs(on_a), knobs(on_b), sb, lb, sa, la, sp, lp, *ru_f1,
                     f"{time.perf_counter() - start:.0f}"])
        print(rows[-1], flush=True)
    return table(["variant", "knobs chosen on A", "knobs chosen on B", "B strict F1 (A's knobs)", "B lax F1",
                  "A strict F1 (B's knobs)", "A lax F1", "pooled strict F1", "pooled lax F1",
                  "sample strict F1", "Tatoeba strict F1", "WMT22 strict F1", "seconds"], rows)


def cost_section(encoder, sizes: list[int]) -> str:
    from benchmarks.speed import build_pair

    params = replace(SearchParams(), **LEX_GRID[1])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            build_pair(n, folder)
            src = (folder / "ru.sent").read_text(encoding="utf-8").splitlines()
            tgt = (folder / "en.sent").read_text(encoding="utf-8").splitlines()
            t0 = time.perf_counter()
            encoder.encode(src)
            encoder.encode(tgt)
            t_embed = time.perf_counter() - t0
            xs, ys = cached_spans(encoder, src, params.max_span), cached_spans(encoder, tgt, params.max_span)
            lengths = ([len(s) for s in src], [len(t) for t in tgt])
            t0 = time.perf_counter()
            first = search(xs, ys, *lengths, OFF)
            t_first = time.perf_counter() - t0
            t0 = time.perf_counter()
            lexicon = train_lexicon(confident_pairs(first, src, tgt, params.lex_min_confidence), params)
            t_train = time.perf_counter() - t0
            t0 = time.perf_counter()
            beads = align_passes(xs, ys, src, tgt, replace(params, cross_margin=0.0), lexicon=lexicon, first=first)
            t_second = time.perf_counter() - t0
            t0 = time.perf_counter()
            align_passes(xs, ys, src, tgt, replace(OFF, cross_margin=SearchParams().cross_margin), first=first)
            t_repair = time.perf_counter() - t0
            right = sum(1 for b in beads if b.src == b.tgt and len(b.src) == 1) / n
            rows.append([n, f"{t_embed:.1f}", f"{t_first:.1f}", f"{t_train:.2f}", f"{t_second:.1f}",
                         f"{t_repair:.2f}", f"{(t_train + t_second) / t_embed:.2f}", f"{right:.4f}"])
            print(rows[-1], flush=True)
    return table(["sentences per side", "embed once s", "first search s", "lexicon training s",
                  "lexical scores + second search s", "repair pass s", "lexicon cost / embed once",
                  "1-1 gold pairs found with the lexicon"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    encoder = load_encoder()
    quality = quality_section(encoder)
    print(quality, flush=True)
    cost = cost_section(encoder, args.sizes)
    print(cost)
    body = (quality + "\n\nGrids: lexicon weight 0.05 / 0.1 / 0.2 (offset 0.1, Model 1 over 5-letter units, trained on "
            "first-pass 1-1 beads of confidence >= 0.7); repair margin 0.2 / 0.4 / 0.6 / 0.8; together, every "
            "lexicon weight with margin 0.6 / 0.8 (lexicon and repair rows without the attach pass). Ties go to "
            "the first grid point. The default repair margin "
            "(0.8) is the smallest grid value at which no Russian-English figure drops: at 0.2 to 0.7 one "
            "Tatoeba pair of unrelated sentences left out on both sides is paired. The lexicon stays off by "
            "default (SearchParams.lex_weight = 0). Merge check everywhere: part_penalty 0.5 / 1 / 2 with "
            "part_margin 0 / -0.1 (the short-document check off); k-nearest-neighbour margin in the search: "
            "knn_weight 0.25 / 0.5 / 1 (k = 4); in the repair: cross_knn 4 with cross_margin 0.1 to 0.5; "
            "skips per sentence: skip_weight 0.1 / 0.25 / 0.5 / 1 (these three without the attach pass); attach "
            "pass: attach_margin 0 / 0.02 / 0.05 (both halves choose 0, the default). "
            "centre_prior 8, short_part_penalty 4 and short_part_power 2 (the default) were chosen on "
            "separately seeded Russian-English pseudo-documents (seed 101) with Text+Berg 001-004 not to drop; "
            "they leave every Text+Berg file as it was.\n\n"
            "Cost of the lexicon second pass (lexicon weight 0.1) on the Russian-English pairs of "
            "benchmarks/speed.py, span embeddings cached (the machine is shared: compare the columns of one "
            "row, not rows or runs):\n\n" + cost)
    if not args.no_write:
        write_section("lexicon", "Evidence beyond one cosine: lexicon, repair, merge check, margins, per-sentence skips",
                      body)


if __name__ == "__main__":
    main()
