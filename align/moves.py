"""Moved-block repair: sentences that sit apart from the rest of their translation.

In scanned yearbooks a caption or a sidebar sits at a different place in the
two languages and often interrupts a sentence: its first half comes before the
inserted block, its second half after it. The monotone search cannot give
such a sentence one bead (its halves are not neighbours) nor pair the block
with its translation elsewhere; it leaves pieces unaligned or glues them to
the wrong neighbour.

This pass moves one sentence at a time from its bead (or from being left out)
into another bead within `window` sentences on its side, when the centred
cosines of the two beads touched rise together by more than `margin`:

    gain = cos(target + s) - cos(target) + cos(source - s) - cos(source)

where a bead with an empty side counts 0. A sentence leaves its bead only
from either end of its side, so the bead it leaves keeps its shape; the bead
it joins may get a gap (the two halves of an interrupted sentence) or a
sentence from a block placed elsewhere. Moves into the next bead that keep it
contiguous are left to the search and the attach pass. The best moves that
touch different beads are made each round, for a few rounds, so a block can
move sentence by sentence. Every candidate lies within the window: the pass
is linear in document length.

Sets of sentences with a gap are embedded as the weighted mean of their runs
(confidence.set_embedding); a run without gap uses its span row as the search did.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from tmforge.align.beads import Bead
from tmforge.align.confidence import runs, set_embedding
from tmforge.align.search import centered

Confidence = Callable[[float], float]


class SideVectors:
    """Centred unit embeddings of sets of one side's sentences, each computed once."""

    def __init__(self, spans: np.ndarray, centre: np.ndarray, lengths):
        self.spans, self.centre = spans, centre
        self.lengths = np.asarray(lengths, dtype=np.float64)
        self.known: dict[tuple[int, ...], np.ndarray] = {}
        self.singles = centered(spans[0], centre)

    def __call__(self, indices: tuple[int, ...]) -> np.ndarray:
        vec = self.known.get(indices)
        if vec is None:
            vec = self.known[indices] = centered(set_embedding(self.spans, indices, self.lengths), self.centre)
        return vec


def move_repair(beads: list[Bead], src_vec: SideVectors, tgt_vec: SideVectors, confidence: Confidence,
                margin: float, window: int, max_span: int, weak: float = 1.0, pairs: bool = True,
                rounds: int = 4) -> list[Bead]:
    """The beads with sentences moved as the module says; `*_vec(indices)` embeds a set of sentences
    (centred, unit length), `max_span` bounds a bead's side, `weak` the centred cosine below which a bead
    may give a sentence away (a one-sided bead always may), `pairs` whether a block's sentences may also
    pair up as new beads, `rounds` the passes over the document."""
    state = _State(beads, src_vec, tgt_vec)
    for _ in range(rounds if pairs else 0):     # first the moved blocks pair up, a sentence a round
        if not state.pair_round(margin, window, weak):
            break
    for _ in range(rounds):                     # then what they interrupted joins up
        if not state.round(margin, window, max_span, weak):
            break
    return state.result(confidence)


class _State:
    def __init__(self, beads: list[Bead], src_vec, tgt_vec):
        self.sides = ([list(b.src) for b in beads], [list(b.tgt) for b in beads])
        self.vec = (src_vec, tgt_vec)
        self.cos_known: dict[tuple[tuple[int, ...], tuple[int, ...]], float] = {}
        self.scores = [b.score for b in beads]
        self.changed: set[int] = set()

    def cos(self, src: list[int] | tuple[int, ...], tgt: list[int] | tuple[int, ...]) -> float:
        if not src or not tgt:
            return 0.0
        key = (tuple(sorted(src)), tuple(sorted(tgt)))
        value = self.cos_known.get(key)
        if value is None:
            value = float(self.vec[0](key[0]) @ self.vec[1](key[1]))
            self.cos_known[key] = value
        return value

    def _owners(self, side: int) -> dict[int, int]:
        return {i: k for k, idx in enumerate(self.sides[side]) for i in idx}

    def _bead(self, k: int) -> tuple[list[int], list[int]]:
        return self.sides[0][k], self.sides[1][k]

    def round(self, margin: float, window: int, max_span: int, weak: float) -> bool:
        moves = []
        for side in (0, 1):
            owner = self._owners(side)
            for k, idx in enumerate(self.sides[side]):
                if not idx or not self._weak(k, weak):
                    continue
                for s in sorted({min(idx), max(idx)}):
                    moves += self._candidates(side, k, s, owner, margin, window, max_span, weak)
        moves.sort(key=lambda m: -m[0])
        touched: set[int] = set()
        for gain, side, k, z, s in moves:
            if k in touched or z in touched:
                continue
            touched.update((k, z))
            self.sides[side][k].remove(s)
            self.sides[side][z].append(s)
            self.sides[side][z].sort()
            self.changed.update((k, z))
        self._rebuild({})
        return bool(touched)

    def _weak(self, k: int, weak: float) -> bool:
        """Whether bead k may give a sentence away: one-sided, or of centred cosine below `weak`."""
        src, tgt = self._bead(k)
        return not (src and tgt) or self.cos(src, tgt) < weak

    def _nearest(self, side: int, i: int, k: int, window: int) -> tuple[int, float]:
        """The other side's sentence in the beads within `window` of bead k that best matches sentence i
        of `side`, and its cosine (-2 when there is none)."""
        beads = len(self.sides[0])
        others = np.array([j for z in range(max(0, k - window), min(beads, k + window + 1))
                           for j in self.sides[1 - side][z]], dtype=np.int64)
        if not others.size:
            return -1, -2.0
        sims = self.vec[1 - side].singles[others] @ self.vec[side].singles[i]
        best = int(np.argmax(sims))
        return int(others[best]), float(sims[best])

    def pair_round(self, margin: float, window: int, weak: float) -> bool:
        """A source and a target sentence that are each other's best match among the sentences of the beads
        within `window` beads, in weak or one-sided beads at least two beads apart (neighbours cross in
        align/repair.py), leave their beads for a new 1-1 bead when the cosines rise together by more than
        `margin`."""
        owner_t = self._owners(1)
        beads = len(self.sides[0])
        moves = []
        for k in range(beads):
            if not self._weak(k, weak):
                continue
            for i in self.sides[0][k]:
                j, cos = self._nearest(0, i, k, window)
                z = owner_t.get(j, k)
                if abs(z - k) < 2 or not self._weak(z, weak) or self._nearest(1, j, z, window)[0] != i:
                    continue
                xs, xt = self._bead(k)
                ys, yt = self._bead(z)
                if not xt and not ys:     # two sentences left out pair up in align/repair.py, on its margin
                    continue
                rest_x, rest_y = [a for a in xs if a != i], [b for b in yt if b != j]
                if len(runs(rest_x)) > 2 or len(runs(rest_y)) > 2:
                    continue
                gain = cos + self.cos(rest_x, xt) - self.cos(xs, xt) + self.cos(ys, rest_y) - self.cos(ys, yt)
                if gain > margin:
                    moves.append((gain, i, j, k, z))
        moves.sort(key=lambda m: -m[0])
        touched: set[int] = set()
        new_after: dict[int, tuple[int, int]] = {}
        for gain, i, j, k, z in moves:
            if k in touched or z in touched:
                continue
            touched.update((k, z))
            self.sides[0][k].remove(i)
            self.sides[1][z].remove(j)
            new_after[k] = (i, j)
        self.changed.update(touched)
        self._rebuild(new_after)
        return bool(touched)

    def _rebuild(self, new_after: dict[int, tuple[int, int]]) -> None:
        """Beads emptied by moves go; each new 1-1 bead goes right after the bead its source sentence left
        (document order), so bead distances stay what they say."""
        sides: tuple[list, list] = ([], [])
        scores: list = []
        changed: set[int] = set()
        for k in range(len(self.sides[0])):
            rows = [(self.sides[0][k], self.sides[1][k], self.scores[k], k in self.changed)]
            if k in new_after:
                rows.append(([new_after[k][0]], [new_after[k][1]], None, True))
            for src, tgt, score, was_changed in rows:
                if not src and not tgt:
                    continue
                if was_changed:
                    changed.add(len(scores))
                sides[0].append(src)
                sides[1].append(tgt)
                scores.append(score)
        self.sides, self.scores, self.changed = sides, scores, changed

    def _candidates(self, side: int, k: int, s: int, owner: dict[int, int], margin: float, window: int,
                    max_span: int, weak: float) -> list[tuple[float, int, int, int, int]]:
        src, tgt = self._bead(k)
        rest = [i for i in self.sides[side][k] if i != s]
        left = (rest, tgt) if side == 0 else (src, rest)
        loss = self.cos(src, tgt) - self.cos(*left)
        out = []
        for z in sorted({owner[i] for i in range(s - window, s + window + 1) if i in owner} - {k}):
            zs, zt = self._bead(z)
            joined = sorted(self.sides[side][z] + [s])
            # a weak bead gives, a strong one takes: joined to a weak bead, a stray sentence's noise can pass
            # for evidence (Tatoeba: an unrelated sentence joined a true pair of cosine 0.12)
            other = zt if side == 0 else zs
            if self._weak(z, weak) or len(joined) > max_span or len(runs(joined)) > 2:
                continue
            if len(runs(joined)) > 1 and len(runs(other)) > 1:   # a gap on both sides: two beads glued
                continue
            if abs(z - k) == 1 and len(runs(joined)) == 1:    # the search's and the attach pass's own move
                continue
            new = (joined, zt) if side == 0 else (zs, joined)
            gain = self.cos(*new) - self.cos(zs, zt) - loss
            if gain > margin:
                out.append((gain, side, k, z, s))
        return out

    def result(self, confidence: Confidence) -> list[Bead]:
        out: list[Bead] = []
        for k, (src, tgt) in enumerate(zip(*self.sides)):
            if k not in self.changed:
                out.append(Bead(tuple(src), tuple(tgt), self.scores[k]))
            elif src and tgt:
                out.append(Bead(tuple(src), tuple(tgt), confidence(self.cos(src, tgt))))
            else:        # a side left alone: each of its sentences is left out, as the search writes it
                out += [Bead((i,), ()) for i in src] + [Bead((), (j,)) for j in tgt]
        return out
