"""Subtitle timing as alignment evidence: cues that overlap in time translate each other.

Two subtitle files of one video show a line and its translation at the same
moment, so the overlap of a candidate bead's time spans (intersection over
union of [first start, last end] on each side) is strong evidence, and the
one that finds a cue split in two on the other side (a 1-2 bead: the union
of the two halves covers the cue, either half alone only half of it).

The two files' clocks may differ (another release: shifted, or another frame
rate), so the target's times are first mapped onto the source's by a line
fitted to the midpoints of the first pass's confident 1-1 beads; when too few
beads agree on one line, timing is not used at all rather than misused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from tmforge.types import Bead, Paragraph

_STAMP = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})")
MIN_PAIRS = 5             # confident 1-1 beads needed to trust a fitted clock
MAX_RESIDUAL_MS = 1500.0  # median distance of those beads from the fitted line above which timing is ignored
FIT_CONFIDENCE = 0.8      # first-pass beads at least this confident fit the clock


def millis(stamp: str) -> int | None:
    """Milliseconds of an SRT (00:01:02,500) or WebVTT (00:01:02.500, 01:02.500) timestamp."""
    match = _STAMP.fullmatch(stamp.strip())
    if not match:
        return None
    hours, minutes, seconds, ms = match.groups()
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(ms.ljust(3, "0"))


def cue_times(paragraphs: Sequence[Paragraph]) -> np.ndarray | None:
    """(n, 2) start/end milliseconds of subtitle cues, or None when any paragraph has no timing."""
    times = []
    for p in paragraphs:
        start = millis(p.props["start"]) if p.props and "start" in p.props else None
        end = millis(p.props["end"]) if p.props and "end" in p.props else None
        if start is None or end is None:
            return None
        times.append((start, max(end, start)))
    return np.asarray(times, dtype=np.float64).reshape(-1, 2)


def fit_clock(beads: Sequence[Bead], src: np.ndarray, tgt: np.ndarray,
              min_confidence: float = FIT_CONFIDENCE) -> tuple[float, float] | None:
    """(scale, shift) mapping target times onto source times, fitted to confident 1-1 beads; None if unsure.

    A least-squares line, refitted once without the beads more than 2 s off
    it (a wrong first-pass bead must not bend the clock).
    """
    pairs = [(b.src[0], b.tgt[0]) for b in beads
             if len(b.src) == 1 and len(b.tgt) == 1 and b.score is not None and b.score >= min_confidence]
    if len(pairs) < MIN_PAIRS:
        return None
    i, j = np.array(pairs).T
    x, y = tgt[j].mean(axis=1), src[i].mean(axis=1)
    keep = np.ones(len(x), dtype=bool)
    for _ in range(2):
        if keep.sum() < MIN_PAIRS or np.ptp(x[keep]) == 0:
            return None
        scale, shift = np.polyfit(x[keep], y[keep], 1)
        residual = np.abs(scale * x + shift - y)
        keep = residual <= 2000.0
    if not 0.8 <= scale <= 1.25 or np.median(residual[keep]) > MAX_RESIDUAL_MS:
        return None          # no frame-rate change is that large: the beads do not agree on a clock
    return float(scale), float(shift)


@dataclass
class TimeScorer:
    """Adds weight * (overlap - offset) to every candidate bead (the search's `extra`)."""

    src: np.ndarray      # (n, 2) source cue times
    tgt: np.ndarray      # (m, 2) target cue times, on the source's clock
    weight: float
    offset: float

    def prepare(self, lo, hi) -> None:
        """Nothing to precompute: overlaps are cheap to take per candidate."""

    def __call__(self, a: int, b: int, i0: int, starts: np.ndarray) -> np.ndarray:
        s_start, s_end = self.src[i0, 0], self.src[i0 + a - 1, 1]
        t_start, t_end = self.tgt[starts, 0], self.tgt[starts + b - 1, 1]
        inter = np.maximum(0.0, np.minimum(s_end, t_end) - np.maximum(s_start, t_start))
        union = np.maximum(s_end, t_end) - np.minimum(s_start, t_start)
        overlap = np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)
        return self.weight * (overlap - self.offset)


def mapped(tgt: np.ndarray, clock: tuple[float, float]) -> np.ndarray:
    scale, shift = clock
    return tgt * scale + shift


@dataclass
class Combined:
    """Several `extra` scorers as one: prepared together, their gains summed."""

    scorers: tuple

    def prepare(self, lo, hi) -> None:
        for scorer in self.scorers:
            scorer.prepare(lo, hi)

    def __call__(self, a, b, i0, starts):
        return sum(scorer(a, b, i0, starts) for scorer in self.scorers)
