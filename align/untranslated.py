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
    if alignment.src_lang == alignment.tgt_lang:
        return []
    if detect is None:
        detect = _default_detector(alignment.src_lang, alignment.tgt_lang)
    out = []
    for k, (source, target, bead) in enumerate(alignment.pairs()):
        if bead.src and bead.tgt and (copies_source(source, target) or detect(target) == alignment.src_lang):
            out.append(k)
    return out


# detect_language reads Russian only in Cyrillic text and English only in Latin text.
_SCRIPT_OF = {"ru": "cyr", "en": "lat"}


def _default_detector(src_lang: str, tgt_lang: str | None = None) -> Callable[[str], str]:
    """What language a target is in, as far as "is it still the source language?" needs.

    A Russian or English source: detect_language, asked only of targets written in the source language's
    script (a target in another script cannot be in it, and this spares loading lingua's models, about
    7 CPU seconds for the Latin-script ones, on every English target without grammar words). Another
    source language: lingua restricted to the pair (align/identify.py), which says so only when near sure.
    """
    from tmforge.align.detect import detect_language, dominant_script
    from tmforge.align.languages import ENCODER_LANGUAGES

    script = _SCRIPT_OF.get(src_lang)
    if script is not None:
        return lambda text: detect_language(text) if dominant_script(text) == script else "other"
    if src_lang in ENCODER_LANGUAGES and tgt_lang in ENCODER_LANGUAGES:
        from tmforge.align.identify import in_source_language

        return lambda text: src_lang if in_source_language(text, src_lang, tgt_lang) else "other"
    return detect_language
