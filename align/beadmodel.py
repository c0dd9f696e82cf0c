"""A learned bead score: a small logistic model over evidence the cosine does not carry.

The search values a bead by its centred cosine and a few hand-set costs. This
module describes every candidate bead of the search band by features that
cosine leaves out, and a logistic model fitted on gold beads against their
rivals in the band turns them into log-odds that the search adds to a bead's
value (`SearchParams.model_weight`):

- the centred cosine and its margin over the sentences' own best matches in
  the band (a sentence whose best match lies elsewhere is a rival's);
- the worst deficit of one sentence of the bead: how far its cosine with the
  other side's run falls below its best match (a bead that swallows a
  sentence the translation leaves out, or one that belongs to a neighbour);
- the length ratio (squared log ratio against the document's, and Gale and
  Church's normalised difference), the bead's shape;
- agreement of the numbers (digit runs) and punctuation marks on both sides;
- the bead's drift from the diagonal.

Every feature composes from per-sentence arrays and cumulative sums, so a
candidate costs a few vector products, as the search's own terms do. The
coefficients are shipped constants (`COEFFICIENTS`), fitted by
`python benchmarks/beadmodel.py --fit`.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from tmforge.align.galechurch import VARIANCE   # Gale and Church's variance per character

FEATURES = ("cosine", "margin", "deficit", "weakest", "length", "gale_church", "extra_sentences", "both_many",
            "numbers_shared", "numbers_unmatched", "punctuation", "drift")
NUMBER_BUCKETS = 32
_NUMBER = re.compile(r"\d+")
# Punctuation classes whose counts a translation tends to keep.
_PUNCTUATION = ("?", "!", ":", ";", "()", "\"«»„“”", "%", "/")


def number_counts(texts: Sequence[str]) -> np.ndarray:
    """(n, NUMBER_BUCKETS) counts of each sentence's digit runs, hashed into buckets (leading zeros dropped)."""
    out = np.zeros((len(texts), NUMBER_BUCKETS), dtype=np.float32)
    for k, text in enumerate(texts):
        for number in _NUMBER.findall(text):
            out[k, zlib.crc32((number.lstrip("0") or "0").encode()) % NUMBER_BUCKETS] += 1
    return out


def punctuation_counts(texts: Sequence[str]) -> np.ndarray:
    out = np.zeros((len(texts), len(_PUNCTUATION)), dtype=np.float32)
    for k, text in enumerate(texts):
        for c, marks in enumerate(_PUNCTUATION):
            out[k, c] = sum(text.count(m) for m in marks)
    return out


def _cumulative(rows: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros((1,) + rows.shape[1:], rows.dtype), np.cumsum(rows, axis=0)])


@dataclass(frozen=True)
class Model:
    """Log-odds = intercept + coefficients . features (raw feature units)."""

    coefficients: tuple[float, ...]
    intercept: float

    def log_odds(self, features: np.ndarray) -> np.ndarray:
        return features @ np.asarray(self.coefficients) + self.intercept


class BeadFeatures:
    """Features of candidate beads of one document, for the search's finest level.

    Built with the *centred* span embeddings the search scores with; `prepare(lo, hi)` receives the band
    (rows i = source sentences done, columns j = target sentences done) and finds each sentence's best 1-1
    match inside it.
    """

    def __init__(self, xs: np.ndarray, ys: np.ndarray, src_texts: Sequence[str], tgt_texts: Sequence[str]):
        self.xs, self.ys = xs, ys
        self.n, self.m = xs.shape[1], ys.shape[1]
        src_len = np.array([len(t) for t in src_texts], dtype=np.float64)
        tgt_len = np.array([len(t) for t in tgt_texts], dtype=np.float64)
        self.src_len, self.tgt_len = _cumulative(src_len), _cumulative(tgt_len)
        self.ratio = (tgt_len.sum() + 1.0) / (src_len.sum() + 1.0)
        self.len_mu = float(np.log(self.ratio))
        self.src_num, self.tgt_num = _cumulative(number_counts(src_texts)), _cumulative(number_counts(tgt_texts))
        self.src_punct = _cumulative(punctuation_counts(src_texts))
        self.tgt_punct = _cumulative(punctuation_counts(tgt_texts))
        self.row_best = np.full(self.n, -1.0, dtype=np.float32)
        self.col_best = np.full(self.m, -1.0, dtype=np.float32)

    def prepare(self, lo: np.ndarray, hi: np.ndarray, reach: int = 4) -> None:
        """Each sentence's best 1-1 cosine over the band's cells (widened by `reach`, the longest bead)."""
        x, y = self.xs[0], self.ys[0]
        self.row_best[:] = -1.0
        self.col_best[:] = -1.0
        for r in range(self.n):
            c0 = max(int(min(lo[r], lo[r + 1])) - reach, 0)
            c1 = min(int(max(hi[r], hi[r + 1])) + reach, self.m)
            if c1 <= c0:
                continue
            sims = y[c0:c1] @ x[r]
            self.row_best[r] = sims.max()
            np.maximum(self.col_best[c0:c1], sims, out=self.col_best[c0:c1])

    def __call__(self, a: int, b: int, i0: int, starts: np.ndarray) -> np.ndarray:
        """(len(starts), len(FEATURES)) features of the beads pairing source i0..i0+a-1 with target s..s+b-1."""
        x_run = self.xs[a - 1, i0]
        y_runs = self.ys[b - 1, starts]
        cosine = y_runs @ x_run
        # each sentence's cosine with the other side's run, against its best match in the band
        own = [y_runs @ self.xs[0, r] for r in range(i0, i0 + a)] + \
              [self.ys[0, starts + t] @ x_run for t in range(b)]
        best = [np.full(starts.size, self.row_best[r]) for r in range(i0, i0 + a)] + \
               [self.col_best[starts + t] for t in range(b)]
        own, best = np.array(own), np.array(best)
        margin = cosine - best.mean(axis=0)
        deficit = (best - own).max(axis=0)
        weakest = own.min(axis=0)
        src_chars = self.src_len[i0 + a] - self.src_len[i0]
        tgt_chars = self.tgt_len[starts + b] - self.tgt_len[starts]
        log_ratio = np.log((tgt_chars + 1.0) / (src_chars + 1.0)) - self.len_mu
        gale_church = np.abs(tgt_chars - src_chars * self.ratio) / np.sqrt(VARIANCE * max(src_chars, 1.0))
        src_num = self.src_num[i0 + a] - self.src_num[i0]
        tgt_num = self.tgt_num[starts + b] - self.tgt_num[starts]
        shared = np.minimum(src_num, tgt_num).sum(axis=1)
        unmatched = src_num.sum() + tgt_num.sum(axis=1) - 2 * shared
        src_punct = self.src_punct[i0 + a] - self.src_punct[i0]
        tgt_punct = self.tgt_punct[starts + b] - self.tgt_punct[starts]
        punctuation = np.abs(tgt_punct - src_punct).sum(axis=1) / (1.0 + src_punct.sum() + tgt_punct.sum(axis=1))
        drift = np.abs((i0 + a / 2) / self.n - (starts + b / 2) / self.m)
        shape = np.ones(starts.size)
        return np.column_stack([cosine, margin, deficit, weakest, log_ratio ** 2, np.minimum(gale_church, 10.0),
                                shape * (a + b - 2), shape * (a > 1 and b > 1), np.minimum(shared, 4.0),
                                np.minimum(unmatched, 4.0), punctuation, drift])


class ModelScorer:
    """The learned log-odds as a search `extra`: weight * (log-odds - offset) for every candidate bead."""

    def __init__(self, features: BeadFeatures, model: Model, weight: float, offset: float):
        self.features, self.model, self.weight, self.offset = features, model, weight, offset

    def prepare(self, lo, hi) -> None:
        self.features.prepare(lo, hi)

    def __call__(self, a: int, b: int, i0: int, starts: np.ndarray) -> np.ndarray:
        return self.weight * (self.model.log_odds(self.features(a, b, i0, starts)) - self.offset)


class BandRecorder:
    """A search `extra` that scores nothing and keeps every candidate bead's features: the rivals a model learns
    to tell from the gold beads (the search's own band, so training sees what the search will ask about)."""

    def __init__(self, features: BeadFeatures):
        self.features = features
        self.rows: list[tuple[int, int, int, np.ndarray, np.ndarray]] = []

    def prepare(self, lo, hi) -> None:
        self.features.prepare(lo, hi)

    def __call__(self, a: int, b: int, i0: int, starts: np.ndarray) -> np.ndarray:
        self.rows.append((a, b, i0, starts.copy(), self.features(a, b, i0, starts)))
        return np.zeros(starts.size)

    def labelled(self, gold: Sequence[tuple[Sequence[int], Sequence[int]]]) -> tuple[np.ndarray, np.ndarray]:
        """(features, labels): label 1 for a candidate that is exactly one of the `gold` (source, target) beads."""
        right = {(tuple(s), tuple(t)) for s, t in gold}
        labels = [np.array([((tuple(range(i0, i0 + a)), tuple(range(s, s + b))) in right) for s in starts.tolist()],
                           dtype=np.float64) for a, b, i0, starts, _ in self.rows]
        width = len(FEATURES)
        return (np.vstack([f for *_, f in self.rows]) if self.rows else np.zeros((0, width)),
                np.concatenate(labels) if labels else np.zeros(0))


def fit_logistic(features: np.ndarray, labels: np.ndarray, l2: float = 1.0, iterations: int = 50) -> Model:
    """L2-regularised logistic regression by Newton's method on standardised features; raw-unit coefficients."""
    mu = features.mean(axis=0)
    sd = features.std(axis=0)
    sd[sd < 1e-9] = 1.0
    z = np.column_stack([np.ones(len(features)), (features - mu) / sd])
    w = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (labels - p) - reg * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w += step
        if np.abs(step).max() < 1e-8:
            break
    coef = w[1:] / sd
    return Model(tuple(float(c) for c in coef), float(w[0] - (coef * mu).sum()))


# Fitted by `python benchmarks/beadmodel.py --fit` on all of Text+Berg and the seed-101 Russian-English
# pseudo-documents (gold beads against the other candidates of the default search's band); order as FEATURES.
COEFFICIENTS = Model((-0.9956, 23.6, -0.6995, 4.114, -0.7781, -1.625, -2.821, -0.5862, -0.04921, -0.5489, -0.3737,
                      -15.66), 1.373)
