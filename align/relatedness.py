"""Are two documents translations of each other at all?

Aligning an "about" page with a price list still yields beads: the search
pairs every sentence with its least bad partner. Their confidences
(align/confidence.py, meaningful at any length) tell: in a real translation
most sentences find a confident counterpart, even where paragraphs were left
untranslated or added; in two unrelated documents almost none does. The
threshold comes from benchmarks/trust.py (real help pages paired right and
paired with a neighbouring page of the same product, whose topic and terms
they share).
"""

from __future__ import annotations

from dataclasses import dataclass

from tmforge.errors import TmforgeError
from tmforge.types import Bead

CONFIDENT = 0.5          # a bead at least this confident is a found counterpart
MIN_RELATED_SHARE = 0.3  # below this share of sentences in confident beads, the documents are unrelated


@dataclass(frozen=True)
class Relatedness:
    share: float       # sentences of both sides in confident beads, over all sentences
    sentences: int

    @property
    def related(self) -> bool:
        return self.sentences == 0 or self.share >= MIN_RELATED_SHARE


def relatedness(beads: list[Bead]) -> Relatedness:
    total = sum(len(b.src) + len(b.tgt) for b in beads)
    found = sum(len(b.src) + len(b.tgt) for b in beads
                if b.src and b.tgt and b.score is not None and b.score >= CONFIDENT)
    return Relatedness(found / total if total else 0.0, total)


class UnrelatedDocuments(TmforgeError):
    """The two files of a pair do not translate each other."""


def check_related(beads: list[Bead], src_name: str, tgt_name: str) -> Relatedness:
    """Raise UnrelatedDocuments unless the beads show the documents translate each other."""
    found = relatedness(beads)
    if not found.related:
        raise UnrelatedDocuments(
            f"{src_name} and {tgt_name} do not look like translations of each other: only "
            f"{found.share:.0%} of their sentences found a confident counterpart (translations have over "
            f"{MIN_RELATED_SHARE:.0%}); check the pair, or pass --force-pair to align them anyway")
    return found
