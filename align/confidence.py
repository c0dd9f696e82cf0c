"""A bead's confidence that means the same at any document length.

The search compares sentences after removing each side's mean vector: what
every sentence of a document shares (its language, its topic) says nothing
about which sentences correspond. But a side of one or two sentences *is*
its mean: centred, one sentence leaves nothing, and two leave a pair of
opposite vectors, so a right bead and a nonsense bead score alike.

Confidence therefore centres on a blend: the document's mean, weighted by how
many sentences it has, and a reference mean of the language (computed once
from public text by benchmarks/reference_means.py and shipped with the
package), weighted as `PRIOR_SENTENCES` sentences. A long document is
centred on its own mean, as the search does; a short one on what sentences of
its language share in general. An encoder or language without a reference
mean is blended with the zero vector instead (plain cosine, shrunk).

The centred cosine of a bead becomes a probability by two logistic curves,
one fitted on long documents and one on documents of one or two sentences a
side, mixed by the reference's share of the centring (`share`: 8/9 for one
sentence a side, 0.29 for 20, 0.03 for 250) raised to `SHARPNESS`: right and
wrong beads of a one-line document spread differently from those of a book,
and one curve for both fits neither (a single fit left long Text+Berg
documents under-confident: calibration error 0.07 where 0.03 had been).

A bead that joins sentences is also judged by its parts: when one of its
smaller sub-beads (fewer sentences on a side) matches better than the whole,
the bead holds sentences that do not belong (a true pair glued to a mismatch
looks half right as a whole), and each curve lowers its logit by a weight
times that excess. Beads of one sentence a side have no parts.
`benchmarks/quality.py --calibrate` refits the curves with their part weights
on seeded Russian-English documents kept apart from the ones the figures are
measured on.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from tmforge.types import Bead

REFERENCE_FILE = Path(__file__).with_name("data") / "reference_means.npz"
PRIOR_SENTENCES = 8.0   # how many of a document's sentences the reference mean weighs as

# P(bead is right | cosine s centred on the blended mean, parts excess e)
#   = 1 / (1 + exp(-(slope * (s - midpoint) - part_weight * e))),
# one (slope, midpoint, part_weight) for long documents, one for one- and two-sentence ones;
# benchmarks/quality.py --calibrate prints them, BENCHMARKS.md has their reliability.
CALIBRATION_LONG = (8.50, 0.212, 33.0)
CALIBRATION_SHORT = (23.21, 0.436, 33.0)
SHARPNESS = 4.0   # weight of the short curve: (share / share of one sentence) ** SHARPNESS


@lru_cache(maxsize=1)
def _references() -> dict[str, np.ndarray]:
    if not REFERENCE_FILE.exists():
        return {}
    with np.load(REFERENCE_FILE) as data:
        return {key: data[key].astype(np.float32) for key in data.files}


def reference_key(encoder_name: str, lang: str) -> str:
    return f"{encoder_name}:{lang}"


def reference_mean(encoder_name: str | None, lang: str | None) -> np.ndarray | None:
    """The mean sentence vector of `lang` under the encoder, or None where none is shipped.

    A language the file lacks gets the mean of the languages it has (what
    sentences share whatever their language) when the encoder has any.
    """
    if not encoder_name:
        return None
    refs = _references()
    own = refs.get(reference_key(encoder_name, lang or ""))
    if own is not None:
        return own
    others = [v for k, v in refs.items() if k.startswith(encoder_name + ":")]
    return np.mean(others, axis=0).astype(np.float32) if others else None


def blended_centre(sentences: np.ndarray, reference: np.ndarray | None,
                   prior: float = PRIOR_SENTENCES) -> np.ndarray:
    """The vector to subtract from a side's spans: its mean shrunk towards the reference."""
    n, d = sentences.shape
    ref = np.zeros(d, np.float32) if reference is None or reference.shape[0] != d else reference
    if n == 0:
        return ref
    return ((n * sentences.mean(axis=0) + prior * ref) / (n + prior)).astype(np.float32)


def _centred(vectors: np.ndarray, centre: np.ndarray) -> np.ndarray:
    out = vectors - centre
    return out / np.maximum(np.linalg.norm(out, axis=-1, keepdims=True), 1e-12)


def reference_share(n: int, prior: float = PRIOR_SENTENCES) -> float:
    """How much of a side's centre is the reference mean (blended_centre): 1 for no sentence, ~0 for many."""
    return prior / (n + prior)


def bead_measures(beads: list[Bead], src_spans: np.ndarray, tgt_spans: np.ndarray,
                  src_reference: np.ndarray | None = None, tgt_reference: np.ndarray | None = None,
                  lengths: tuple[np.ndarray, np.ndarray] | None = None) -> list[tuple[float, float] | None]:
    """(centred cosine, parts excess) of every bead with two non-empty sides (None for the others).

    `*_spans` are the (K, n, d) span embeddings the search was given (not centred). The parts excess is
    how much the best proper sub-bead's centred cosine beats the whole's (0 when none does). A bead with a
    gap is embedded by `set_embedding`, its runs weighted by `lengths` (characters per sentence) when given,
    and its parts are its runs.
    """
    if not beads or src_spans.shape[1] == 0 or tgt_spans.shape[1] == 0:
        return [None] * len(beads)
    src_centre = blended_centre(src_spans[0], src_reference)
    tgt_centre = blended_centre(tgt_spans[0], tgt_reference)

    def similarity(i: int, a: int, j: int, b: int) -> float:
        return float(_centred(_span(src_spans, i, a), src_centre) @ _centred(_span(tgt_spans, j, b), tgt_centre))

    width = min(src_spans.shape[0], tgt_spans.shape[0])
    out: list[tuple[float, float] | None] = []
    for bead in beads:
        if not (bead.src and bead.tgt):
            out.append(None)
            continue
        a, b = len(bead.src), len(bead.tgt)
        if len(runs(bead.src)) > 1 or len(runs(bead.tgt)) > 1:   # a moved block's gap (align/moves.py)
            out.append(_gapped_measures(bead, src_spans, tgt_spans, src_centre, tgt_centre, lengths))
            continue
        whole = similarity(bead.src[0], a, bead.tgt[0], b)
        parts = [similarity(i, pa, j, pb)     # parts as wide as the spans go: a long bead stays cheap
                 for pa in range(1, min(a, width) + 1) for i in range(bead.src[0], bead.src[0] + a - pa + 1)
                 for pb in range(1, min(b, width) + 1) for j in range(bead.tgt[0], bead.tgt[0] + b - pb + 1)
                 if (pa, pb) != (a, b)]
        out.append((whole, max(0.0, max(parts, default=whole) - whole)))
    return out


def _span(spans: np.ndarray, start: int, count: int) -> np.ndarray:
    """Embedding of sentences start..start+count-1: the span row when the spans go that far."""
    if count <= spans.shape[0]:
        return spans[count - 1, start]
    mean = spans[0, start:start + count].sum(axis=0)   # a bead longer than the spans (a caller's own)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def runs(indices) -> list[tuple[int, int]]:
    """The sorted indices as maximal runs of neighbours, (start, count) each."""
    out: list[list[int]] = []
    for i in sorted(indices):
        if out and i == out[-1][0] + out[-1][1]:
            out[-1][1] += 1
        else:
            out.append([i, 1])
    return [(a, c) for a, c in out]


def set_embedding(spans: np.ndarray, indices, weights=None) -> np.ndarray:
    """(Uncentred) embedding of any set of sentences: the span row of a single run, otherwise the runs'
    embeddings (runs longer than the spans cut into the widest pieces) summed, each weighted by its
    characters (`weights`, per sentence) or sentences, and normalised.

    A span is composed from the encoder's per-sentence sums, which only neighbours share; a set with a
    gap (a sentence interrupted by a caption) has no such row. The weighted mean of its runs comes close
    (measured on Text+Berg two-sentence runs against their composed rows: cosine 0.91 on average).
    """
    parts = runs(indices)
    width = spans.shape[0]
    if len(parts) == 1 and parts[0][1] <= width:
        return spans[parts[0][1] - 1, parts[0][0]]
    total = np.zeros(spans.shape[-1], dtype=np.float64)
    for start, count in parts:
        for s in range(start, start + count, width):
            c = min(width, start + count - s)
            w = float(np.sum(weights[s:s + c])) if weights is not None else float(c)
            total += max(w, 1e-6) * spans[c - 1, s]
    return (total / max(float(np.linalg.norm(total)), 1e-12)).astype(np.float32)


def _gapped_measures(bead: Bead, src_spans, tgt_spans, src_centre, tgt_centre, lengths
                     ) -> tuple[float, float]:
    src_w, tgt_w = lengths if lengths is not None else (None, None)

    def sim(s, t) -> float:
        return float(_centred(set_embedding(src_spans, s, src_w), src_centre)
                     @ _centred(set_embedding(tgt_spans, t, tgt_w), tgt_centre))

    whole = sim(bead.src, bead.tgt)
    # a gap makes at least two runs on one side: every pair of runs is a proper part
    parts = [sim(range(i, i + a), range(j, j + b)) for i, a in runs(bead.src) for j, b in runs(bead.tgt)]
    return whole, max(0.0, max(parts, default=whole) - whole)


def short_weight(share: float, sharpness: float = SHARPNESS) -> float:
    """How much the short-document curve counts: 1 for one sentence a side, near 0 for a long document."""
    return min(1.0, max(0.0, share / reference_share(1))) ** sharpness


def confidence(similarity: float, share: float = 0.0, long: tuple[float, float, float] = CALIBRATION_LONG,
               short: tuple[float, float, float] = CALIBRATION_SHORT, sharpness: float = SHARPNESS,
               excess: float = 0.0) -> float:
    """A bead's probability of being right, from its centred cosine, the reference's share of the centring
    and how much its best part beats it (`excess`, bead_measures)."""
    t = short_weight(share, sharpness)
    logit = (1 - t) * _curve_logit(long, similarity, excess) + t * _curve_logit(short, similarity, excess)
    return 1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, logit))))


def _curve_logit(curve: tuple[float, float, float], similarity: float, excess: float) -> float:
    slope, midpoint, part_weight = curve
    return slope * (similarity - midpoint) - part_weight * excess


def document_share(n_src: int, n_tgt: int, prior: float = PRIOR_SENTENCES) -> float:
    """The reference's share of the centring of a document, both sides averaged (0 without a prior)."""
    if not prior:
        return 0.0
    return (reference_share(n_src, prior) + reference_share(n_tgt, prior)) / 2


def rescore(beads: list[Bead], src_spans: np.ndarray, tgt_spans: np.ndarray,
            src_reference: np.ndarray | None = None, tgt_reference: np.ndarray | None = None,
            lengths: tuple[np.ndarray, np.ndarray] | None = None) -> list[Bead]:
    """The beads with their confidence from the blended centring (one-sided beads keep None); `lengths`
    (characters per sentence of each side) weight the runs of a bead with a gap (bead_measures)."""
    measures = bead_measures(beads, src_spans, tgt_spans, src_reference, tgt_reference, lengths)
    share = document_share(src_spans.shape[1], tgt_spans.shape[1])
    return [Bead(b.src, b.tgt, None if m is None else confidence(m[0], share, excess=m[1]))
            for b, m in zip(beads, measures)]
