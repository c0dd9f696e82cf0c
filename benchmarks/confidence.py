"""Confidence on one- and two-sentence documents, written to BENCHMARKS.md.

Short documents are built from real translation pairs (Tatoeba rus-eng; the
1-1 beads of the Text+Berg gold for German-French): half keep their
translations, half have one target sentence replaced by the translation of
another, randomly drawn sentence (a seeded mismatch). Every document is
aligned as the public API (`align_sentences`) aligns it, span embeddings
cached, and each bead with two sides is right when the gold holds it. Figures: ROC AUC of the bead's confidence
for right against wrong beads, the mean confidence of the beads of documents
that are all true translations, and of the wrong beads.

Usage: python benchmarks/confidence.py [--no-write]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.beads import Bead, read_beads  # noqa: E402
from tmforge.align.embed import load_encoder  # noqa: E402
from tmforge.align.confidence import reference_mean, rescore  # noqa: E402
from tmforge.align.realign import align_passes  # noqa: E402
from tmforge.align.search import SearchParams  # noqa: E402
from benchmarks.spancache import cached_spans  # noqa: E402
from benchmarks.docgen import PseudoDocument  # noqa: E402
from benchmarks.report import SHARED, table, write_section  # noqa: E402


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def tatoeba_pairs() -> tuple[list[str], list[str]]:
    base = SHARED / "data" / "tatoeba" / "tatoeba.rus-eng"
    return lines(Path(f"{base}.rus")), lines(Path(f"{base}.eng"))


def textberg_pairs() -> tuple[list[str], list[str]]:
    """The gold 1-1 beads of Text+Berg as parallel lines."""
    folder = SHARED / "data" / "textberg"
    de, fr = [], []
    for gold in sorted((folder / "gold").iterdir()):
        src, tgt = lines(folder / "de" / gold.name), lines(folder / "fr" / gold.name)
        for bead in read_beads(gold):
            if bead.kind == "1-1":
                de.append(src[bead.src[0]])
                fr.append(tgt[bead.tgt[0]])
    return de, fr


def short_documents(src: list[str], tgt: list[str], seed: int, count: int) -> list[tuple[PseudoDocument, bool]]:
    """`count` documents of one or two sentence pairs; (document, all its pairs are true translations)."""
    rng = random.Random(seed)
    docs = []
    for k in range(count):
        size = 1 + k % 2
        idx = rng.sample(range(len(src)), size)
        s, t = [src[i] for i in idx], [tgt[i] for i in idx]
        gold = [Bead((p,), (p,)) for p in range(size)]
        mismatched = rng.random() < 0.5
        if mismatched:
            p = rng.randrange(size)
            other = rng.choice([i for i in range(len(tgt)) if i not in idx and tgt[i] != t[p]])
            t[p] = tgt[other]
            gold[p:p + 1] = [Bead((p,), ()), Bead((), (p,))]
        docs.append((PseudoDocument(s, t, gold), not mismatched))
    return docs


def roc_auc(positive: list[float], negative: list[float]) -> float:
    """Probability that a random right bead outscores a random wrong one (ties count half)."""
    pos, neg = np.asarray(positive), np.asarray(negative)
    values = np.concatenate([pos, neg])
    order = values.argsort(kind="mergesort")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    for v in np.unique(values):  # average ranks of ties
        tie = values == v
        ranks[tie] = ranks[tie].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def aligned(doc: PseudoDocument, encoder, langs) -> list[Bead]:
    """What `align_sentences(doc.src, doc.tgt, encoder, src_lang=..., tgt_lang=...)` returns, step by step
    with the span embeddings cached on disk (benchmarks/spancache.py): reruns cost only the search."""
    params = SearchParams()
    src, tgt = (cached_spans(encoder, side, params.max_span) for side in (doc.src, doc.tgt))
    references = (reference_mean(encoder.name, langs[0]), reference_mean(encoder.name, langs[1]))
    beads = align_passes(src, tgt, doc.src, doc.tgt, params, references=references)
    return rescore(beads, src, tgt, *references)


def scored_beads(docs, encoder, langs) -> list[tuple[float, bool, bool, int, bool]]:
    """(confidence, bead is right, its document is all true translations, sentences a side of the document,
    the bead joins sentences) for every two-sided bead."""
    out = []
    for doc, true_doc in docs:
        gold = {(b.src, b.tgt) for b in doc.gold}
        for bead in aligned(doc, encoder, langs):
            if bead.src and bead.tgt:
                out.append((bead.score, (bead.src, bead.tgt) in gold, true_doc, len(doc.src),
                            max(len(bead.src), len(bead.tgt)) > 1))
    return out


def summary_row(label: str, beads: list[tuple[float, bool, bool, int, bool]]) -> list[object]:
    right = [b[0] for b in beads if b[1]]
    wrong = [b[0] for b in beads if not b[1]]
    true_docs = [b[0] for b in beads if b[2]]

    def auc_of(size: int) -> float:
        of_size = [b for b in beads if b[3] == size]
        return roc_auc([b[0] for b in of_size if b[1]], [b[0] for b in of_size if not b[1]])
    return [label, len(beads), len(wrong), roc_auc(right, wrong), auc_of(1), auc_of(2), float(np.mean(true_docs)),
            float(np.mean(wrong)), float(np.mean([c >= 0.5 for c in right])), float(np.mean([c < 0.5 for c in wrong])),
            sum(1 for b in beads if not b[1] and b[4])]


HEADER = ["set", "beads", "wrong beads", "AUC", "AUC, one sentence", "AUC, two sentences",
          "mean conf., true documents", "mean conf., wrong beads", "right beads >= 0.5", "wrong beads < 0.5",
          "wrong beads joining sentences"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    parser.add_argument("--docs", type=int, default=600, help="documents per set")
    args = parser.parse_args()
    encoder = load_encoder()
    rows = []
    for label, (src, tgt), langs in (("Tatoeba rus-eng, 1-2 sentences", tatoeba_pairs(), ("ru", "en")),
                                     ("Text+Berg de-fr 1-1 gold beads, 1-2 sentences", textberg_pairs(), ("de", "fr"))):
        rows.append(summary_row(f"{label} (seed 1, {args.docs} docs)",
                                scored_beads(short_documents(src, tgt, 1, args.docs), encoder, langs)))
        print(rows[-1], flush=True)
    body = table(HEADER, rows) + ("\n\nHalf the documents keep their translations; in the other half one target "
                                  "sentence is replaced by the translation of another, randomly drawn sentence. "
                                  "A bead is right when the gold holds it. Goal (issue 11): AUC >= 0.97 and true "
                                  "documents >= 0.8. In two-sentence documents the search could join the true pair and "
                                  "the mismatched one into one 2-2 bead (last column; Text+Berg's long sentences make "
                                  "that likelier than Tatoeba's short ones): wrong, yet half of it is a translation, "
                                  "so as a whole it looks right. Two checks meet it: the search weighs a merge "
                                  "against its best part in short documents (align/search.py), and a joined bead "
                                  "whose part matches better than the whole loses confidence (align/confidence.py). "
                                  "Long-document calibration: the calibration section (benchmarks/quality.py).")
    print(body)
    if not args.no_write:
        write_section("confidence-short", "Confidence on one- and two-sentence documents", body)


if __name__ == "__main__":
    main()
