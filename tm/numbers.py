"""The numbers a segment states, however they are written, for the `numbers` filter.

A translation may write a number differently from its source: "at 4 am" /
"в четыре часа утра", "21st century" / "XXI века", "G7" / "Большая
семерка", "1,000" / "1 000", "2.5" / "2,5". A unit is suspect only when a
number that one side writes in digits (or as a Roman numeral) is found on
the other side in no form at all. Numbers written as words never demand a
counterpart themselves: "one" and "первый" are often no number ("one of
the", "в первую очередь").
"""

from __future__ import annotations

import re
from collections import Counter

_DIGITS = re.compile(r"(?<!\d)\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}(?!\d))*")
# Roman numerals of two letters or more; ones with L, C, D or M only from four letters on
# ("CI", "MD", "CD" are acronyms far more often than 101, 1500, 400).
_ROMAN = re.compile(r"\b(?:(?=[XVI]{2,}\b)|(?=[MDCLXVI]{4,}\b))"
                    r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\b")
# A number in digits followed by a multiplier word: "10 тысяч", "2,5 млн", "3 million".
_MULTIPLIER = re.compile(r"\s*(тыс\w*\.?|млн\.?|миллион\w*|млрд\.?|миллиард\w*|thousand|million|billion|bn)"
                         r"(?!\w)", re.IGNORECASE)
_MULTIPLIERS = {"тыс": 1000, "млн": 10**6, "мил": 10**6, "млр": 10**9, "tho": 1000, "bil": 10**9, "bn": 10**9}
_WORD = re.compile(r"[^\W\d_]+")

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

# English: cardinals and ordinals.
_EN_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
            "sixteen seventeen eighteen nineteen".split()
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_ORDINALS = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth " \
               "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
_EN_TENTHS = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
_EN: dict[str, int] = {w: k for k, w in enumerate(_EN_UNITS)}
_EN.update({w: k for k, w in enumerate(_EN_ORDINALS)})
_EN.update({w: 20 + 10 * k for k, w in enumerate(_EN_TENS)})
_EN.update({w: 20 + 10 * k for k, w in enumerate(_EN_TENTHS)})
_EN.update({"dozen": 12, "hundred": 100, "hundredth": 100, "thousand": 1000, "thousandth": 1000,
            "million": 10**6, "millionth": 10**6, "billion": 10**9, "billionth": 10**9,
            "once": 1, "twice": 2, "thrice": 3, "single": 1, "double": 2, "triple": 3, "pair": 2})

# Russian: short forms matched whole, longer stems matched at the start of a word form
# ("четыр" in четыре, четырёх, четырьмя; "семер" in семерка, семеро), longest stem first.
_RU_EXACT = {w: v for v, words in {
    0: "ноль нуль нуля нулю нулем нолем", 1: "один одна одно одного одной одному одним одном одну",
    2: "два две двух двум двумя двое", 3: "три трех трёх трем трём тремя трое", 7: "семь семи семью",
    100: "сто ста сотни сотня сотню", 40: "сорок сорока"}.items() for w in words.split()}
_RU_STEMS: list[tuple[str, int]] = sorted([
    ("перв", 1), ("втор", 2), ("двои", 2), ("двойк", 2), ("трет", 3), ("трои", 3), ("тройк", 3),
    ("четыр", 4), ("четвер", 4), ("четвёр", 4), ("пять", 5), ("пяти", 5), ("пятый", 5), ("пятая", 5),
    ("пятое", 5), ("пятого", 5), ("пятом", 5), ("пятер", 5), ("пятёр", 5), ("шесть", 6), ("шести", 6),
    ("шестой", 6), ("шестая", 6), ("шестое", 6), ("шестого", 6), ("шестер", 6), ("шестёр", 6),
    ("седьм", 7), ("семер", 7), ("семёр", 7), ("восем", 8), ("восьм", 8), ("девят", 9), ("десят", 10),
    ("одиннадцат", 11), ("двенадцат", 12), ("тринадцат", 13), ("четырнадцат", 14), ("пятнадцат", 15),
    ("шестнадцат", 16), ("семнадцат", 17), ("восемнадцат", 18), ("девятнадцат", 19),
    ("двадцат", 20), ("тридцат", 30), ("пятьдесят", 50), ("пятидесят", 50), ("шестьдесят", 60),
    ("шестидесят", 60), ("семьдесят", 70), ("семидесят", 70), ("восемьдесят", 80), ("восьмидесят", 80),
    ("девяност", 90), ("сотый", 100), ("сотая", 100), ("сотое", 100), ("сотого", 100),
    ("двест", 200), ("двухсот", 200), ("трист", 300), ("трехсот", 300), ("трёхсот", 300),
    ("четырест", 400), ("четырехсот", 400), ("пятьсот", 500), ("пятисот", 500), ("шестьсот", 600),
    ("шестисот", 600), ("семьсот", 700), ("семисот", 700), ("восемьсот", 800), ("восьмисот", 800),
    ("девятьсот", 900), ("девятисот", 900), ("тысяч", 1000), ("миллион", 10**6), ("миллиард", 10**9),
], key=lambda item: -len(item[0]))
# Words that start like a number word but are none (decimal, Tuesday, Friday ...).
_RU_FALSE = re.compile(r"^(?:десятичн|вторник|вторич|первичн|первона|пятниц|пятн|четверг|восемн?ь?надцатеричн)")

_EN_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)


def _digit_value(token: str) -> str:
    """A number in digits as a comparable string: '1 000' and '1,000' -> '1000'; '2,5' and '2.5' -> '2.5'."""
    token = re.sub(r"[ \u00a0\u202f]", "", token)
    if "," in token and "." in token:                          # 1,000.50 / 1.000,50: the last one is decimal
        point = max(token.rfind(","), token.rfind("."))
        token = re.sub(r"[.,]", "", token[:point]) + "." + token[point + 1:]
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", token):        # 1,000,000: thousands separators
        token = token.replace(",", "")
    token = token.replace(",", ".")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", token):      # 1.000.000
        token = token.replace(".", "")
    whole, _, frac = token.partition(".")
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def _scale(value: str, factor: int) -> str:
    """value x factor, exactly, for decimal strings: ('2.5', 1000) -> '2500'."""
    whole, _, frac = value.partition(".")
    zeros = len(str(factor)) - 1
    frac = frac.ljust(zeros, "0")
    return (whole + frac[:zeros]).lstrip("0") + ("." + frac[zeros:] if frac[zeros:] else "") or "0"


def _roman_value(token: str) -> int:
    total = 0
    for k, ch in enumerate(token):
        value = _ROMAN_VALUES[ch]
        total += -value if k + 1 < len(token) and _ROMAN_VALUES[token[k + 1]] > value else value
    return total


def _word_value(word: str) -> int | None:
    lowered = word.lower().replace("ё", "е")
    if lowered in _EN:
        return _EN[lowered]
    if lowered in _RU_EXACT:
        return _RU_EXACT[lowered]
    if _RU_FALSE.match(lowered):
        return None
    for stem, value in _RU_STEMS:
        if lowered.startswith(stem.replace("ё", "е")) and len(lowered) - len(stem) <= 5:
            return value
    return None


def _word_numbers(text: str) -> list[int]:
    """Numbers written as words, runs combined: 'twenty one' -> 21, 'двести пятьдесят' -> 250; each part too."""
    values: list[int] = []
    run: list[int] = []

    def close() -> None:
        if run:
            total, current = 0, 0
            for v in run:
                if v >= 1000:
                    total += max(current, 1) * v
                    current = 0
                elif v == 100 and current and current < 100:
                    current *= 100
                else:
                    current += v
            values.append(total + current)
            if len(run) > 1:
                values.extend(run)
            run.clear()

    for match in _WORD.finditer(text):
        value = _word_value(match.group())
        if value is None:
            if match.group().lower() not in ("and", "и", "a"):
                close()
            continue
        run.append(value)
    close()
    return values


def numbers(text: str) -> tuple[Counter, Counter]:
    """(numbers the text writes in digits or Roman numerals, every number it states in any form)."""
    text = text or ""
    stated: Counter = Counter()
    plain = _EN_ORDINAL_SUFFIX.sub("", text)
    scaled: Counter = Counter()
    for match in _DIGITS.finditer(plain):
        value = _digit_value(match.group())
        multiplier = _MULTIPLIER.match(plain, match.end())
        if multiplier:
            word = multiplier.group(1).lower()
            factor = _MULTIPLIERS.get(word[:3], _MULTIPLIERS.get(word[:2], 10**6 if word.startswith("mil") else 1))
            scaled[value] += 1
            value = _digit_value(_scale(value, factor))
        stated[value] += 1
    for match in _ROMAN.finditer(text):
        stated[str(_roman_value(match.group()))] += 1
    anywhere = Counter(stated) + scaled
    for value in _word_numbers(text):
        anywhere[str(value)] += 1
    return stated, anywhere


def numbers_differ(source: str, target: str) -> bool:
    """True when a number one side writes in digits or Roman numerals is stated on the other side in no form."""
    src_stated, src_any = numbers(source)
    tgt_stated, tgt_any = numbers(target)
    return any(src_stated[k] > tgt_any[k] for k in src_stated) or any(tgt_stated[k] > src_any[k] for k in tgt_stated)
