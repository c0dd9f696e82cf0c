"""The match percentage of a translation-memory lookup, as CAT tools compute it.

A segment is cut into tokens of four kinds: words, numbers, punctuation and
inline tags (`<b>`, `</b>`, `<x1/>`, `{0}`, `%s`); whitespace is ignored.
The percentage compares the query with a stored source:

1. Identical texts (after collapsing runs of whitespace) score 100: an exact match.
2. Words and numbers form one sequence each; words are compared without case
   and every number stands as one placeholder (so a changed number does not
   count as a changed word: CAT tools treat numbers as placeables). The word
   edit distance D is the Levenshtein distance over these sequences (rapidfuzz
   finds the edit operations), with one refinement: substituting another form
   of the same word ("термостат" -> "термостата", "valve" -> "valves": a
   character similarity of at least 0.75, or one Snowball stem, fleeting
   vowels allowed: "узлов" -> "узла", "узел" -> "узлами", short words whose
   endings outweigh their stem) costs 0.5 instead of 1.
3. base = 100 * (1 - D / max(n_query, n_stored)), n counting words and numbers.
4. Penalties, in points: 2 for each number that differs (multiset difference,
   the larger of the two directions), 1 for each punctuation mark that
   differs, 1 for each inline tag that differs, 1 for each aligned word that
   differs only in case.
5. A non-identical pair is capped at 99 and floored at 0; the percentage is
   rounded down to an integer, as CAT tools show it.

`tests/test_tm_fuzzy.py` holds a table of examples with the percentages this
gives and why they agree with a translator's intuition.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import Indel, Levenshtein

from tmforge.tm.terms import stem, stem_forms

# Inline tags and placeholders: XML-like tags, {0}/{name}, printf %s/%d/%1$s.
_TAG = r"</?[A-Za-z_][^<>]*>|\{[\w.]*\}|%(?:\d+\$)?[sdif@]"
_NUMBER = r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?"
_WORD = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\w+"
_TOKEN = re.compile(f"(?P<tag>{_TAG})|(?P<number>{_NUMBER})|(?P<word>{_WORD})|(?P<punct>[^\\w\\s])")

NUMBER_PLACEHOLDER = "\x00#"   # stands for any number in the word sequence
FORM_SIMILARITY = 0.75         # character similarity above which two words are forms of one word
FORM_COST = 0.5
NUMBER_PENALTY = 2
PUNCT_PENALTY = 1
TAG_PENALTY = 1
CASE_PENALTY = 1


@dataclass(frozen=True)
class Tokens:
    """A segment cut for matching: the word/number sequence and the other kinds apart."""

    words: tuple[str, ...]        # as written, numbers included, in order
    folded: tuple[str, ...]       # lowercased words, numbers as NUMBER_PLACEHOLDER
    numbers: tuple[str, ...]      # digits with group separators removed
    punct: tuple[str, ...]
    tags: tuple[str, ...]


def normalise_space(text: str) -> str:
    """Runs of whitespace as one space, none at the ends. str.split() and the regex \\s+ both take
    str.isspace() as whitespace (checked for every code point in tests), so this equals
    `re.sub(r"\\s+", " ", text).strip()`, on which stored source hashes rest, at a third of the cost."""
    return " ".join(text.split())


def tokenize(text: str) -> Tokens:
    words, folded, numbers, punct, tags = [], [], [], [], []
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "word":
            words.append(value)
            folded.append(value.lower())
        elif kind == "number":
            words.append(value)
            folded.append(NUMBER_PLACEHOLDER)
            numbers.append(re.sub(r"[\u00a0\u202f ]", "", value).replace(",", "."))
        elif kind == "punct":
            punct.append(value)
        else:
            tags.append(value)
    return Tokens(tuple(words), tuple(folded), tuple(numbers), tuple(punct), tuple(tags))


# The same tokens as _TOKEN, with only words and numbers captured: findall then gives "" for the others,
# so counting needs no Python loop (the import counts the words of every unit).
_WORD_OR_NUMBER = re.compile(f"(?:{_TAG})|({_NUMBER}|{_WORD})|[^\\w\\s]")


def word_count(text: str) -> int:
    """Words and numbers, the n of the formula (stored with each unit to bound candidate lengths)."""
    found = _WORD_OR_NUMBER.findall(text)
    return len(found) - found.count("")


def _multiset_difference(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    if a == b:                    # the usual case (same punctuation, no tags): no Counters to build
        return 0
    ca, cb = Counter(a), Counter(b)
    return max(sum((ca - cb).values()), sum((cb - ca).values()))


def is_form(a: str, b: str) -> bool:
    """Whether two different folded words are forms of one word: alike by characters, or (Russian case
    endings outweigh a short stem: узлов/узла are 0.67 alike) one Snowball stem, fleeting vowels allowed."""
    if Indel.normalized_similarity(a, b) >= FORM_SIMILARITY:
        return True
    if NUMBER_PLACEHOLDER in (a, b):
        return False
    return stem(b) in stem_forms(a)


def edit_cost(query: Tokens, stored: Tokens) -> tuple[float, int]:
    """(D, case differences): the word edit distance with cheap word-form substitutions."""
    cost, case = 0.0, 0
    ops = Levenshtein.editops(query.folded, stored.folded)
    for op in ops:
        if op.tag != "replace":
            cost += 1
            continue
        a, b = query.folded[op.src_pos], stored.folded[op.dest_pos]
        cost += FORM_COST if is_form(a, b) else 1
    # Case: aligned equal words written differently. Walk the matching blocks of the opcodes.
    for block in ops.as_opcodes():
        if block.tag == "equal":
            for k in range(block.src_end - block.src_start):
                i, j = block.src_start + k, block.dest_start + k
                if query.folded[i] != NUMBER_PLACEHOLDER and query.words[i] != stored.words[j]:
                    case += 1
    return cost, case


def match_score(query: str | Tokens, stored: str | Tokens, *, query_text: str | None = None,
                stored_text: str | None = None) -> int:
    """The match percentage (0-100) of a stored source for a query; see the module docstring."""
    q_text = query if isinstance(query, str) else query_text
    s_text = stored if isinstance(stored, str) else stored_text
    if q_text is not None and s_text is not None and normalise_space(q_text) == normalise_space(s_text):
        return 100
    q = tokenize(query) if isinstance(query, str) else query
    s = tokenize(stored) if isinstance(stored, str) else stored
    n = max(len(q.folded), len(s.folded))
    if n == 0:
        base = 100.0
        case = 0
    else:
        distance, case = edit_cost(q, s)
        base = 100.0 * (1.0 - distance / n)
    penalty = (NUMBER_PENALTY * _multiset_difference(q.numbers, s.numbers)
               + PUNCT_PENALTY * _multiset_difference(q.punct, s.punct)
               + TAG_PENALTY * _multiset_difference(q.tags, s.tags)
               + CASE_PENALTY * case)
    return max(0, min(99, math.floor(base - penalty + 1e-9)))


def length_bounds(n_query: int, min_score: float) -> tuple[int, int]:
    """Word counts a stored source can have and still reach min_score.

    Each word of length difference is an insertion or deletion costing 1, so
    |n_q - n_s| <= D <= (1 - min/100) * max(n_q, n_s); penalties only lower the score.
    """
    keep = max(min_score, 1.0) / 100.0
    lo = math.ceil(n_query * keep - 1e-9)
    hi = math.floor(n_query / keep + 1e-9)
    return lo, hi
