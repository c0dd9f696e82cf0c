"""Bead scoring and the dynamic-programming search, linear in document length.

Scoring: a bead pairs a run of 0..K source sentences with a run of 0..K
target sentences. Its value is the cosine of the two runs' embeddings after
each side's mean sentence vector is removed (what every sentence of a
document shares, its language above all, says nothing about which sentences
correspond; multi-sentence runs, being averages, share it most), scaled
gently with the bead's size, minus a length-ratio term, a cost per extra
sentence and a cost per paragraph boundary crossed. A many-sentence bead
also pays for any cosine it falls short of itself with a sentence trimmed
off either end of either side: a sentence that makes the match worse is
more likely an unaligned neighbour (a heading, a caption, OCR debris) that
the size bonus pulled in than a piece of the translation. Leaving a
sentence unaligned has a fixed value. The best monotone sequence of beads
maximises the sum.

Search: sentence vectors are averaged pairwise into a pyramid until both
sides are short; the shortest level is aligned exactly (1-1, 1-0, 0-1), and
each finer level is searched only in a band around the path found one level
up (recursive downsampling). Every level costs O(length x band), so time and
memory grow linearly with document length.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable, NamedTuple

import numpy as np

from tmforge.align.beads import Bead
from tmforge.align.confidence import blended_centre, document_share

NEG = -1e18
Path = list[tuple[int, int, int, int, float]]  # beads as (src start, src count, tgt start, tgt count, cosine)


@dataclass(frozen=True)
class SearchParams:
    """Every knob of the search; all of them go into the alignment signature."""

    max_span: int = 4                   # most sentences on one side of a bead
    beads: tuple[tuple[int, int], ...] = (
        (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 4), (4, 1), (1, 0), (0, 1))
    size_weight: float = 0.5            # a bead's similarity counts ((a + b) / 2) ** size_weight times
    sim_offset: float = 0.0             # similarity a bead must beat to pay off
    skip: float = -0.15                 # value of leaving one sentence unaligned
    len_weight: float = 0.6             # weight of the squared log length ratio (relative to the document's)
    many_penalty: float = 0.1           # cost per sentence beyond 1-1
    paragraph_penalty: float = 0.3      # cost per paragraph boundary a bead crosses
    trim_penalty: float = 0.5           # cost per unit of cosine a bead falls short of itself trimmed by a sentence
    # Centring on the document's mean shrunk towards the language's reference mean, weighted as this many
    # sentences (align/confidence.py's blend): a side of one or two sentences *is* its mean, so centring on
    # it alone leaves opposite vectors; 0 centres on the document alone.
    centre_prior: float = 8.0
    # Merge check: a many-sentence bead pays this per unit of cosine it falls short of its best part (any
    # smaller bead inside it, down to 1-1) plus part_margin: a sentence merged in must add evidence.
    # part_penalty applies everywhere; short_part_penalty is scaled by the reference's share of the
    # centring (confidence.document_share) to the power short_part_power: strict where a document is too
    # short for its own mean to say what its sentences share (there a true pair and a mismatch join into
    # one 2-2 bead), nothing for a long one. 0 leaves either out.
    part_penalty: float = 0.0
    part_margin: float = 0.0
    short_part_penalty: float = 4.0
    short_part_power: float = 2.0
    band: int = 10                      # half-width of the refinement band, in sentences
    coarse_cells: int = 250_000         # align exactly once n * m is this small
    # Second pass with a lexicon learned from the first pass's confident 1-1 beads (align/lexicon.py);
    # lex_weight 0 leaves it out.
    lex_weight: float = 0.0             # weight of the lexical score in a bead's value
    lex_offset: float = 0.0             # lexical score a bead must beat to gain from it
    lex_model: str = "model1"           # "model1" (IBM Model 1 both ways) or "dice"
    lex_stem: int = 0                   # units are words cut to this many characters (0: whole words)
    lex_min_confidence: float = 0.9     # first-pass 1-1 beads at least this confident train the lexicon
    # Learned bead score (align/beadmodel.py): a bead gains model_weight * (the logistic model's log-odds that
    # it is right - model_offset), from features the cosine does not carry; 0 leaves it out.
    model_weight: float = 0.0
    model_offset: float = 0.0
    # Repair pass (align/repair.py): neighbouring 1-1 beads cross, and sentences left unaligned on
    # both sides within cross_window beads pair up, when that scores this much higher; 0 leaves it out.
    cross_margin: float = 0.8
    cross_window: int = 6
    # The repair's pair score less the mean cosine of each sentence with its cross_knn nearest sentences on
    # the other side (the margin of bitext mining); 0: the centred cosine alone.
    cross_knn: int = 0
    # Attach pass (align/repair.py): a sentence left out joins the neighbouring bead when that raises the
    # bead's centred cosine by more than attach_margin plus the reference's share of the centring to the
    # power attach_short_power (a short document needs clearer evidence; runs stay contiguous).
    attach: bool = True
    attach_margin: float = 0.0
    attach_short_power: float = 3.0
    # Moved-block pass (align/moves.py): a sentence moves to a bead within move_window sentences on its side
    # (the bead may get a gap: a sentence interrupted by a caption placed elsewhere) when the two beads'
    # centred cosines rise together by more than move_margin; only beads of centred cosine below move_weak
    # (and sentences left out) give sentences away. Off unless moves.
    moves: bool = False
    move_margin: float = 0.1
    move_window: int = 4
    move_weak: float = 0.3
    move_pairs: bool = True             # a moved block's sentences also pair up as new beads (beads apart)
    # Margin in the search: a bead's cosine less knn_weight times the mean, over its sentences, of each
    # sentence's mean cosine with its knn nearest sentences on the other side; 0 leaves it out.
    knn_weight: float = 0.0
    knn: int = 4
    # Skips decided per sentence: leaving a sentence out is worth skip less skip_weight times how far its
    # best cosine with any sentence of the other side lies above the side's average best; 0: one value.
    skip_weight: float = 0.0
    # Subtitles (align/cuetime.py): a bead gains time_weight * (overlap of its cues' time spans - time_offset)
    # in a second search, once the two files' clocks are matched; 0 leaves timing out.
    time_weight: float = 1.0
    time_offset: float = 0.3

    def signature(self) -> str:
        fields = asdict(self)
        fields["beads"] = ",".join(f"{a}-{b}" for a, b in self.beads)
        return "|".join(f"{k}:{v}" for k, v in fields.items())


def mean_spans(vectors: np.ndarray, max_span: int) -> np.ndarray:
    """spans[k-1, i] = normalised mean of vectors i..i+k-1 (rows past the end are zero)."""
    n, d = vectors.shape
    spans = np.zeros((max_span, n, d), dtype=np.float32)
    csum = np.zeros((n + 1, d), dtype=np.float32)
    np.cumsum(vectors, axis=0, out=csum[1:])
    for k in range(1, min(max_span, n) + 1):
        span = csum[k:] - csum[:-k]
        spans[k - 1, : n - k + 1] = span / np.maximum(np.linalg.norm(span, axis=1, keepdims=True), 1e-12)
    return spans


def centered(spans: np.ndarray, mean: np.ndarray | None = None) -> np.ndarray:
    """Subtract the side's mean sentence vector (or `mean`) from every span and renormalise."""
    out = spans - (spans[0].mean(axis=0) if mean is None else mean)
    out /= np.maximum(np.linalg.norm(out, axis=-1, keepdims=True), 1e-12)
    return out


def centres(src_spans: np.ndarray, tgt_spans: np.ndarray, params: SearchParams,
            references: tuple[np.ndarray | None, np.ndarray | None] | None = None
            ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """What each side's spans are centred on: None (the side's own mean) unless `params.centre_prior`
    blends in the reference means (the zero vector where a side has none, as confidence does)."""
    if not params.centre_prior:
        return None, None
    src_ref, tgt_ref = references or (None, None)
    return (blended_centre(src_spans[0], src_ref, params.centre_prior),
            blended_centre(tgt_spans[0], tgt_ref, params.centre_prior))


class DocumentContext(NamedTuple):
    """What a search scores a document's beads against: each side's centre, the log target/source
    length ratio, and the reference's share of the centring, which weights the short-document merge
    check."""

    src_centre: np.ndarray
    tgt_centre: np.ndarray
    length_ratio: float
    share: float

    @classmethod
    def of(cls, src_spans: np.ndarray, tgt_spans: np.ndarray, src_lengths, tgt_lengths,
           params: SearchParams, references=None) -> "DocumentContext":
        """The context of a whole document: (K, n, d) spans and sentence lengths of each side."""
        ratio = float(np.log((np.sum(tgt_lengths) + 1.0) / (np.sum(src_lengths) + 1.0)))
        share = document_share(src_spans.shape[1], tgt_spans.shape[1], params.centre_prior)
        src_centre, tgt_centre = centres(src_spans, tgt_spans, params, references)
        return cls(src_spans[0].mean(axis=0) if src_centre is None else src_centre,
                   tgt_spans[0].mean(axis=0) if tgt_centre is None else tgt_centre, ratio, share)


@dataclass
class _Side:
    spans: np.ndarray      # (K, n, d)
    cum_len: np.ndarray    # (n + 1,) cumulative character lengths
    para: np.ndarray       # (n,) paragraph number of each sentence, non-decreasing
    near: np.ndarray | None = None   # (n + 1,) cumulative k-nearest-neighbour means (knn_weight), or None
    skips: np.ndarray | None = None  # (n,) value of leaving each sentence out (skip_weight), or None

    @classmethod
    def build(cls, spans: np.ndarray, lengths: np.ndarray, para: np.ndarray) -> "_Side":
        return cls(spans, np.concatenate([[0.0], np.cumsum(lengths, dtype=np.float64)]), para)

    @property
    def n(self) -> int:
        return self.spans.shape[1]


def _run_dp(src: _Side, tgt: _Side, lo: np.ndarray, hi: np.ndarray,
            beads: tuple[tuple[int, int], ...], p: SearchParams, len_mu: float,
            on_row: Callable[[int], None] | None = None, extra=None, share: float = 0.0) -> Path:
    """Best monotone path from (0, 0) to (n, m) through the band lo[i] <= j <= hi[i].

    `on_row(rows)` is told how many rows are done after each row.
    `extra(a, b, i0, starts)`, when given, adds its gain to every a-b bead (a lexical score).
    `share` is the reference mean's share of the centring (`document_share`), which scales the short merge check.
    """
    n = src.n
    pairs = [bd for bd in beads if bd[0] and bd[1]]
    part_penalty = p.part_penalty + p.short_part_penalty * share ** p.short_part_power
    if part_penalty < 1e-3:     # at most 0.002 of a bead's value (a long document): not worth its cost
        part_penalty = 0.0
    codes = {bd: k for k, bd in enumerate(beads)}
    values: list[np.ndarray] = []
    back: list[np.ndarray] = []
    for i in range(n + 1):
        cols = np.arange(lo[i], hi[i] + 1)
        best = np.full(cols.size, NEG)
        code = np.full(cols.size, -1, dtype=np.int8)
        if i == 0 and lo[0] == 0:
            best[0] = 0.0
        if (1, 0) in codes and i >= 1:
            _relax(best, code, cols, values[i - 1], lo[i - 1], p.skip if src.skips is None else src.skips[i - 1],
                   codes[(1, 0)])
        for a, b in pairs:
            i0 = i - a
            if i0 < 0:
                continue
            j0 = cols - b
            ok = (j0 >= lo[i0]) & (j0 <= hi[i0])
            if not ok.any():
                continue
            starts = j0[ok]  # a contiguous run: slice, do not gather
            sims = tgt.spans[b - 1, starts[0]:starts[-1] + 1] @ src.spans[a - 1, i0]
            ratio = np.log((tgt.cum_len[starts + b] - tgt.cum_len[starts] + 1.0)
                           / (src.cum_len[i] - src.cum_len[i0] + 1.0)) - len_mu
            crossings = (src.para[i - 1] - src.para[i0]) + (tgt.para[starts + b - 1] - tgt.para[starts])
            if src.near is not None:
                sims = sims - p.knn_weight * ((src.near[i] - src.near[i0]) / a
                                              + (tgt.near[starts + b] - tgt.near[starts]) / b) / 2
            gain = ((a + b) / 2.0) ** p.size_weight * (sims - p.sim_offset) - p.len_weight * ratio * ratio \
                - p.many_penalty * (a + b - 2) - p.paragraph_penalty * crossings
            if a + b > 2 and p.trim_penalty:
                gain -= p.trim_penalty * np.maximum(0.0, _trimmed(src, tgt, a, b, i0, starts) - sims)
            if a + b > 2 and part_penalty:
                gain -= part_penalty * np.maximum(0.0, _best_part(src, tgt, a, b, i0, starts) + p.part_margin - sims)
            if extra is not None:
                gain = gain + extra(a, b, i0, starts)
            cand = np.full(cols.size, NEG)
            cand[ok] = values[i0][starts - lo[i0]] + gain
            better = cand > best
            best[better] = cand[better]
            code[better] = codes[(a, b)]
        if (0, 1) in codes and cols.size > 1:
            # Insertions chain along the row, best[k] = max(best[k], best[k-1] + skip),
            # solved at once as k*skip + running max of (best - k*skip).
            steps = np.arange(cols.size) * p.skip if tgt.skips is None else \
                np.concatenate([[0.0], np.cumsum(tgt.skips[cols[1:] - 1])])
            chained = np.maximum.accumulate(best - steps) + steps
            moved = chained > best + 1e-12
            best = np.where(moved, chained, best)
            code[moved] = codes[(0, 1)]
        values.append(best)
        back.append(code)
        if on_row is not None:
            on_row(i + 1)
    return _backtrace(src, tgt, lo, back, beads)


def _trimmed(src: _Side, tgt: _Side, a: int, b: int, i0: int, starts: np.ndarray) -> np.ndarray:
    """Best cosine of each candidate bead with its first or last sentence on one side left out."""
    span = slice(starts[0], starts[-1] + 1)
    best = np.full(starts.size, -1.0, dtype=np.float32)
    if a > 1:
        t = tgt.spans[b - 1, span]
        best = np.maximum(best, np.maximum(t @ src.spans[a - 2, i0], t @ src.spans[a - 2, i0 + 1]))
    if b > 1:
        x = src.spans[a - 1, i0]
        best = np.maximum(best, tgt.spans[b - 2, span] @ x)
        best = np.maximum(best, tgt.spans[b - 2, starts[0] + 1:starts[-1] + 2] @ x)
    return best


def _nearest_means(xs: np.ndarray, ys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative sums of each sentence's mean cosine with its k nearest sentences on the other side, less
    the side's average of it."""
    out = []
    for a, b in ((xs, ys), (ys, xs)):
        kk = min(k, b.shape[0])
        near = np.empty(a.shape[0])
        for start in range(0, a.shape[0], 1024):
            sims = a[start:start + 1024] @ b.T
            near[start:start + 1024] = np.partition(sims, sims.shape[1] - kk, axis=1)[:, -kk:].mean(axis=1)
        out.append(np.concatenate([[0.0], np.cumsum(near - near.mean())]))   # only above or below the usual
    return out[0], out[1]


def _best_part(src: _Side, tgt: _Side, a: int, b: int, i0: int, starts: np.ndarray) -> np.ndarray:
    """Best cosine of any smaller bead inside each candidate a-b bead (both sides kept non-empty)."""
    best = np.full(starts.size, -1.0, dtype=np.float32)
    for a2 in range(1, a + 1):
        for b2 in range(1, b + 1):
            if (a2, b2) == (a, b):
                continue
            t = tgt.spans[b2 - 1]
            for ds in range(a - a2 + 1):
                x = src.spans[a2 - 1, i0 + ds]
                for dt in range(b - b2 + 1):
                    best = np.maximum(best, t[starts[0] + dt:starts[-1] + dt + 1] @ x)
    return best


def _relax(best, code, cols, prev_values, prev_lo, gain, bead_code) -> None:
    """Deletions: arrive from the same column of the previous row."""
    idx = cols - prev_lo
    ok = (idx >= 0) & (idx < prev_values.size)
    cand = np.full(best.size, NEG)
    cand[ok] = prev_values[idx[ok]] + gain
    better = cand > best
    best[better] = cand[better]
    code[better] = bead_code


def _backtrace(src: _Side, tgt: _Side, lo, back, beads) -> Path:
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


def _band_from_path(path: Path, n: int, m: int, scale: int, width: int) -> tuple[np.ndarray, np.ndarray]:
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


COARSE_BEADS = ((1, 1), (1, 0), (0, 1))


def search(src_spans: np.ndarray, tgt_spans: np.ndarray, src_lengths, tgt_lengths,
           params: SearchParams = SearchParams(), src_paragraphs=None, tgt_paragraphs=None, *,
           context: "DocumentContext | None" = None,
           on_step: Callable[[int, int], None] | None = None, extra=None,
           references: tuple[np.ndarray | None, np.ndarray | None] | None = None) -> list[Bead]:
    """Align two sentence sequences given their span embeddings (K, n, d) and character lengths.

    `*_paragraphs` give each sentence's paragraph number; beads crossing a
    paragraph boundary then pay `paragraph_penalty` (a preference, not a rule,
    so paragraphs split differently on the two sides still align).
    `context` = the whole document's centres, length ratio and reference share
    (DocumentContext) when the sequences are a stretch of it (the editor's
    realign between fixed beads), so the stretch is scored as it would be inside
    the document; by default, the sequences' own.
    `on_step(done, total)` is told the rows searched, over every level of the pyramid.
    `extra`, when given, scores beads at the finest level on top of the cosine
    (align/lexicon.py's LexicalScorer): `extra.prepare(lo, hi)` receives the band first.
    `references` = the two languages' reference mean vectors (align/confidence.py), which
    `params.centre_prior` blends into each side's centre.
    """
    n, m = src_spans.shape[1], tgt_spans.shape[1]
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    src_lengths = np.asarray(src_lengths, dtype=np.float64)
    tgt_lengths = np.asarray(tgt_lengths, dtype=np.float64)
    src_para = np.zeros(n, np.int64) if src_paragraphs is None else np.asarray(src_paragraphs, np.int64)
    tgt_para = np.zeros(m, np.int64) if tgt_paragraphs is None else np.asarray(tgt_paragraphs, np.int64)
    context = context or DocumentContext.of(src_spans, tgt_spans, src_lengths, tgt_lengths, params, references)
    src_mean, tgt_mean, len_mu, share = context
    src_spans, tgt_spans = centered(src_spans, src_mean), centered(tgt_spans, tgt_mean)

    # Pyramid of pooled single-sentence vectors, finest first.
    levels = [(src_spans[0], src_lengths, src_para, tgt_spans[0], tgt_lengths, tgt_para)]
    while levels[-1][0].shape[0] * levels[-1][3].shape[0] > params.coarse_cells \
            and min(levels[-1][0].shape[0], levels[-1][3].shape[0]) > 8:
        xs, xl, xp, ys, yl, yp = levels[-1]
        levels.append((*_pool(xs, xl, xp), *_pool(ys, yl, yp)))

    path: Path | None = None
    total_rows = sum(level[0].shape[0] + 1 for level in levels)
    rows_before = 0
    if on_step is not None:
        on_step(0, total_rows)
    for depth in range(len(levels) - 1, -1, -1):
        xs, xl, xp, ys, yl, yp = levels[depth]
        ln, lm = xs.shape[0], ys.shape[0]
        if path is None:
            lo, hi = np.zeros(ln + 1, dtype=np.int64), np.full(ln + 1, lm, dtype=np.int64)
        else:
            lo, hi = _band_from_path(path, ln, lm, 2, params.band)
        if depth == 0:
            src, tgt = _Side.build(src_spans, xl, xp), _Side.build(tgt_spans, yl, yp)
            if params.knn_weight:
                src.near, tgt.near = _nearest_means(src_spans[0], tgt_spans[0], params.knn)
            if params.skip_weight:
                best_x, best_y = _nearest_means(src_spans[0], tgt_spans[0], 1)
                src.skips = params.skip - params.skip_weight * np.diff(best_x)
                tgt.skips = params.skip - params.skip_weight * np.diff(best_y)
            beads = params.beads
            if extra is not None:
                extra.prepare(lo, hi)
        else:  # coarse levels hold single pooled rows: 1-1, 1-0 and 0-1 only
            src, tgt = _Side.build(xs[None], xl, xp), _Side.build(ys[None], yl, yp)
            beads = COARSE_BEADS
        on_row = None if on_step is None else \
            (lambda rows, before=rows_before: on_step(before + rows, total_rows))
        path = _run_dp(src, tgt, lo, hi, beads, params, len_mu, on_row, extra if depth == 0 else None, share)
        rows_before += ln + 1
    return [Bead(tuple(range(i0, i0 + a)), tuple(range(j0, j0 + b)), confidence(sim) if a and b else None)
            for i0, a, j0, b, sim in path]


# Logistic fit of P(bead is right | centred cosine) on Russian-English pseudo-documents
# (benchmarks/quality.py --calibrate prints it); Text+Berg reliability is in BENCHMARKS.md.
CALIBRATION = (8.76, 0.246)


def confidence(similarity: float, calibration: tuple[float, float] = CALIBRATION) -> float:
    """A bead's probability of being right, from its centred cosine similarity."""
    slope, midpoint = calibration
    return 1.0 / (1.0 + math.exp(-slope * (similarity - midpoint)))


def similarity(confidence_value: float, calibration: tuple[float, float] = CALIBRATION) -> float:
    """The inverse of `confidence`: the centred cosine a bead was scored with."""
    slope, midpoint = calibration
    p = min(max(confidence_value, 1e-12), 1 - 1e-12)
    return midpoint - math.log(1 / p - 1) / slope
