"""Realign the rest: search again only between the beads a person fixed.

Confirmed and edited beads are fixed points. Between two of them lies a run
of automatic beads covering a contiguous stretch of each document; that
stretch is aligned again by the ordinary search (`tmforge.align.search`) on
the span embeddings cached in the project, so nothing is re-encoded and the
scoring is the aligner's own.

A long run is not searched whole: a fixed point changes the best path only
near it, so the search starts with a window of `window` beads at each end of
the run, bounded by the old path, and accepts it once the new path's last
`agree` beads coincide with the old ones (the two paths have rejoined);
otherwise the window doubles, up to the whole run. This keeps a realign
after one confirmation on a 10,000-sentence pair well under a second or two
instead of a full search. And a run that is just as the last realign left
it, between the same fixed beads, is not searched at all (`settled`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Container, Sequence

import numpy as np

from tmforge.align.editor.ops import FIXED, EditBead, Splice
from tmforge.align.search import DocumentContext, SearchParams, search

WINDOW = 32    # beads searched at each end of a long run first
AGREE = 4      # beads in which a windowed path must coincide with the old one


@dataclass
class Inputs:
    """What the search needs of each side: span embeddings (K, n, d), lengths and paragraph numbers."""

    src_spans: np.ndarray
    tgt_spans: np.ndarray
    src_lengths: np.ndarray
    tgt_lengths: np.ndarray
    src_paragraphs: np.ndarray
    tgt_paragraphs: np.ndarray
    params: SearchParams
    # The two languages' reference mean vectors (align/confidence.py), which the first alignment
    # blended into each side's centre; None where the encoder ships none.
    references: tuple[np.ndarray | None, np.ndarray | None] | None = None

    @cached_property
    def context(self) -> DocumentContext:
        """The whole document's centres, length ratio and reference share: every stretch is scored
        against them, as in the first alignment (a short stretch's own mean would say little)."""
        return DocumentContext.of(self.src_spans, self.tgt_spans, self.src_lengths, self.tgt_lengths,
                                  self.params, self.references)


def runs(beads: Sequence[EditBead]) -> list[tuple[int, int]]:
    """(first, stop) of every maximal run of beads no person fixed."""
    out, start = [], None
    for k, bead in enumerate(beads):
        if bead.status in FIXED:
            if start is not None:
                out.append((start, k))
                start = None
        elif start is None:
            start = k
    if start is not None:
        out.append((start, len(beads)))
    return out


def _search(inputs: Inputs, s0: int, s1: int, t0: int, t1: int) -> list[EditBead]:
    """The search on source sentences s0..s1-1 and target sentences t0..t1-1, as beads of the whole document."""
    found = search(inputs.src_spans[:, s0:s1], inputs.tgt_spans[:, t0:t1], inputs.src_lengths[s0:s1],
                   inputs.tgt_lengths[t0:t1], inputs.params, src_paragraphs=inputs.src_paragraphs[s0:s1],
                   tgt_paragraphs=inputs.tgt_paragraphs[t0:t1], context=inputs.context)
    return [EditBead(tuple(i + s0 for i in b.src), tuple(j + t0 for j in b.tgt), b.score) for b in found]


def _extent(beads: Sequence[EditBead], s0: int, t0: int) -> tuple[int, int]:
    """Sentences past the end of `beads`, which start at source s0 and target t0."""
    return s0 + sum(len(b.src) for b in beads), t0 + sum(len(b.tgt) for b in beads)


def _same(a: Sequence[EditBead], b: Sequence[EditBead]) -> bool:
    return len(a) == len(b) and all(x.src == y.src and x.tgt == y.tgt for x, y in zip(a, b))


def _realign_run(old: list[EditBead], s0: int, t0: int, inputs: Inputs, window: int, agree: int
                 ) -> list[EditBead]:
    s1, t1 = _extent(old, s0, t0)
    n = len(old)
    left = right = None
    w = window
    while 2 * w < n:  # the left end, bounded by the old path at bead w
        new = _search(inputs, s0, _extent(old[:w], s0, t0)[0], t0, _extent(old[:w], s0, t0)[1])
        if len(new) >= agree and _same(new[-agree:], old[w - agree:w]):
            left = (w, new)
            break
        w *= 2
    w = window
    while left is not None and left[0] + w <= n:  # the right end, bounded by the old path at bead n-w
        rs, rt = _extent(old[:n - w], s0, t0)
        new = _search(inputs, rs, s1, rt, t1)
        if len(new) >= agree and _same(new[:agree], old[n - w:n - w + agree]):
            right = (w, new)
            break
        w *= 2
    if left is None or right is None:
        return _search(inputs, s0, s1, t0, t1)
    return left[1] + old[left[0]:n - right[0]] + right[1]


def run_digests(beads: Sequence[EditBead]) -> set[str]:
    """A digest of every run with the fixed beads around it: a run whose digest is the same as right
    after the last realign would come out the same again, so it need not be searched."""
    return set(_digests_in_order(beads))


def _digests_in_order(beads: Sequence[EditBead]) -> list[str]:
    out = []
    for first, stop in runs(beads):
        around = [beads[first - 1] if first > 0 else None, beads[stop] if stop < len(beads) else None]
        key = [[list(b.src), list(b.tgt)] if b else None for b in around]
        key.append([[list(b.src), list(b.tgt)] for b in beads[first:stop]])
        out.append(hashlib.blake2b(json.dumps(key).encode(), digest_size=16).hexdigest())
    return out


def realign(beads: Sequence[EditBead], inputs: Inputs, window: int = WINDOW, agree: int = AGREE,
            settled: Container[str] = ()) -> list[Splice]:
    """Splices that realign every run of automatic beads; runs whose beads come out the same are left alone.

    `settled`: digests (run_digests) of the runs as the last realign left them; those are skipped.
    """
    splices = []
    if settled:
        digests = {run: digest for run, digest in zip(runs(beads), _digests_in_order(beads))}
    s0 = t0 = 0
    offsets = []
    for bead in beads:  # where each bead starts in each document
        offsets.append((s0, t0))
        s0, t0 = s0 + len(bead.src), t0 + len(bead.tgt)
    for first, stop in runs(beads):
        if settled and digests[(first, stop)] in settled:
            continue
        old = list(beads[first:stop])
        new = _realign_run(old, *offsets[first], inputs, window, agree)
        if _same(new, old):
            continue
        # Keep the old objects where the beads did not change, so the splice stays small and scores stay put.
        head = 0
        while head < min(len(old), len(new)) and _same(old[head:head + 1], new[head:head + 1]):
            head += 1
        tail = 0
        while tail < min(len(old), len(new)) - head and _same(old[len(old) - 1 - tail:len(old) - tail],
                                                             new[len(new) - 1 - tail:len(new) - tail]):
            tail += 1
        splices.append(Splice(first + head, tuple(old[head:len(old) - tail]), tuple(new[head:len(new) - tail])))
    # Later splices first, so the positions of earlier ones stay valid when applied in order.
    return sorted(splices, key=lambda s: -s.start)
