"""Length-only sentence alignment (Gale & Church, 1993), the floor embeddings must beat.

Each bead's cost is -log P(bead type) - log P(length difference), with the
difference in characters modelled as a normal variable whose variance grows
with length. Kept as a baseline for benchmarks; the DP runs in a band around
the diagonal, so it is linear in length too.
"""

from __future__ import annotations

import math

import numpy as np

from tmforge.align.beads import Bead

# Bead-type priors and length variance from the 1993 paper.
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2, (1, 2): 0.089 / 2,
          (2, 2): 0.011}
VARIANCE = 6.8


def _length_cost(src_len: float, tgt_len: float, ratio: float) -> float:
    if src_len == 0 and tgt_len == 0:
        return 0.0
    mean = (src_len + tgt_len / ratio) / 2
    delta = (ratio * src_len - tgt_len) / math.sqrt(VARIANCE * mean * ratio) if mean else 0.0
    tail = math.erfc(abs(delta) / math.sqrt(2))  # 2 * (1 - Phi(|delta|))
    return -math.log(max(tail, 1e-300))


def gale_church(src_lengths, tgt_lengths, band: int = 60) -> list[Bead]:
    """Align by character lengths alone; `band` bounds |i*m/n - j| for linear time."""
    n, m = len(src_lengths), len(tgt_lengths)
    ratio = (sum(tgt_lengths) + 1) / (sum(src_lengths) + 1)
    cost = np.full((n + 1, m + 1), np.inf)
    back: dict[tuple[int, int], tuple[int, int]] = {}
    cost[0, 0] = 0.0
    width = max(band, abs(n - m) + 4)
    for i in range(n + 1):
        centre = i * m / n if n else 0
        for j in range(max(0, int(centre) - width), min(m, int(centre) + width) + 1):
            for (a, b), prior in PRIORS.items():
                if i < a or j < b or not math.isfinite(cost[i - a, j - b]):
                    continue
                c = cost[i - a, j - b] - math.log(prior) + _length_cost(
                    sum(src_lengths[i - a:i]), sum(tgt_lengths[j - b:j]), ratio)
                if c < cost[i, j]:
                    cost[i, j] = c
                    back[(i, j)] = (a, b)
    beads, i, j = [], n, m
    while i or j:
        a, b = back[(i, j)]
        beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    return beads[::-1]
