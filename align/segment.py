"""Sentence segmentation, with the splitter chosen per language.

razdel handles Russian abbreviations and initials ("т. е.", "А. С. Пушкин")
best; pysbd handles English ones ("Jan.", "Fig.", "U.S.") that razdel splits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import re

import razdel

from align.io import Paragraph


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # index of the paragraph it came from


@lru_cache(maxsize=1)
def _english_segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


# razdel never ends a sentence on these abbreviations, but a Russian sentence often
# does: "... до 2025 г. Этот документ ...", "... СНГ и др. Это ...". A capital
# after them ends the sentence when enough words precede (a short lead-in such as
# "В 2024 г. Президент ..." is a date adverbial instead).
_ABBREV_END = re.compile(r"(?:\d\s*гг?\.|\sи\s+др\.|\sт\.\s?[дп]\.)\s+(?=[А-ЯЁ])")
_MIN_WORDS_BEFORE = 6


def _split_after_abbreviations(sentence: str) -> list[str]:
    parts, start = [], 0
    for match in _ABBREV_END.finditer(sentence):
        if len(sentence[start:match.start()].split()) >= _MIN_WORDS_BEFORE:
            parts.append(sentence[start:match.end()].strip())
            start = match.end()
    parts.append(sentence[start:].strip())
    return parts


def split_sentences(text: str, lang: str) -> list[str]:
    """Sentences of one paragraph, stripped, in order."""
    if lang == "en":
        parts = _english_segmenter().segment(text)
    else:
        parts = [p for s in razdel.sentenize(text) for p in _split_after_abbreviations(s.text)]
    return [s.strip() for s in parts if s.strip()]


def segment_paragraphs(paragraphs: Sequence[Paragraph], lang: str) -> list[Sentence]:
    return [Sentence(text, k) for k, p in enumerate(paragraphs) for text in split_sentences(p.text, lang)]
