"""Strict and lax precision, recall and F1 of alignments against gold (Text+Berg rules).

Precision judges every predicted bead with a non-empty side against all gold
beads; recall judges every gold bead with both sides non-empty against the
predicted beads with both sides non-empty. A bead is strictly right if the
other alignment has exactly that bead, laxly right if it has a bead linking one
of its source sentences to one of its target sentences. Counts pool over files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from tmforge.align.beads import Bead


@dataclass
class Counts:
    strict_p: int = 0
    lax_p: int = 0
    n_pred: int = 0
    strict_r: int = 0
    lax_r: int = 0
    n_gold: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def _key(bead: Bead) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return tuple(sorted(bead.src)), tuple(sorted(bead.tgt))


def _links(beads: Iterable[Bead]) -> set[tuple[int, int]]:
    return {(s, t) for b in beads for s in b.src for t in b.tgt}


def _lax_hit(bead: Bead, links: set[tuple[int, int]]) -> bool:
    return any((s, t) in links for s in bead.src for t in bead.tgt)


def count(pred: Sequence[Bead], gold: Sequence[Bead]) -> Counts:
    c = Counts()
    gold_keys, gold_links = {_key(b) for b in gold}, _links(gold)
    for bead in pred:
        if not bead.src and not bead.tgt:
            continue
        c.n_pred += 1
        exact = _key(bead) in gold_keys
        c.strict_p += exact
        c.lax_p += exact or _lax_hit(bead, gold_links)
    pred_full = [b for b in pred if b.src and b.tgt]
    pred_keys, pred_links = {_key(b) for b in pred_full}, _links(pred_full)
    for bead in gold:
        if not (bead.src and bead.tgt):
            continue
        c.n_gold += 1
        exact = _key(bead) in pred_keys
        c.strict_r += exact
        c.lax_r += exact or _lax_hit(bead, pred_links)
    return c


def _prf(hits_p: int, n_p: int, hits_r: int, n_r: int) -> dict[str, float]:
    p = hits_p / n_p if n_p else 0.0
    r = hits_r / n_r if n_r else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def scores(c: Counts) -> dict[str, dict[str, float]]:
    return {"strict": _prf(c.strict_p, c.n_pred, c.strict_r, c.n_gold),
            "lax": _prf(c.lax_p, c.n_pred, c.lax_r, c.n_gold)}


def evaluate(pairs: Iterable[tuple[Sequence[Bead], Sequence[Bead]]]) -> dict[str, dict[str, float]]:
    """Pooled scores over (predicted, gold) alignments."""
    total = Counts()
    for pred, gold in pairs:
        total += count(pred, gold)
    return scores(total)
