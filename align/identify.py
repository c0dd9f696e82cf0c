"""Which of the encoder's languages a text is in.

Russian and English keep their tuned detector (align/detect.py: 0 errors on
the Tatoeba and WMT22 lines where plain lingua makes 1-4 %). What it calls
"other" (or "neutral", which is what a script it does not read, Chinese or
Arabic, looks like to it) goes to lingua, restricted to the languages of the
bundled encoder plus their close neighbours: a neighbour can only win to say
"other" (a Czech text is not Polish, a Ukrainian one not Russian), never
becomes a language tmforge aligns. A guess lingua is not sure of is "other"
too, so a flag is contradicted only by a clear detection.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from tmforge.align.detect import detect_language
from tmforge.align.languages import ENCODER_LANGUAGES

# Languages lingua confuses with the encoder's (same script, related or
# neighbouring): they exist here only so that a text in them is "other".
RIVALS = ("CATALAN", "GALICIAN", "ROMANIAN", "CZECH", "SLOVAK", "SLOVENE", "CROATIAN", "BOSNIAN", "DANISH",
          "SWEDISH", "BOKMAL", "AFRIKAANS", "AZERBAIJANI", "INDONESIAN", "PERSIAN", "URDU", "UKRAINIAN",
          "BELARUSIAN", "BULGARIAN", "MACEDONIAN", "SERBIAN", "KAZAKH", "MONGOLIAN", "VIETNAMESE")
MIN_CONFIDENCE = 0.6   # lingua's share for its best language below this: no clear detection
# A translation is said to be still in its source language only on near-certainty and enough letters:
# translated sentences full of source-language names ("la face nordest de la Kingspitz") must stay.
SOURCE_LANGUAGE_CONFIDENCE = 0.99
SOURCE_LANGUAGE_MIN_LETTERS = 20


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    own = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in ENCODER_LANGUAGES]
    rivals = [getattr(Language, name) for name in RIVALS if hasattr(Language, name)]
    return LanguageDetectorBuilder.from_languages(*own, *rivals).build()


def lingua_language(text: str) -> str:
    """The encoder language lingua clearly finds in `text`, else "other"."""
    values = _detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return "other"
    code = values[0].language.iso_code_639_1.name.lower()
    return code if code in ENCODER_LANGUAGES else "other"


@lru_cache(maxsize=8)
def _pair_detector(first: str, second: str):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in (first, second)]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def in_source_language(text: str, src_lang: str, tgt_lang: str) -> bool:
    """Whether a target meant to be in `tgt_lang` is, near certainly, still in `src_lang`.

    Asked of the two languages only (what else the target could be does not matter here), which loads
    two of lingua's models instead of every language's.
    """
    if sum(ch.isalpha() for ch in text) < SOURCE_LANGUAGE_MIN_LETTERS:
        return False
    values = _pair_detector(src_lang, tgt_lang).compute_language_confidence_values(text)
    return bool(values) and values[0].language.iso_code_639_1.name.lower() == src_lang \
        and values[0].value >= SOURCE_LANGUAGE_CONFIDENCE


def identify_language(text: str) -> str:
    """One of the encoder's languages, "other" (another language, or unclear) or "neutral" (no letters)."""
    label = detect_language(text)
    if label in ("ru", "en"):
        return label
    if label == "neutral" and not any(ch.isalpha() for ch in text):
        return "neutral"
    if label == "neutral" or _latin_or_other(text):
        return lingua_language(text)
    return "other"   # Cyrillic that is not Russian: the encoder knows no other Cyrillic language


def _latin_or_other(text: str) -> bool:
    """Whether the letters are mostly not Cyrillic (Russian's neighbours were already told apart)."""
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    return cyrillic * 2 < len(letters)


def language_share(paragraphs: Sequence[str], lang: str) -> float:
    """The share of the letters of `paragraphs` that are in paragraphs identified as `lang`.

    Judged paragraph by paragraph: a half-translated file is made of whole
    paragraphs in each language, which one detection of the whole text hides.
    """
    total = inside = 0
    for text in paragraphs:
        letters = sum(ch.isalpha() for ch in text)
        total += letters
        if letters and identify_language(text) == lang:
            inside += letters
    return inside / total if total else 0.0
