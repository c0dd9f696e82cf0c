"""Edit operations on a bead list, as pure functions returning splices.

Every operation replaces a contiguous run of beads with new ones (a
`Splice`), so one representation serves applying, saving, undoing (the
inverse splice) and redoing. No operation can lose, duplicate or reorder a
sentence: the concatenation of every bead's source indices stays 0..n-1, and
the same for the target (`check_partition`; the property test drives random
edit sequences through it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from tmforge.errors import TmforgeError

STATUSES = ("auto", "confirmed", "edited")  # auto: as the aligner left it
FIXED = ("confirmed", "edited")              # beads a realign keeps as they are
SIDES = ("src", "tgt")


class EditError(TmforgeError):
    """An edit that cannot apply (bead out of range, nothing to move ...); nothing was changed."""


@dataclass(frozen=True)
class EditBead:
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None = None   # the aligner's confidence; None once a person shaped the bead
    status: str = "auto"
    excluded: bool = False       # left out of the export
    changed: str | None = None   # TMX date of the last change by a person

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"

    def side(self, side: str) -> tuple[int, ...]:
        return self.src if side == "src" else self.tgt

    def with_side(self, side: str, indices: tuple[int, ...]) -> "EditBead":
        return replace(self, src=indices) if side == "src" else replace(self, tgt=indices)

    def to_json(self) -> list:
        return [list(self.src), list(self.tgt), self.score, self.status, self.excluded, self.changed]

    @classmethod
    def from_json(cls, row: Sequence) -> "EditBead":
        src, tgt, score, status, excluded, changed = row
        return cls(tuple(src), tuple(tgt), score, status, bool(excluded), changed)


@dataclass(frozen=True)
class Splice:
    """Beads start .. start+len(old) replaced by `new`."""

    start: int
    old: tuple[EditBead, ...]
    new: tuple[EditBead, ...]

    def inverse(self) -> "Splice":
        return Splice(self.start, self.new, self.old)

    def to_json(self) -> dict:
        return {"start": self.start, "old": [b.to_json() for b in self.old], "new": [b.to_json() for b in self.new]}

    @classmethod
    def from_json(cls, data: dict) -> "Splice":
        return cls(data["start"], tuple(map(EditBead.from_json, data["old"])),
                   tuple(map(EditBead.from_json, data["new"])))


def apply(beads: list[EditBead], splice: Splice) -> None:
    """Apply a splice in place; refuse one that does not fit the list it is applied to."""
    stop = splice.start + len(splice.old)
    if tuple(beads[splice.start:stop]) != splice.old:
        raise EditError("the edit no longer matches the alignment; reload the page")
    beads[splice.start:stop] = splice.new


def _bead(beads: Sequence[EditBead], k: int) -> EditBead:
    if not isinstance(k, int) or not 0 <= k < len(beads):
        raise EditError(f"no bead {k}: there are {len(beads)} beads (numbered from 0)")
    return beads[k]


def _side(side: str) -> str:
    if side not in SIDES:
        raise EditError(f"unknown side '{side}'; use src or tgt")
    return side


def _edited(bead: EditBead, when: str | None) -> EditBead:
    return replace(bead, score=None, status="edited", changed=when)


def merge(beads: Sequence[EditBead], k: int, when: str | None = None) -> Splice:
    """Bead k and bead k+1 become one."""
    a = _bead(beads, k)
    if k + 1 >= len(beads):
        raise EditError(f"bead {k} is the last one; there is nothing after it to merge with")
    b = beads[k + 1]
    merged = EditBead(a.src + b.src, a.tgt + b.tgt, None, "edited", a.excluded and b.excluded, when)
    return Splice(k, (a, b), (merged,))


def split(beads: Sequence[EditBead], k: int, src_cut: int, tgt_cut: int, when: str | None = None) -> Splice:
    """Bead k becomes (its first src_cut source and tgt_cut target sentences) and (the rest)."""
    bead = _bead(beads, k)
    if not (0 <= src_cut <= len(bead.src) and 0 <= tgt_cut <= len(bead.tgt)):
        raise EditError(f"bead {k} has {len(bead.src)} source and {len(bead.tgt)} target sentences; "
                        f"cannot cut at {src_cut}/{tgt_cut}")
    first = EditBead(bead.src[:src_cut], bead.tgt[:tgt_cut], None, "edited", bead.excluded, when)
    rest = EditBead(bead.src[src_cut:], bead.tgt[tgt_cut:], None, "edited", bead.excluded, when)
    if not (first.src or first.tgt) or not (rest.src or rest.tgt):
        raise EditError(f"splitting bead {k} at {src_cut}/{tgt_cut} would leave an empty bead")
    return Splice(k, (bead,), (first, rest))


def move(beads: Sequence[EditBead], k: int, side: str, direction: str, when: str | None = None) -> Splice:
    """Move one sentence of `side` across the boundary between bead k and bead k+1.

    direction "down": the last sentence of bead k goes to the start of bead k+1;
    "up": the first sentence of bead k+1 goes to the end of bead k. A bead
    left with no sentence disappears.
    """
    a, side = _bead(beads, k), _side(side)
    if k + 1 >= len(beads):
        raise EditError(f"bead {k} is the last one; there is no boundary after it")
    b = beads[k + 1]
    xs, ys = a.side(side), b.side(side)
    if direction == "down":
        if not xs:
            raise EditError(f"bead {k} has no {side} sentence to move down")
        xs, ys = xs[:-1], xs[-1:] + ys
    elif direction == "up":
        if not ys:
            raise EditError(f"bead {k + 1} has no {side} sentence to move up")
        xs, ys = xs + ys[:1], ys[1:]
    else:
        raise EditError(f"unknown direction '{direction}'; use up or down")
    new = tuple(_edited(x, when) for x in (a.with_side(side, xs), b.with_side(side, ys)) if x.src or x.tgt)
    return Splice(k, (a, b), new)


def detach(beads: Sequence[EditBead], k: int, side: str, position: int, when: str | None = None) -> Splice:
    """Mark one sentence unaligned: the first or last sentence of a side of bead k becomes a bead of its own."""
    bead, side = _bead(beads, k), _side(side)
    indices = bead.side(side)
    if not 0 <= position < len(indices):
        raise EditError(f"bead {k} has {len(indices)} {side} sentences; there is no sentence {position}")
    if position not in (0, len(indices) - 1):
        raise EditError("only the first or last sentence of a bead can be marked unaligned; split the bead first")
    if not bead.src or not bead.tgt:
        raise EditError(f"bead {k} is already unaligned")
    alone = _edited(EditBead((), ()).with_side(side, (indices[position],)), when)
    rest = _edited(bead.with_side(side, indices[1:] if position == 0 else indices[:-1]), when)
    return Splice(k, (bead,), (alone, rest) if position == 0 else (rest, alone))


def unalign(beads: Sequence[EditBead], k: int, when: str | None = None) -> Splice:
    """Every sentence of bead k becomes unaligned: source sentences first, then target ones."""
    bead = _bead(beads, k)
    if not bead.src or not bead.tgt:
        raise EditError(f"bead {k} is already unaligned")
    new = [_edited(EditBead((i,), ()), when) for i in bead.src] + \
          [_edited(EditBead((), (j,)), when) for j in bead.tgt]
    return Splice(k, (bead,), tuple(new))


def set_status(beads: Sequence[EditBead], k: int, status: str, when: str | None = None) -> Splice:
    bead = _bead(beads, k)
    if status not in STATUSES:
        raise EditError(f"unknown status '{status}'; use one of {', '.join(STATUSES)}")
    return Splice(k, (bead,), (replace(bead, status=status, changed=when if status != "auto" else None),))


def set_excluded(beads: Sequence[EditBead], k: int, excluded: bool, when: str | None = None) -> Splice:
    bead = _bead(beads, k)
    return Splice(k, (bead,), (replace(bead, excluded=bool(excluded), changed=when or bead.changed),))


def mark_edited(beads: Sequence[EditBead], k: int, when: str | None = None) -> Splice:
    """A bead whose text a person fixed: kept by realign, marked in the export (its score stays)."""
    bead = _bead(beads, k)
    status = bead.status if bead.status == "confirmed" else "edited"
    return Splice(k, (bead,), (replace(bead, status=status, changed=when),))


def check_partition(beads: Sequence[EditBead], n_src: int, n_tgt: int) -> None:
    """Every sentence of both sides appears exactly once, in order, and no bead is empty."""
    for k, bead in enumerate(beads):
        if not bead.src and not bead.tgt:
            raise EditError(f"bead {k} holds no sentence")
    for side, n in (("src", n_src), ("tgt", n_tgt)):
        seen = [i for b in beads for i in b.side(side)]
        if seen != list(range(n)):
            raise EditError(f"the {side} sentences of the beads are not 0..{n - 1} in order")
