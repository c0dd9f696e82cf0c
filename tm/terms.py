"""Words as the full-text index sees them, and their stems (Russian and English word forms).

The FTS5 index uses SQLite's unicode61 tokenizer with remove_diacritics 2:
tokens are runs of letters and digits, lower-cased, Latin diacritics removed
(café -> cafe); Cyrillic letters keep theirs (ё and й stay). `index_terms`
reproduces that, so terms looked up in the index vocabulary match.

Stems come from the Snowball stemmers (snowballstemmer, PyStemmer's C code
when installed), chosen by the word's script: Cyrillic words by the Russian
stemmer, Latin ones by the English. "термостата" and "термостатом" stem to
"термостат", "valves" to "valv".
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Iterator

import snowballstemmer

_TOKEN = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_STEMMER_NAMES = {"ru": "russian", "en": "english"}
# A Snowball stemmer keeps the word it works on in the object: threads sharing one (the server's lookups)
# corrupt each other's words (an IndexError, or a wrong stem). Each thread gets its own.
_local = threading.local()


def _stemmer(lang: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if lang not in stemmers:
        stemmers[lang] = snowballstemmer.stemmer(_STEMMER_NAMES[lang])
    return stemmers[lang]


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """A token as unicode61 (remove_diacritics 2) stores it."""
    lowered = token.lower()
    if lowered.isascii() or _CYRILLIC.search(lowered):
        return lowered
    decomposed = unicodedata.normalize("NFD", lowered)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def index_terms(text: str) -> list[str]:
    return [fold(t) for t in _TOKEN.findall(text)]


def term_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(folded token, start, end) for every index token of `text`."""
    for match in _TOKEN.finditer(text):
        yield fold(match.group()), match.start(), match.end()


def script_language(term: str) -> str | None:
    if _CYRILLIC.search(term):
        return "ru"
    if term.isascii() and term.isalpha():
        return "en"
    return None


@lru_cache(maxsize=200_000)
def stem(term: str) -> str:
    """The Snowball stem of a folded term (itself for digits and other scripts)."""
    lang = script_language(term)
    if lang is None:
        return term
    return _stemmer(lang).stemWord(term)


_RU_CONSONANTS = set("бвгджзклмнпрстфхцчшщ")
_RU_VOWELS = set("аеёиоуыэюя")
FLEETING = "оеё"


def stem_forms(term: str) -> tuple[str, ...]:
    """The term's stem and, for a Russian word, the stems of its forms with or without a fleeting vowel,
    which Snowball keeps apart: узел/узла, окно/окон, кнопка/кнопок, настройка/настроек (й and е).
    Only stems of 3 letters or more are added (shorter ones would be index prefixes matching too much)."""
    s = stem(term)
    forms = [s]
    if script_language(term) != "ru" or len(s) < 3 or s[-1] not in _RU_CONSONANTS:
        return tuple(forms)
    head, last = s[:-1], s[-1]
    if head[-1] in FLEETING and head[-2] in _RU_CONSONANTS:      # узел -> узл, кнопок -> кнопк
        forms.append(head[:-1] + last)
    if head[-1] == "е" and head[-2] in _RU_VOWELS:               # настроек -> настройк
        forms.append(head[:-2] + head[-2] + "й" + last)
    if head[-1] in _RU_CONSONANTS:                               # узл -> узел, кнопк -> кнопок
        forms.extend(head + vowel + last for vowel in FLEETING)
    if head[-1] == "й":                                          # настройк -> настроек
        forms.append(head[:-1] + "е" + last)
    return tuple(dict.fromkeys(f for f in forms if len(f) >= 3))


def stem_prefix(term: str) -> str:
    """What every form of a term starts with, for an index prefix query: the stem, cut back where the
    stemmer rewrote the ending (English "happy" stems to "happi": the prefix is "happ")."""
    s = stem(term)
    k = 0
    while k < min(len(s), len(term)) and s[k] == term[k]:
        k += 1
    return term[:max(k, 1)]


def fts_string(term: str) -> str:
    """A term quoted for an FTS5 query (double quotes doubled)."""
    return '"' + term.replace('"', '""') + '"'
