"""The match percentage against a table of examples worked out by hand from the formula in tm/fuzzy.py.

Each row says what a translator would expect and the arithmetic behind the
figure, so a change of the formula shows up here row by row.
"""

import pytest

from tmforge.tm.fuzzy import length_bounds, match_score, tokenize, word_count

EXAMPLES = [
    # query, stored source, expected %, why
    ("Проверьте настройки термостата.", "Проверьте настройки термостата.", 100,
     "identical: an exact match"),
    ("Check  the valve. ", "Check the valve.", 100,
     "only whitespace differs: still exact"),
    ("check the valve.", "Check the valve.", 99,
     "case of one word: 100 - 1 (capped at 99 anyway)"),
    ("Check the valve!", "Check the valve.", 99,
     "one punctuation mark differs: 100 - 1"),
    ("Set the temperature to 20 degrees.", "Set the temperature to 25 degrees.", 98,
     "a number differs: words equal (numbers are placeables), 100 - 2"),
    ("Масса 2,5 кг.", "Масса 2.5 кг.", 99,
     "the same number written with a decimal comma: no number penalty, not identical text: 99"),
    ("Click <b>Save</b>.", "Click Save.", 98,
     "two inline tags missing: 100 - 2"),
    ("The quick brown fox jumps over the lazy old dog.", "The quick brown fox jumps over the lazy old cat.", 90,
     "one unrelated word of ten replaced: D = 1, 100 * (1 - 1/10)"),
    ("Проверьте настройки термостата перед запуском системы.",
     "Проверьте настройки термостатов перед запуском системы.", 91,
     "another form of one word of six: D = 0.5, 100 * (1 - 0.5/6) = 91.7"),
    ("Настройка портов узлов", "Настройка портов узла", 83,
     "another case of a short word (0.67 alike by characters, one stem): D = 0.5, 100 * (1 - 0.5/3) = 83.3"),
    ("Close the valve before starting.", "Close the main valve before starting.", 83,
     "one word inserted, six words: 100 * (1 - 1/6) = 83.3"),
    ("Close the valve before starting the pump.", "Open the valve after stopping the pump.", 57,
     "three unrelated words of seven replaced: 100 * (1 - 3/7) = 57.1"),
    ("The weather is nice today.", "Restart the computer now.", 0,
     "nothing in common: D = 5 of 5 words"),
]


@pytest.mark.parametrize("query,stored,expected,why", EXAMPLES, ids=[e[3] for e in EXAMPLES])
def test_table_of_examples(query, stored, expected, why):
    assert match_score(query, stored) == expected, why


def test_more_changes_score_lower():
    query = "Turn off the power supply before opening the cover."
    ladder = ["Turn off the power supply before opening the cover.",
              "Turn off the power supply before opening the lid.",
              "Turn off the main supply before opening the lid.",
              "Switch off the main supply before removing the lid.",
              "Unplug the device."]
    scores = [match_score(query, s) for s in ladder]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)


def test_forms_with_a_fleeting_vowel_are_forms_not_other_words():
    assert match_score("Соедините узел с портом.", "Соедините узлами с портом.") == 87   # 100 * (1 - 0.5/4)
    assert match_score("Соедините узел с портом.", "Соедините кабель с портом.") == 75  # another word: 1/4


def test_symmetric_for_substitutions():
    a, b = "Закройте кран перед запуском.", "Закройте вентиль перед запуском."
    assert match_score(a, b) == match_score(b, a) == 75   # one of four words: 100 * (1 - 1/4)


def test_tokens_keep_kinds_apart():
    t = tokenize("Нажмите <b>OK</b> через 1 000 мс, затем {0}.")
    assert t.tags == ("<b>", "</b>", "{0}")
    assert t.numbers == ("1000",)
    assert t.punct == (",", ".")
    assert t.words == ("Нажмите", "OK", "через", "1 000", "мс", "затем")


def test_length_bounds_follow_from_the_formula():
    # 10 words at 70 %: at most 3 edits, so 7..14 words (10/0.7 = 14.3).
    assert length_bounds(10, 70) == (7, 14)
    assert length_bounds(4, 100) == (4, 4)


@pytest.mark.parametrize("text", [
    "Press <b>Start</b> {0} times, then %s or %1$s.", "Давление 1 000,5 бар — по-русски, it's 3.14!",
    "x_y _a_ ² ½ 1,000,000 <x1/>", "", "   ", "Термостат; клапан: 20 °C (±2)."])
def test_word_count_is_the_formula_n(text):
    # The import stores word_count for the length bounds; it must be the n the formula counts.
    assert word_count(text) == len(tokenize(text).folded)


def test_normalise_space_equals_the_regex_stored_hashes_rest_on():
    """normalise_space uses str.split (faster); stores hash sources normalised by `\\s+` -> ' ' and strip.
    Both must take the same characters as whitespace, or existing stores' exact lookups would miss."""
    import re
    import sys

    from tmforge.tm.fuzzy import normalise_space

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    regex_space = set(re.findall(r"\s", every))
    assert regex_space == {c for c in every if c.isspace()}
    text = "".join(f"{c}{c}слово{c}word" for c in sorted(regex_space)) + "\u00a0end\u3000"
    assert normalise_space(text) == re.sub(r"\s+", " ", text).strip()
