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
`benchmarks/quality.py --calibrate` refits all three on seeded
Russian-English documents kept apart from the ones the figures are measured on.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from tmforge.types import Bead

REFERENCE_FILE = Path(__file__).with_name("data") / "reference_means.npz"
PRIOR_SENTENCES = 8.0   # how many of a document's sentences the reference mean weighs as

# P(bead is right | cosine s centred on the blended mean) = 1 / (1 + exp(-slope * (s - midpoint))),
# one (slope, midpoint) for long documents, one for one- and two-sentence ones; benchmarks/quality.py
# --calibrate prints them, BENCHMARKS.md has their reliability.
CALIBRATION_LONG = (8.02, 0.202)
CALIBRATION_SHORT = (23.65, 0.461)
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


def bead_similarities(beads: list[Bead], src_spans: np.ndarray, tgt_spans: np.ndarray,
                      src_reference: np.ndarray | None = None, tgt_reference: np.ndarray | None = None
                      ) -> list[float | None]:
    """Centred cosine of every bead with two non-empty sides (None for the others).

    `*_spans` are the (K, n, d) span embeddings the search was given (not centred).
    """
    if not beads or src_spans.shape[1] == 0 or tgt_spans.shape[1] == 0:
        return [None] * len(beads)
    src_centre = blended_centre(src_spans[0], src_reference)
    tgt_centre = blended_centre(tgt_spans[0], tgt_reference)
    out: list[float | None] = []
    for bead in beads:
        if not (bead.src and bead.tgt):
            out.append(None)
            continue
        a, b = len(bead.src), len(bead.tgt)
        x = _span(src_spans, bead.src[0], a)
        y = _span(tgt_spans, bead.tgt[0], b)
        out.append(float(_centred(x, src_centre) @ _centred(y, tgt_centre)))
    return out


def _span(spans: np.ndarray, start: int, count: int) -> np.ndarray:
    """Embedding of sentences start..start+count-1: the span row when the spans go that far."""
    if count <= spans.shape[0]:
        return spans[count - 1, start]
    mean = spans[0, start:start + count].sum(axis=0)   # a bead longer than the spans (a caller's own)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def short_weight(share: float, sharpness: float = SHARPNESS) -> float:
    """How much the short-document curve counts: 1 for one sentence a side, near 0 for a long document."""
    return min(1.0, max(0.0, share / reference_share(1))) ** sharpness


def confidence(similarity: float, share: float = 0.0, long: tuple[float, float] = CALIBRATION_LONG,
               short: tuple[float, float] = CALIBRATION_SHORT, sharpness: float = SHARPNESS) -> float:
    """A bead's probability of being right, from its centred cosine and the reference's share of the centring."""
    t = short_weight(share, sharpness)
    logit = (1 - t) * long[0] * (similarity - long[1]) + t * short[0] * (similarity - short[1])
    return 1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, logit))))


def document_share(n_src: int, n_tgt: int) -> float:
    """The reference's share of the centring of a document, both sides averaged."""
    return (reference_share(n_src) + reference_share(n_tgt)) / 2


def rescore(beads: list[Bead], src_spans: np.ndarray, tgt_spans: np.ndarray,
            src_reference: np.ndarray | None = None, tgt_reference: np.ndarray | None = None) -> list[Bead]:
    """The beads with their confidence from the blended centring (one-sided beads keep None)."""
    sims = bead_similarities(beads, src_spans, tgt_spans, src_reference, tgt_reference)
    share = document_share(src_spans.shape[1], tgt_spans.shape[1])
    return [Bead(b.src, b.tgt, None if s is None else confidence(s, share)) for b, s in zip(beads, sims)]
