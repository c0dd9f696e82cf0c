"""How sure a difference in F1 is: a paired bootstrap over the units two alignments disagree in.

Beads are not independent draws: where two alignments differ, one choice
(merge two sentences or not) changes several beads at once. So the gold and
both predictions are cut into units no bead crosses, the connected groups of
sentences that some bead of any of the three joins; a unit where all three
agree is a single bead. Resampling units with replacement (Koehn 2004's paired
bootstrap, with units in place of test sentences) gives each system's F1 and
the difference on the same draws, which is what tells a real gain from one
that a different test set would not repeat.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from typing import Sequence

import numpy as np

from tmforge.align.evaluate import Counts, _key, count
from tmforge.types import Bead

DEFAULT_SAMPLES = 10_000
_CHUNK = 500     # resamples summed at once: bounds memory at chunk x units x counts


Key = tuple[tuple[int, ...], tuple[int, ...]]   # a bead's sorted sides (evaluate._key)


def _units(alignments: Sequence[Sequence[Bead]]) -> dict[Key, int]:
    """Each distinct bead of `alignments` (empty ones aside) -> the number of its unit: beads that share a
    sentence, directly or through other beads, share a unit."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys = {_key(b) for a in alignments for b in a if b.src or b.tgt}
    for src, tgt in keys:
        nodes = [("s", i) for i in src] + [("t", j) for j in tgt]
        root = find(nodes[0])
        for node in nodes[1:]:
            parent[find(node)] = root
    numbers: dict[tuple[str, int], int] = {}
    return {key: numbers.setdefault(find(("s", key[0][0]) if key[0] else ("t", key[1][0])), len(numbers))
            for key in keys}


def unit_counts(gold: Sequence[Bead], predictions: Sequence[Sequence[Bead]]) -> np.ndarray:
    """(systems, units, 6) array: each prediction's evaluation counts in each unit of one document.

    Summed over units, a system's counts equal `count(prediction, gold)`.
    """
    unit_of = _units([gold, *predictions])
    n_units = len(set(unit_of.values()))

    def by_unit(beads: Sequence[Bead]) -> list[list[Bead]]:
        out: list[list[Bead]] = [[] for _ in range(n_units)]
        for b in beads:
            if b.src or b.tgt:
                out[unit_of[_key(b)]].append(b)
        return out

    gold_units = by_unit(gold)
    out = np.zeros((len(predictions), n_units, len(fields(Counts))), dtype=np.int64)
    for k, pred in enumerate(predictions):
        for u, pred_here in enumerate(by_unit(pred)):
            out[k, u] = astuple(count(pred_here, gold_units[u]))
    return out


@dataclass
class Bootstrap:
    """Strict and lax F1 of each system on the full set and on every resample: (systems,) and
    (systems, samples) arrays."""

    strict: np.ndarray
    lax: np.ndarray
    strict_samples: np.ndarray
    lax_samples: np.ndarray

    def interval(self, system: int, lax: bool = False, level: float = 0.95) -> tuple[float, float]:
        samples = (self.lax_samples if lax else self.strict_samples)[system]
        tail = (1 - level) / 2 * 100
        return float(np.percentile(samples, tail)), float(np.percentile(samples, 100 - tail))

    def difference(self, a: int, b: int, lax: bool = False, level: float = 0.95
                   ) -> tuple[float, float, float, float]:
        """F1 of system a less that of b: the observed difference, its interval, and the share of
        resamples in which a scores higher than b."""
        full, samples = (self.lax, self.lax_samples) if lax else (self.strict, self.strict_samples)
        diff = samples[a] - samples[b]
        tail = (1 - level) / 2 * 100
        return (float(full[a] - full[b]), float(np.percentile(diff, tail)), float(np.percentile(diff, 100 - tail)),
                float(np.mean(diff > 0)))


def _f1(counts: np.ndarray, lax: bool) -> np.ndarray:
    """F1 from counts (..., 6) in Counts field order, vectorised."""
    hits_p, hits_r = (counts[..., 1], counts[..., 4]) if lax else (counts[..., 0], counts[..., 3])
    p = hits_p / np.maximum(counts[..., 2], 1)
    r = hits_r / np.maximum(counts[..., 5], 1)
    return np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)


def paired_bootstrap(documents: Sequence[tuple[Sequence[Bead], Sequence[Sequence[Bead]]]],
                     samples: int = DEFAULT_SAMPLES, seed: int = 0) -> Bootstrap:
    """Resample the units of every (gold, [prediction, ...]) document, pooled, `samples` times."""
    per_doc = [unit_counts(gold, preds) for gold, preds in documents]
    systems = {c.shape[0] for c in per_doc}
    if len(systems) != 1:
        raise ValueError("every document needs the same number of predictions")
    counts = np.concatenate(per_doc, axis=1)          # (systems, units, 6)
    total = counts.sum(axis=1)
    n_units = counts.shape[1]
    rng = np.random.default_rng(seed)
    strict_samples = np.empty((counts.shape[0], samples))
    lax_samples = np.empty((counts.shape[0], samples))
    for start in range(0, samples, _CHUNK):
        size = min(_CHUNK, samples - start)
        # how often each unit is drawn in each resample: the same draws for every system (paired)
        weights = np.stack([np.bincount(rng.integers(0, n_units, n_units), minlength=n_units)
                            for _ in range(size)])
        sums = np.einsum("ru,suc->src", weights, counts)
        strict_samples[:, start:start + size] = _f1(sums, lax=False)
        lax_samples[:, start:start + size] = _f1(sums, lax=True)
    return Bootstrap(_f1(total, lax=False), _f1(total, lax=True), strict_samples, lax_samples)


def compare(pairs: Sequence[tuple[Sequence[Bead], Sequence[Bead]]], others: Sequence[Sequence[Bead]],
            samples: int = DEFAULT_SAMPLES) -> dict[str, dict[str, float]]:
    """F1 of the (prediction, gold) `pairs`' predictions less that of `others` (one per pair), strict and
    lax: the difference, its 95% interval and the share of resamples in which the predictions score higher."""
    boot = paired_bootstrap([(gold, [pred, other]) for (pred, gold), other in zip(pairs, others)], samples)
    out = {}
    for mode in ("strict", "lax"):
        diff, low, high, higher = boot.difference(0, 1, lax=mode == "lax")
        out[mode] = {"f1": round(diff, 4), "low": round(low, 4), "high": round(high, 4), "higher": round(higher, 4)}
    return out
