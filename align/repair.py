"""A repair pass over a monotone alignment: local crossings the search cannot produce.

The search returns a monotone path, but translators reorder: two neighbouring
sentences swap, or a sentence moves a few places and the search leaves it and
its translation unaligned on both sides. This pass scores such local moves
with the same evidence as the search (centred cosine, plus the lexical score
when a lexicon was learned) and makes them only when they score clearly higher:

- two neighbouring 1-1 beads cross when the crossed pairs beat the straight
  ones by `margin` together;
- a sentence left unaligned on one side pairs with one left unaligned on the
  other side within `window` beads when their pair scores `margin` above
  what leaving both out is worth (twice the skip value) and each is the
  other's best match among the sentences around it, best pairs first.

The result is no longer monotone; every output format allows that.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from tmforge.align.beads import Bead

PairScore = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (source indices, target indices) -> scores
Confidence = Callable[[float], float]


def cross_repair(beads: list[Bead], pair_score: PairScore, confidence: Confidence, margin: float,
                 skip: float, window: int = 6) -> list[Bead]:
    out = list(beads)
    _swap_neighbours(out, pair_score, confidence, margin)
    return _pair_skips(out, pair_score, confidence, margin, skip, window)


def _one_one(b: Bead) -> bool:
    return len(b.src) == 1 and len(b.tgt) == 1


def _swap_neighbours(beads: list[Bead], pair_score: PairScore, confidence: Confidence, margin: float) -> None:
    k = 0
    while k + 1 < len(beads):
        x, y = beads[k], beads[k + 1]
        if _one_one(x) and _one_one(y):
            i, j = x.src[0], x.tgt[0]
            i2, j2 = y.src[0], y.tgt[0]
            s = pair_score(np.array([i, i2, i, i2]), np.array([j, j2, j2, j]))
            if s[2] + s[3] > s[0] + s[1] + margin:
                beads[k] = Bead((i,), (j2,), confidence(float(s[2])))
                beads[k + 1] = Bead((i2,), (j,), confidence(float(s[3])))
                k += 2
                continue
        k += 1


def _pair_skips(beads: list[Bead], pair_score: PairScore, confidence: Confidence, margin: float,
                skip: float, window: int) -> list[Bead]:
    src_only = [k for k, b in enumerate(beads) if b.src and not b.tgt and len(b.src) == 1]
    tgt_only = [k for k, b in enumerate(beads) if b.tgt and not b.src and len(b.tgt) == 1]
    if not src_only or not tgt_only:
        return beads
    tgt_pos = np.array(tgt_only)
    # Each source-only bead against the target-only beads within `window` (sorted: two bisections).
    first = np.searchsorted(tgt_pos, np.array(src_only) - window, side="left")
    last = np.searchsorted(tgt_pos, np.array(src_only) + window, side="right")
    ks_a = np.repeat(np.array(src_only), last - first)
    kt_a = np.concatenate([tgt_pos[f:e] for f, e in zip(first, last)])
    if not ks_a.size:
        return beads
    scores = pair_score(np.array([beads[k].src[0] for k in ks_a]), np.array([beads[k].tgt[0] for k in kt_a]))
    n_src = 1 + max((max(b.src) for b in beads if b.src), default=-1)
    n_tgt = 1 + max((max(b.tgt) for b in beads if b.tgt), default=-1)
    used, merged = set(), {}
    for c in np.argsort(-scores, kind="stable"):
        if scores[c] < 2 * skip + margin:
            break
        ks, kt = int(ks_a[c]), int(kt_a[c])
        if ks in used or kt in used or not _mutual_best(beads[ks].src[0], beads[kt].tgt[0], scores[c],
                                                         pair_score, n_src, n_tgt, window):
            continue
        used.update((ks, kt))
        merged[ks] = Bead(beads[ks].src, beads[kt].tgt, confidence(float(scores[c])))
    return [merged.get(k, b) for k, b in enumerate(beads) if k not in used or k in merged]


def _mutual_best(i: int, j: int, score: float, pair_score: PairScore, n_src: int, n_tgt: int,
                 window: int) -> bool:
    """Whether i and j are each other's best match among the sentences within `window` of the other."""
    js = np.arange(max(0, j - window), min(n_tgt, j + window + 1))
    is_ = np.arange(max(0, i - window), min(n_src, i + window + 1))
    return bool(pair_score(np.full(js.size, i), js).max() <= score + 1e-9
                and pair_score(is_, np.full(is_.size, j)).max() <= score + 1e-9)


def attach_skips(beads: list[Bead], pair_cosine: Callable[[tuple[int, ...], tuple[int, ...]], float | None],
                 confidence: Confidence, margin: float) -> list[Bead]:
    """A sentence left out next to a bead joins it when the bead's cosine rises by more than `margin`.

    The search weighs a merge against leaving the sentence out with fixed values; here the evidence is the
    cosine itself: a heading or a fragment the gold keeps with its neighbour raises the bead's match, an
    unrelated line lowers it. Only contiguous runs result (the path stays monotone where it was);
    `pair_cosine(src, tgt)` is None for a bead too long to score.
    """
    out: list[Bead] = []
    carry: Bead | None = None
    for k, bead in enumerate(beads):
        if carry is not None:   # a left-out sentence chose this bead
            bead = _joined(bead, carry, pair_cosine, confidence) or bead
            carry = None
        if bead.src and bead.tgt:
            out.append(bead)
            continue
        base_left = out[-1] if out and out[-1].src and out[-1].tgt else None
        right = beads[k + 1] if k + 1 < len(beads) and beads[k + 1].src and beads[k + 1].tgt else None
        gains = [(_gain(x, bead, pair_cosine), side) for x, side in ((base_left, "left"), (right, "right"))
                 if x is not None]
        gains = [(g, side) for g, side in gains if g is not None and g > margin]
        if not gains:
            out.append(bead)
            continue
        side = max(gains)[1]
        if side == "left":
            out[-1] = _joined(out[-1], bead, pair_cosine, confidence)
        else:
            carry = bead
    return out


def _contiguous(idx: tuple[int, ...]) -> bool:
    return not idx or idx[-1] - idx[0] == len(idx) - 1


def _union(x: Bead, skip: Bead) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    src, tgt = tuple(sorted(x.src + skip.src)), tuple(sorted(x.tgt + skip.tgt))
    return (src, tgt) if _contiguous(src) and _contiguous(tgt) else None


def _gain(x: Bead, skip: Bead, pair_cosine) -> float | None:
    union = _union(x, skip)
    if union is None:
        return None
    joined, alone = pair_cosine(*union), pair_cosine(x.src, x.tgt)
    return None if joined is None or alone is None else joined - alone


def _joined(x: Bead, skip: Bead, pair_cosine, confidence: Confidence) -> Bead | None:
    union = _union(x, skip)
    if union is None:
        return None
    cos = pair_cosine(*union)
    return Bead(*union, None if cos is None else confidence(cos))
