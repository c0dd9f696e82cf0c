"""Build pseudo-documents with known many-to-many gold alignments from parallel sentences.

`make_documents` takes sentence-aligned parallel lines (line i translates line
i) and groups them into documents of random length, then, with a fixed seed,
rewrites some neighbourhoods so that the gold holds every bead type a real
translation has:

- 2-1 / 1-2: two neighbouring sentences joined into one on one side;
- 2-2: three neighbouring pairs a, b, c become [a, b+c] on one side and
  [a+b, c] on the other (no smaller bead is correct);
- 1-0 / 0-1: a sentence deleted from one side (its translation is left alone).

Any other parallel set (e.g. WMT segments) can be turned into an alignment
benchmark the same way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tmforge.align.beads import Bead


@dataclass
class PseudoDocument:
    src: list[str]
    tgt: list[str]
    gold: list[Bead]


def _join(a: str, b: str) -> str:
    return f"{a.strip()} {b.strip()}"


def make_documents(src_lines: list[str], tgt_lines: list[str], seed: int = 0, min_len: int = 20,
                   max_len: int = 60, p_merge: float = 0.08, p_cross: float = 0.03,
                   p_delete: float = 0.04) -> list[PseudoDocument]:
    """Group parallel lines into pseudo-documents with seeded merges and deletions (see module doc)."""
    if len(src_lines) != len(tgt_lines):
        raise ValueError("parallel inputs must have the same number of lines")
    rng = random.Random(seed)
    docs, start = [], 0
    while start < len(src_lines):
        size = rng.randint(min_len, max_len)
        docs.append(_one_document(src_lines[start:start + size], tgt_lines[start:start + size], rng,
                                  p_merge, p_cross, p_delete))
        start += size
    return docs


def _one_document(src_in: list[str], tgt_in: list[str], rng: random.Random,
                  p_merge: float, p_cross: float, p_delete: float) -> PseudoDocument:
    src: list[str] = []
    tgt: list[str] = []
    gold: list[Bead] = []

    def emit(src_texts: list[str], tgt_texts: list[str]) -> None:
        s = tuple(range(len(src), len(src) + len(src_texts)))
        t = tuple(range(len(tgt), len(tgt) + len(tgt_texts)))
        src.extend(src_texts)
        tgt.extend(tgt_texts)
        gold.append(Bead(s, t))

    k = 0
    while k < len(src_in):
        roll = rng.random()
        left = len(src_in) - k
        if roll < p_cross and left >= 3:
            a, b, c = range(k, k + 3)
            if rng.random() < 0.5:
                emit([src_in[a], _join(src_in[b], src_in[c])], [_join(tgt_in[a], tgt_in[b]), tgt_in[c]])
            else:
                emit([_join(src_in[a], src_in[b]), src_in[c]], [tgt_in[a], _join(tgt_in[b], tgt_in[c])])
            k += 3
        elif roll < p_cross + p_merge and left >= 2:
            if rng.random() < 0.5:  # one source sentence translated by two target sentences
                emit([_join(src_in[k], src_in[k + 1])], [tgt_in[k], tgt_in[k + 1]])
            else:
                emit([src_in[k], src_in[k + 1]], [_join(tgt_in[k], tgt_in[k + 1])])
            k += 2
        elif roll < p_cross + p_merge + p_delete:
            emit([src_in[k]], []) if rng.random() < 0.5 else emit([], [tgt_in[k]])
            k += 1
        else:
            emit([src_in[k]], [tgt_in[k]])
            k += 1
    return PseudoDocument(src, tgt, gold)
