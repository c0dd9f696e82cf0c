"""Alignment quality on public gold data, written to BENCHMARKS.md.

- Text+Berg (German-French, 7 documents, gold from the Bertalign distribution):
  strict and lax P/R/F1 per file and pooled, for the default aligner (spans
  composed from per-sentence sums), the same with every span re-encoded
  exactly, and a length-only Gale-Church baseline.
- Russian-English: the bundled sample's gold, pseudo-documents built from
  Tatoeba rus-eng and from WMT22 ru-en documents (benchmarks/docgen.py, seeded
  merges for 1-2/2-1/2-2 beads and deletions for 1-0/0-1).
- Calibration: how well the per-bead confidence predicts correctness
  (expected calibration error). `--calibrate` refits the logistic mapping on
  separately seeded Russian-English pseudo-documents and prints it.

Usage: python benchmarks/quality.py [--calibrate] [--calibration-only] [--no-write]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.beads import Bead, read_beads  # noqa: E402
from tmforge.align.embed import load_encoder  # noqa: E402
from tmforge.align.evaluate import count, evaluate, scores  # noqa: E402
from tmforge.align.galechurch import gale_church  # noqa: E402
from tmforge.align.pipeline import signature, span_embeddings  # noqa: E402
from tmforge.align.confidence import (bead_measures, confidence, document_share, reference_mean,  # noqa: E402
                                     rescore)
from tmforge.align.realign import align_passes  # noqa: E402
from tmforge.align.search import SearchParams  # noqa: E402
from benchmarks.docgen import PseudoDocument, make_documents  # noqa: E402
from benchmarks.report import ROOT, SHARED, table, write_section  # noqa: E402
from benchmarks.spancache import cached_spans  # noqa: E402

TEXTBERG = SHARED / "data" / "textberg"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def textberg() -> list[tuple[str, PseudoDocument]]:
    return [(f.name, PseudoDocument(lines(TEXTBERG / "de" / f.name), lines(TEXTBERG / "fr" / f.name),
                                    read_beads(f))) for f in sorted((TEXTBERG / "gold").iterdir())]


def tatoeba_docs(seed: int) -> list[PseudoDocument]:
    base = SHARED / "data" / "tatoeba" / "tatoeba.rus-eng"
    return make_documents(lines(Path(f"{base}.rus")), lines(Path(f"{base}.eng")), seed=seed)


def wmt_docs(seed: int) -> list[PseudoDocument]:
    """WMT22 documents in their own order, each made a pseudo-document with the same generator."""
    base = SHARED / "data" / "wmt22-ru-en" / "generaltest2022.ru-en"
    ru, en, ids = lines(Path(f"{base}.ru")), lines(Path(f"{base}.en")), lines(Path(f"{base}.docids"))
    docs: dict[str, tuple[list[str], list[str]]] = {}
    for r, e, d in zip(ru, en, ids):
        docs.setdefault(d, ([], []))
        docs[d][0].append(r)
        docs[d][1].append(e)
    out = []
    for k, (r, e) in enumerate(docs.values()):
        if len(r) >= 4:
            out += make_documents(r, e, seed=seed + k, min_len=len(r), max_len=len(r))
    return out


def sample() -> PseudoDocument:
    folder = ROOT / "samples" / "parallel"
    return PseudoDocument(lines(folder / "en.sent"), lines(folder / "ru.sent"), read_beads(folder / "gold.align"))


def align_doc(doc: PseudoDocument, encoder, params: SearchParams, exact: bool = False,
              langs: tuple[str | None, str | None] = (None, None), cached: bool = False) -> list[Bead]:
    """The search, then each bead's confidence as the pipeline gives it (align/confidence.py).
    `cached`: span embeddings from benchmarks/spancache.py (the same vectors; no timing then)."""
    embed = cached_spans if cached and not exact else span_embeddings
    src = embed(encoder, doc.src, params.max_span, exact=exact)
    tgt = embed(encoder, doc.tgt, params.max_span, exact=exact)
    references = (reference_mean(encoder.name, langs[0]), reference_mean(encoder.name, langs[1]))
    beads = align_passes(src, tgt, doc.src, doc.tgt, params, references=references)
    lengths = (np.array([len(s) for s in doc.src]), np.array([len(t) for t in doc.tgt]))
    return rescore(beads, src, tgt, *references, lengths=lengths)


def prf_row(name: str, result: dict, seconds: float | None = None) -> list[object]:
    s, lx = result["strict"], result["lax"]
    row = [name, s["precision"], s["recall"], s["f1"], lx["precision"], lx["recall"], lx["f1"]]
    return row + ([f"{seconds:.1f}"] if seconds is not None else [])


HEADER = ["set", "strict P", "strict R", "strict F1", "lax P", "lax R", "lax F1"]


def textberg_section(encoder, params: SearchParams) -> str:
    docs = textberg()
    runs = {}
    tb = ("de", "fr")
    for label, aligner in (("embeddings, composed spans (default)", lambda d: align_doc(d, encoder, params, langs=tb)),
                           ("embeddings, spans re-encoded exactly",
                            lambda d: align_doc(d, encoder, params, True, langs=tb)),
                           ("Gale-Church, length only", lambda d: gale_church([len(s) for s in d.src],
                                                                               [len(t) for t in d.tgt]))):
        start = time.perf_counter()
        runs[label] = [aligner(doc) for _, doc in docs]
        runs[label + "_s"] = time.perf_counter() - start
    default = "embeddings, composed spans (default)"
    per_file = [prf_row(name, scores(count(pred, doc.gold)))
                for (name, doc), pred in zip(docs, runs[default])]
    per_file.append(prf_row("**all (pooled)**", evaluate(zip(runs[default], (d.gold for _, d in docs)))))
    overall = [prf_row(label, evaluate(zip(runs[label], (d.gold for _, d in docs))), runs[label + "_s"])
               for label in ("embeddings, composed spans (default)", "embeddings, spans re-encoded exactly",
                             "Gale-Church, length only")]
    return ("Per file, default aligner:\n\n" + table(["file"] + HEADER[1:], per_file)
            + "\n\nPooled over the seven files:\n\n" + table(["aligner"] + HEADER[1:] + ["seconds"], overall)
            + "\n\nPublished on the same files (README of the data): Bertalign with LaBSE strict 0.936, "
            "lax 0.989; Vecalign with LASER 0.902 / 0.986.")


def russian_section(encoder, params: SearchParams, cached: bool = False
                    ) -> tuple[str, list[tuple[list[Bead], list[Bead]]]]:
    sets = {"samples/ (hand-checked gold, 60 sentences a side)": ([sample()], ("en", "ru")),
            "Tatoeba rus-eng pseudo-documents (seed 1)": (tatoeba_docs(1), ("ru", "en")),
            "WMT22 ru-en pseudo-documents (seed 1)": (wmt_docs(1), ("ru", "en"))}
    rows, pooled = [], []
    for label, (docs, langs) in sets.items():
        start = time.perf_counter()
        pairs = [(align_doc(d, encoder, params, langs=langs, cached=cached), d.gold) for d in docs]
        pooled += pairs
        n_sent = sum(len(d.src) for d in docs)
        gold_kinds = sum(1 for d in docs for b in d.gold if b.kind != "1-1")
        rows.append(prf_row(f"{label}: {len(docs)} docs, {n_sent} src sentences, {gold_kinds} non-1-1 beads",
                            evaluate(pairs), time.perf_counter() - start))
    return table(HEADER + ["seconds"], rows), pooled


def reliability(pairs: list[tuple[list[Bead], list[Bead]]], bins: int = 5
                ) -> tuple[str, float, float, tuple[float, float]]:
    """The reliability table, the expected calibration error, the ROC AUC of right against wrong beads, and
    the calibration error's 95 % interval over documents resampled with replacement (its sampling noise)."""
    from benchmarks.confidence import roc_auc

    per_doc = []
    for pred, gold in pairs:
        keys = {(b.src, b.tgt) for b in gold}
        per_doc.append([(b.score, (b.src, b.tgt) in keys) for b in pred if b.src and b.tgt])
    conf_a = np.array([c for doc in per_doc for c, _ in doc])
    right_a = np.array([r for doc in per_doc for _, r in doc], dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges, edges[1:]):
        sel = (conf_a >= lo) & ((conf_a < hi) if hi < 1 else (conf_a <= hi))
        if sel.any():
            rows.append([f"{lo:.1f}-{hi:.1f}", int(sel.sum()), f"{conf_a[sel].mean():.3f}", f"{right_a[sel].mean():.3f}"])
    rng = np.random.default_rng(0)
    resampled = []
    for _ in range(1000):
        docs = [per_doc[k] for k in rng.integers(0, len(per_doc), len(per_doc))]
        resampled.append(_ece(np.array([c for d in docs for c, _ in d]),
                              np.array([r for d in docs for _, r in d], dtype=float), edges))
    auc = roc_auc(list(conf_a[right_a == 1]), list(conf_a[right_a == 0]))
    interval = (float(np.percentile(resampled, 2.5)), float(np.percentile(resampled, 97.5)))
    return (table(["confidence", "beads", "mean confidence", "share strictly right"], rows),
            _ece(conf_a, right_a, edges), auc, interval)


def _ece(conf: np.ndarray, right: np.ndarray, edges: np.ndarray) -> float:
    """Expected calibration error: the bins' |mean confidence - share right|, weighted by their beads."""
    ece = 0.0
    for lo, hi in zip(edges, edges[1:]):
        sel = (conf >= lo) & ((conf < hi) if hi < 1 else (conf <= hi))
        if sel.any():
            ece += sel.mean() * abs(conf[sel].mean() - right[sel].mean())
    return float(ece)


def loginom_docs() -> list[PseudoDocument]:
    """Pseudo-documents from the loginom-dev translators' segment pairs (tm.tsv, in file order), pairs with
    letters on both sides that are not copies: Russian-English text no fitting document comes from."""
    import csv

    ru, en = [], []
    with open(SHARED / "data" / "loginom-dev" / "tm.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            r, e = row["ru"].strip(), row["en"].strip()
            if any(c.isalpha() for c in r) and any(c.isalpha() for c in e) and r != e:
                ru.append(r)
                en.append(e)
    return make_documents(ru, en, seed=1)


def calibration_documents() -> tuple[list[PseudoDocument], list[PseudoDocument]]:
    """What the confidence curves are fitted on, (long, short): Russian-English pseudo-documents seeded apart
    from the ones the figures are measured on (seed 101 against seed 1, for Tatoeba, WMT22 and the
    short documents of benchmarks/confidence.py). Text+Berg is never fitted on."""
    from benchmarks.confidence import short_documents, tatoeba_pairs

    long_docs = tatoeba_docs(101) + wmt_docs(101)
    return long_docs, [d for d, _ in short_documents(*tatoeba_pairs(), seed=101, count=len(long_docs))]


def _logistic(x: np.ndarray, excess: np.ndarray, y: np.ndarray, part_weight: float | None = None,
              prior: float = 0.01) -> tuple[float, float, float]:
    """(slope, midpoint, part_weight) of P(y) = 1 / (1 + exp(-(slope (x - midpoint) - part_weight excess))),
    by Newton steps (align/confidence.py); a given `part_weight` is kept, not fitted. A weak Gaussian prior on
    the weights (`prior`) keeps them finite when the set separates right from wrong beads perfectly."""
    fixed = part_weight is not None
    features = np.stack([x, np.ones_like(x)] + ([] if fixed else [-excess]), axis=1)
    offset = -part_weight * excess if fixed else np.zeros_like(x)
    ridge = prior * np.diag([1.0, 0.0] + ([] if fixed else [1.0]))
    w = np.zeros(features.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(features @ w + offset)))
        hess = features.T @ (features * (p * (1 - p))[:, None]) + ridge + 1e-6 * np.eye(len(w))
        w += np.linalg.solve(hess, features.T @ (y - p) - ridge @ w)
    return float(w[0]), float(-w[1] / w[0]), float(part_weight if fixed else w[2])


def _scored(docs: list[PseudoDocument], encoder, params: SearchParams) -> tuple[np.ndarray, ...]:
    """(centred cosine, parts excess, reference share, right) of every two-sided bead of the documents."""
    sims, excesses, shares, right = [], [], [], []
    for doc in docs:
        keys = {(g.src, g.tgt) for g in doc.gold}
        src, tgt = (cached_spans(encoder, side, params.max_span) for side in (doc.src, doc.tgt))
        references = (reference_mean(encoder.name, "ru"), reference_mean(encoder.name, "en"))
        beads = align_passes(src, tgt, doc.src, doc.tgt, params, references=references)
        for b, measure in zip(beads, bead_measures(beads, src, tgt, *references)):
            if measure is not None:
                sims.append(measure[0])
                excesses.append(measure[1])
                shares.append(document_share(len(doc.src), len(doc.tgt)))
                right.append((b.src, b.tgt) in keys)
    return np.array(sims), np.array(excesses), np.array(shares), np.array(right, dtype=float)


def fit_calibration(encoder, params: SearchParams
                    ) -> tuple[tuple[float, float, float], tuple[float, float, float], float]:
    """The long-document curve on the long documents, the short one on the one- and two-sentence ones, and
    the sharpness of the switch between them (align/confidence.py) by likelihood on both together. The part
    weight is learned where beads join sentences, in long documents, and the short curve keeps it: glued
    sentences are the same evidence at any length, and short documents have too few such beads to fit it."""
    long_docs, short_docs = calibration_documents()
    x_long, e_long, r_long, y_long = _scored(long_docs, encoder, params)
    x_short, e_short, r_short, y_short = _scored(short_docs, encoder, params)
    long = _logistic(x_long, e_long, y_long)
    short = _logistic(x_short, e_short, y_short, part_weight=long[2])
    x, e, r, y = (np.concatenate(pair) for pair in ((x_long, x_short), (e_long, e_short), (r_long, r_short),
                                                     (y_long, y_short)))

    def log_likelihood(sharpness: float) -> float:
        p = np.array([confidence(s, share, long, short, sharpness, excess)
                      for s, excess, share in zip(x, e, r)])
        p = np.clip(p, 1e-9, 1 - 1e-9)
        return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))

    sharpness = max(SHARPNESS_GRID, key=log_likelihood)
    return long, short, sharpness


SHARPNESS_GRID = (1.0, 2.0, 3.0, 4.0, 6.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calibrate", action="store_true", help="refit and print the confidence mapping")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    parser.add_argument("--calibration-only", action="store_true",
                        help="rewrite only the calibration section (the default aligner on every set)")
    args = parser.parse_args()
    encoder, params = load_encoder(), SearchParams()
    if args.calibrate:
        long, short, sharpness = fit_calibration(encoder, params)
        print(f"CALIBRATION_LONG = ({long[0]:.2f}, {long[1]:.3f}, {long[2]:.1f})\n"
              f"CALIBRATION_SHORT = ({short[0]:.2f}, {short[1]:.3f}, {short[2]:.1f})\nSHARPNESS = {sharpness:.1f}")
        return
    if not args.calibration_only:
        tb = textberg_section(encoder, params)
        print(tb, flush=True)
    ru, ru_pairs = russian_section(encoder, params, cached=args.calibration_only)
    print(ru, flush=True)
    tb_pairs = [(align_doc(d, encoder, params, langs=("de", "fr"), cached=True), d.gold) for _, d in textberg()]
    rel_ru, ece_ru, auc_ru, ci_ru = reliability(ru_pairs)
    rel_tb, ece_tb, auc_tb, ci_tb = reliability(tb_pairs)
    lg_pairs = [(align_doc(d, encoder, params, langs=("ru", "en"), cached=True), d.gold) for d in loginom_docs()]
    rel_lg, ece_lg, auc_lg, ci_lg = reliability(lg_pairs)
    def headline(ece: float, interval: tuple[float, float], auc: float) -> str:
        return f"expected calibration error {ece:.3f} (95 % interval {interval[0]:.3f}-{interval[1]:.3f}), AUC {auc:.3f}"
    cal = (f"Russian-English sets above ({headline(ece_ru, ci_ru, auc_ru)}):\n\n{rel_ru}\n\n"
           f"Text+Berg ({headline(ece_tb, ci_tb, auc_tb)}):\n\n{rel_tb}\n\n"
           f"Russian-English from other files: {len(lg_pairs)} pseudo-documents (seed 1) of the loginom-dev "
           f"translators' segment pairs, software help ({headline(ece_lg, ci_lg, auc_lg)}):\n\n{rel_lg}\n\n"
           "The curves (align/confidence.py: one for long documents, one for one- and two-sentence ones, mixed "
           "by the reference's share of the centring) are fitted by `python benchmarks/quality.py --calibrate` "
           "on Russian-English pseudo-documents seeded apart from these (seed 101: other document cuts, merges "
           "and deletions of the same Tatoeba and WMT22 sentences); Text+Berg and loginom-dev are never fitted on. Expected "
           "calibration error over five equal-width bins, its interval from 1,000 resamplings of the documents; AUC: the chance that a right bead outscores a wrong one "
           "(how well `tm filter --min-score` separates them). A bead that joins sentences loses confidence when "
           "one of its parts matches better than the whole (align/confidence.py).")
    print(cal)
    if args.calibration_only and not args.no_write:
        write_section("calibration", "Confidence calibration (per-bead score in [0, 1])", cal)
    elif not args.no_write:
        sig = f"Signature: `{signature(encoder, params)}`"
        write_section("quality-textberg", "Alignment quality: Text+Berg (German-French)", sig + "\n\n" + tb)
        write_section("quality-ru-en", "Alignment quality: Russian-English", sig + "\n\n" + ru)
        write_section("calibration", "Confidence calibration (per-bead score in [0, 1])", cal)


if __name__ == "__main__":
    main()
