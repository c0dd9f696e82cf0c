"""Bead scoring and the dynamic-programming search, linear in document length.

The search runs on a pyramid: sentence vectors are averaged pairwise until
both sides are short, the short sequences are aligned exactly, and each finer
level is searched only in a band around the path found one level up
(recursive downsampling). Every level costs O(length x band), so the whole
search is linear in document length in time and memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from align.beads import Bead

NEG = -1e18


@dataclass(frozen=True)
class SearchParams:
    """Every knob of the search; recorded in the alignment signature."""

    max_span: int = 4                   # sentences on one side of a bead
    beads: tuple[tuple[int, int], ...] = (
        (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 4), (4, 1), (1, 0), (0, 1))
    sim_offset: float = 0.40            # similarity a bead must beat to pay off
    skip: float = -0.05                 # value of leaving one sentence unaligned
    len_weight: float = 0.6             # weight of the squared log length ratio
    many_penalty: float = 0.08          # extra cost per sentence beyond 1-1
    paragraph_penalty: float = 0.3      # cost per paragraph boundary a bead crosses
    band: int = 10                      # half-width of the refinement band (sentences)
    coarse_cells: int = 250_000         # align exactly once n*m is this small
    coarse_beads: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1))

    def signature(self) -> str:
        return (f"span:{self.max_span}|off:{self.sim_offset}|skip:{self.skip}|len:{self.len_weight}"
                f"|many:{self.many_penalty}|para:{self.paragraph_penalty}|band:{self.band}")


def mean_spans(vectors: np.ndarray, max_span: int) -> np.ndarray:
    """spans[k-1, i] = normalised mean of vectors i..i+k-1 (rows past the end are zero)."""
    n, d = vectors.shape
    spans = np.zeros((max_span, n, d), dtype=np.float32)
    csum = np.zeros((n + 1, d), dtype=np.float32)
    np.cumsum(vectors, axis=0, out=csum[1:])
    for k in range(1, max_span + 1):
        if k > n:
            break
        span = csum[k:] - csum[:-k]
        spans[k - 1, : n - k + 1] = span / np.maximum(np.linalg.norm(span, axis=1, keepdims=True), 1e-12)
    return spans


@dataclass
class _Side:
    spans: np.ndarray      # (K, n, d)
    cum_len: np.ndarray    # (n + 1,) cumulative character lengths
    para: np.ndarray       # (n,) paragraph number of each sentence, non-decreasing

    @property
    def n(self) -> int:
        return self.spans.shape[1]


def _run_dp(src: _Side, tgt: _Side, lo: np.ndarray, hi: np.ndarray,
            beads: tuple[tuple[int, int], ...], p: SearchParams, len_mu: float
            ) -> list[tuple[int, int, int, int, float]]:
    """Best monotone path through the band; returns beads as (i0, a, j0, b, similarity)."""
    n = src.n
    pairs = [bd for bd in beads if bd[0] and bd[1]]
    has_del, has_ins = (1, 0) in beads, (0, 1) in beads
    codes = {bd: k for k, bd in enumerate(beads)}
    values: list[np.ndarray] = []
    back: list[np.ndarray] = []
    for i in range(n + 1):
        cols = np.arange(lo[i], hi[i] + 1)
        best = np.full(cols.size, NEG)
        code = np.full(cols.size, -1, dtype=np.int8)
        if i == 0 and lo[0] == 0:
            best[0] = 0.0
        if has_del and i >= 1:
            _relax(best, code, cols - 0, values[i - 1], lo[i - 1], p.skip, codes[(1, 0)])
        for a, b in pairs:
            i0 = i - a
            if i0 < 0:
                continue
            j0 = cols - b
            ok = (j0 >= lo[i0]) & (j0 <= hi[i0])
            if not ok.any():
                continue
            starts = j0[ok]
            sims = tgt.spans[b - 1, starts] @ src.spans[a - 1, i0]
            src_len = src.cum_len[i] - src.cum_len[i0]
            tgt_len = tgt.cum_len[starts + b] - tgt.cum_len[starts]
            ratio = np.log((tgt_len + 1.0) / (src_len + 1.0)) - len_mu
            crossings = (src.para[i - 1] - src.para[i0]) + (tgt.para[starts + b - 1] - tgt.para[starts])
            gain = ((a + b) / 2.0) * (sims - p.sim_offset) - p.len_weight * ratio * ratio \
                - p.many_penalty * (a + b - 2) - p.paragraph_penalty * crossings
            cand = np.full(cols.size, NEG)
            cand[ok] = values[i0][starts - lo[i0]] + gain
            better = cand > best
            best[better] = cand[better]
            code[better] = codes[(a, b)]
        if has_ins and cols.size > 1:
            # Insertions chain along the row: best[k] = max(best[k], best[k-1] + skip),
            # solved in one pass as k*skip + running max of (best - k*skip).
            steps = np.arange(cols.size) * p.skip
            chained = np.maximum.accumulate(best - steps) + steps
            moved = chained > best + 1e-12
            best = np.where(moved, chained, best)
            code[moved] = codes[(0, 1)]
        values.append(best)
        back.append(code)
    return _backtrace(src, tgt, lo, back, beads)


def _relax(best, code, prev_cols, prev_values, prev_lo, gain, bead_code) -> None:
    idx = prev_cols - prev_lo
    ok = (idx >= 0) & (idx < prev_values.size)
    cand = np.full(best.size, NEG)
    cand[ok] = prev_values[idx[ok]] + gain
    better = cand > best
    best[better] = cand[better]
    code[better] = bead_code


def _backtrace(src: _Side, tgt: _Side, lo, back, beads) -> list[tuple[int, int, int, int, float]]:
    i, j = src.n, tgt.n
    out = []
    while i > 0 or j > 0:
        k = int(back[i][j - lo[i]])
        if k < 0:
            raise RuntimeError("alignment search left its band; widen SearchParams.band")
        a, b = beads[k]
        i0, j0 = i - a, j - b
        sim = float(tgt.spans[b - 1, j0] @ src.spans[a - 1, i0]) if a and b else 0.0
        out.append((i0, a, j0, b, sim))
        i, j = i0, j0
    out.reverse()
    return out


def _band_from_path(path: list[tuple[int, int, int, int, float]], n: int, m: int,
                    scale: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows 0..n of a finer level: the coarse path scaled up, widened by `width` columns."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    points = [(0, 0)] + [((i0 + a) * scale, (j0 + b) * scale) for i0, a, j0, b, _ in path]
    for (r0, c0), (r1, c1) in zip(points, points[1:]):
        for r in range(r0, min(r1, n) + 1):
            lo[r] = min(lo[r], c0)
            hi[r] = max(hi[r], min(c1, m))
    lo[n], hi[n] = min(lo[n], m), m
    lo = np.maximum(np.minimum.accumulate(lo[::-1])[::-1] - width, 0)
    hi = np.minimum(np.maximum.accumulate(hi) + width, m)
    lo[0] = 0
    return lo, hi


def _pool(vectors: np.ndarray, lengths: np.ndarray, para: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Halve a sequence: sum neighbouring pairs (an odd last row stays alone)."""
    if vectors.shape[0] % 2:
        vectors = np.vstack([vectors, np.zeros((1, vectors.shape[1]), vectors.dtype)])
        lengths = np.append(lengths, 0)
        para = np.append(para, para[-1])
    pooled = vectors[0::2] + vectors[1::2]
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return pooled, lengths[0::2] + lengths[1::2], para[0::2]


def _side(spans: np.ndarray, lengths: np.ndarray, para: np.ndarray) -> _Side:
    return _Side(spans, np.concatenate([[0.0], np.cumsum(lengths, dtype=np.float64)]), para)


def search(src_spans: np.ndarray, tgt_spans: np.ndarray, src_lengths, tgt_lengths,
           params: SearchParams = SearchParams(), src_paragraphs=None, tgt_paragraphs=None) -> list[Bead]:
    """Align two sentence sequences given their span embeddings (K, n, d) and character lengths.

    `*_paragraphs` give each sentence's paragraph number; beads crossing a
    paragraph boundary then pay `paragraph_penalty` (a preference, not a rule,
    so a paragraph split differently on the two sides still aligns).
    """
    n, m = src_spans.shape[1], tgt_spans.shape[1]
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    src_lengths = np.asarray(src_lengths, dtype=np.float64)
    tgt_lengths = np.asarray(tgt_lengths, dtype=np.float64)
    src_para = np.zeros(n, np.int64) if src_paragraphs is None else np.asarray(src_paragraphs, np.int64)
    tgt_para = np.zeros(m, np.int64) if tgt_paragraphs is None else np.asarray(tgt_paragraphs, np.int64)
    len_mu = float(np.log((tgt_lengths.sum() + 1.0) / (src_lengths.sum() + 1.0)))

    # Pyramid of pooled single-sentence vectors, finest first.
    levels = [(src_spans[0], src_lengths, src_para, tgt_spans[0], tgt_lengths, tgt_para)]
    while levels[-1][0].shape[0] * levels[-1][3].shape[0] > params.coarse_cells \
            and min(levels[-1][0].shape[0], levels[-1][3].shape[0]) > 8:
        xs, xl, xp, ys, yl, yp = levels[-1]
        levels.append((*_pool(xs, xl, xp), *_pool(ys, yl, yp)))

    path = None
    for depth in range(len(levels) - 1, -1, -1):
        xs, xl, xp, ys, yl, yp = levels[depth]
        ln, lm = xs.shape[0], ys.shape[0]
        if path is None:
            lo, hi = np.zeros(ln + 1, dtype=np.int64), np.full(ln + 1, lm, dtype=np.int64)
        else:
            lo, hi = _band_from_path(path, ln, lm, 2, params.band)
        if depth == 0:
            src, tgt, beads = _side(src_spans, xl, xp), _side(tgt_spans, yl, yp), params.beads
        else:  # coarse levels: single pooled rows, so only 1-1, 1-0 and 0-1
            src, tgt, beads = _side(xs[None], xl, xp), _side(ys[None], yl, yp), params.coarse_beads
        path = _run_dp(src, tgt, lo, hi, beads, params, len_mu)
    return [Bead(tuple(range(i0, i0 + a)), tuple(range(j0, j0 + b)), confidence(sim) if a and b else None)
            for i0, a, j0, b, sim in path]


def confidence(similarity: float) -> float:
    """Map a bead's cosine similarity to a confidence in [0, 1]."""
    return float(np.clip(similarity, 0.0, 1.0))
