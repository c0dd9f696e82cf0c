"""Beads whose target was never translated: in the source language, or a copy of the source.

Real localisation repositories leave source paragraphs in the translated
files; aligned to their own original they score as perfect translations.
They do not belong in a memory, so the pipeline marks them
(`Alignment.untranslated`) and `to_memory` leaves them out unless asked.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from tmforge.types import Alignment

_PUNCT_OR_SPACE = re.compile(r"[\W_]+")


def _comparable(text: str) -> str:
    return _PUNCT_OR_SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def copies_source(source: str, target: str) -> bool:
    """The target repeats the source (ignoring case, punctuation and spacing) and has letters to translate."""
    return any(ch.isalpha() for ch in target) and _comparable(source) == _comparable(target)


def untranslated_beads(alignment: Alignment, detect: Callable[[str], str] | None = None) -> list[int]:
    """Indices of the beads with two sides whose target is in the source language or copies the source."""
    if detect is None:
        from tmforge.align.detect import detect_language as detect
    if alignment.src_lang == alignment.tgt_lang:
        return []
    out = []
    for k, (source, target, bead) in enumerate(alignment.pairs()):
        if bead.src and bead.tgt and (copies_source(source, target) or detect(target) == alignment.src_lang):
            out.append(k)
    return out
