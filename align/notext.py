"""Beads with nothing to translate: a side without a single letter.

Tables in real documentation pair numbers with numbers, `+` with `+`,
bullets and dashes with each other; a CAT tool carries such text over by
itself, and in a memory these units only add noise to match statistics
(and a sign paired with a word, "Да" with "+", is no translation at all).
The pipeline marks them (`Alignment.no_text`) and `to_memory` leaves them out
unless asked (`--keep-no-text`), as it does untranslated targets.
"""

from __future__ import annotations

from tmforge.types import Alignment


def has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def no_text_beads(alignment: Alignment) -> list[int]:
    """Indices of the beads with two sides of which one (or both) has no letter."""
    return [k for k, (source, target, bead) in enumerate(alignment.pairs())
            if bead.src and bead.tgt and not (has_letter(source) and has_letter(target))]
