"""Sentence segmentation: razdel plus abbreviation rules for Russian and English, sentencex for the rest.

razdel finds sentence ends well in both languages (quotes, dialogue dashes,
ellipses, decimals, initials such as "А. С. Пушкин" or "J. R. R. Tolkien"), but
it ends a sentence on an abbreviation followed by a capital or a digit ("Dr.
Smith", "Fig. 2", "5 дек. 2023") and never ends one on "г." or "и др.". The
passes below repair exactly those cases from per-language abbreviation lists;
measured against pysbd for English (benchmarks/segment.py) this is as accurate
and about 30 times faster.

The encoder's other languages (German, French, Spanish ...) take razdel's
boundaries too, but one after a short word or a number with a stop ("z. B.",
"am 3. Oktober", "M. Dupont") stands only where sentencex, a maintained
multilingual splitter with abbreviation and ordinal rules per language, also
ends a sentence. sentencex alone misses boundaries razdel finds (it never
splits inside quotes or brackets, and one stray bracket silences a
paragraph); benchmarks/segment.py measures razdel, sentencex and this
combination on German and French, the languages with gold sentences here.
"""

from __future__ import annotations

import re
from typing import Sequence

import razdel
import sentencex

from tmforge.types import Paragraph, Sentence


# Abbreviations that are always followed by what they qualify (a name, a place):
# a sentence never ends on them, so razdel's split after them is undone.
_TITLES = {
    "en": {"mr", "mrs", "ms", "messrs", "dr", "prof", "st", "mt", "ft", "sen", "gen", "rep", "gov",
           "lt", "col", "capt", "sgt", "cpl", "adm", "maj", "rev", "hon", "pres", "supt", "gens"},
    "ru": {"им", "ул", "пр", "просп", "пл", "пер", "наб", "обл", "проф", "акад", "доц", "св",
           "тов", "г-н", "г-жа", "ген", "кн"},
}
# Abbreviations that precede a number ("Fig. 2", "No. 5", "Jan. 2024", "табл. 3",
# "5 дек. 2023"): razdel's split between them and the number is undone.
_BEFORE_NUMBER = {
    "en": {"fig", "figs", "no", "nos", "vol", "vols", "p", "pp", "ch", "chap", "sec", "sect", "art",
           "eq", "eqs", "ref", "refs", "tab", "par", "para", "approx", "ca", "vs", "v", "op", "ed",
           "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "tel"},
    "ru": {"рис", "табл", "стр", "с", "гл", "п", "пп", "ст", "ч", "т", "вып", "разд", "прил", "см",
           "янв", "фев", "февр", "мар", "апр", "авг", "сен", "сент", "окт", "нояб", "дек", "тел",
           "ориг", "изд", "кв", "д", "корп"},
}
_LAST_WORD = re.compile(r"([^\W\d_](?:[^\W\d_]|-)*)\.$")

# razdel never ends a sentence on these abbreviations, but a Russian sentence often
# does: "... до 2025 г. Этот документ ...", "... СНГ и др. Это ...", "... высота 23 см.
# Нагрузка ..." (units after a number take no stop of their own in Russian, so a stop
# there ends the sentence). A capital after them ends the sentence when enough words
# precede (a short lead-in such as "В 2024 г. Президент ..." is a date adverbial instead).
_ABBREV_END = re.compile(r"(?:\d\s*(?:гг?|[смк]?м|к?г|мг|м?л|°\s?[СC]|тыс|млн|млрд|руб|коп)\."
                         r"|\sи\s+др\.|\sт\.\s?[дп]\.)\s+(?=[А-ЯЁ])")
_MIN_WORDS_BEFORE = 6
# A bullet inside a paragraph ("Требования: • первое • второе") starts a new item.
_BULLET = re.compile(r"\s+(?=[•◦▪●■►])")


# razdel reads a lone capital Latin letter with a stop as an initial ("J. Smith"), but after a word
# it often names an axis, a variable or a point ("размер сети по X. Параметр ...", "network size X.
# The parameter ..."): followed by a capitalised Russian word, or by an English word that begins
# sentences (not a surname), it ends one. After another initial ("J. R. R.") razdel's reading stays.
_LETTER_END = {
    "ru": re.compile(r"(?<=[а-яёa-z]\s[A-Z]\.)\s+(?=[А-ЯЁ][а-яё])"),
    "en": re.compile(r"(?<=[a-z]\s[A-Z]\.)\s+(?=(?:The|This|These|That|Those|It|Its|In|If|For|When|Then|To|Each"
                     r"|All|By|On|At|As|With|There|Here|You|We|See|Note|Use|Select|Click)\b)"),
}


def _split_after_letter(sentence: str, lang: str) -> list[str]:
    rule = _LETTER_END.get(lang)
    return rule.split(sentence) if rule else [sentence]


def _split_after_abbreviations(sentence: str) -> list[str]:
    parts, start = [], 0
    for match in _ABBREV_END.finditer(sentence):
        if len(sentence[start:match.start()].split()) >= _MIN_WORDS_BEFORE:
            parts.append(sentence[start:match.end()].strip())
            start = match.end()
    parts.append(sentence[start:].strip())
    return parts


# An ellipsis that stands for elided terms ends no sentence: in a formula the next piece goes on
# with an operator ("MA = (X(t) + ... + X(t - n))/n"), in a quoted pattern the quote is still
# open ('аналог "DO … WHILE …"'). razdel splits both when a capital or a sign follows.
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)$")
_OPERATOR_START = re.compile(r"^[+*/=<>^×÷]")


def _elision(part: str, following: str) -> bool:
    return bool(_ELLIPSIS_END.search(part)) and (bool(_OPERATOR_START.match(following))
                                                  or part.count('"') % 2 == 1)


def _joins_next(part: str, following: str, lang: str) -> bool:
    """Whether razdel's boundary after `part` is an abbreviation or an elision, not a sentence end."""
    if _elision(part.rstrip(), following):
        return True
    match = _LAST_WORD.search(part)
    if not match:
        return False
    word = match.group(1).lower()
    if word in _TITLES.get(lang, ()):
        return True
    return word in _BEFORE_NUMBER.get(lang, ()) and following[:1].isdigit()


# razdel reads "3. Итоги" at the start of a piece as a list number; after "табл."
# it is a sentence end instead: "См. табл. 3. Итоги ..." is two sentences.
_NUMBER_THEN_SENTENCE = re.compile(r"\d+\.\s+(?=[A-ZА-ЯЁ«\"“])")


def _sentences_of(chunk: str, lang: str) -> list[str]:
    spans: list[list[int]] = []  # [start, stop] into chunk, so merging keeps the original spacing
    for s in razdel.sentenize(chunk):
        if spans and _joins_next(chunk[spans[-1][0]:spans[-1][1]], s.text, lang):
            number = _NUMBER_THEN_SENTENCE.match(s.text)
            if number:
                spans[-1][1] = s.start + len(number.group().rstrip())
                spans.append([s.start + number.end(), s.stop])
            else:
                spans[-1][1] = s.stop
        else:
            spans.append([s.start, s.stop])
    merged = [part for a, b in spans for part in _split_after_letter(chunk[a:b], lang)]
    if lang == "ru":
        merged = [p for s in merged for p in _split_after_abbreviations(s)]
    return merged


# Languages split by razdel and the rules above; the others by razdel checked by sentencex.
RAZDEL_LANGUAGES = ("ru", "en")
# A stop after a word of up to three letters or after a number: an abbreviation or ordinal as often as an end.
_ABBREVIATION_LIKE = re.compile(r"(?:\b[^\W\d_]{1,3}|\d+)\.$")


def _sentence_ends(chunk: str, parts: list[str]) -> set[int]:
    ends, pos = set(), 0
    for part in parts:
        part = part.strip()
        if part:
            pos = chunk.index(part, pos) + len(part)
            ends.add(pos)
    return ends


def _multilingual_sentences(chunk: str, lang: str) -> list[str]:
    confirmed = _sentence_ends(chunk, list(sentencex.segment(lang, chunk)))
    spans: list[list[int]] = []
    for s in razdel.sentenize(chunk):
        if spans and spans[-1][1] not in confirmed and _ABBREVIATION_LIKE.search(chunk[spans[-1][0]:spans[-1][1]]):
            spans[-1][1] = s.stop
        else:
            spans.append([s.start, s.stop])
    return [chunk[a:b] for a, b in spans]


def split_sentences(text: str, lang: str) -> list[str]:
    """Sentences of one paragraph, stripped, in order (`lang`: an ISO 639-1 code such as "ru", "de")."""
    sentences_of = _sentences_of if lang in RAZDEL_LANGUAGES else _multilingual_sentences
    parts = [s for chunk in _BULLET.split(text) for s in sentences_of(chunk, lang)]
    return [s.strip() for s in parts if s.strip()]


def segment_paragraphs(paragraphs: Sequence[Paragraph], lang: str,
                       languages: Sequence[str] | None = None) -> list[Sentence]:
    """Sentences of paragraphs in `lang`, or each paragraph in its own of `languages` (a half-translated
    file: its paragraphs left in the other language are split by that language's rules)."""
    return [Sentence(text, k) for k, p in enumerate(paragraphs)
            for text in split_sentences(p.text, languages[k] if languages else lang)]
