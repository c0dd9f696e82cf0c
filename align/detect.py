"""Language of a stretch of text: "ru", "en", "other" or "neutral".

Two steps, because they fail in different ways:

1. Script. Which script carries the text is decided by its words, weighted by
   what kind of word they are: grammar words ("и", "the") weigh most, ordinary
   lower-case words next, capitalised words (names) little and acronyms almost
   nothing. So "Теракт в «Crocus City Hall»" stays Russian and "The CSTO met
   Сергей Лавров in Moscow" stays English, where a letter count would flip them.
   A text without letters (numbers, dates, URLs, punctuation) is "neutral".
2. Language within the script. For Cyrillic: letters Russian lacks (і, ї, ў,
   ә, ј ...) or a vowel ъ mark another language outright, and so do grammar
   words of the neighbours ("това", "што", "він"); failing those, a text with
   words that pymorphy3's Russian dictionary does not know is "other" only when
   lingua, restricted to the Cyrillic languages whose alphabet can spell the
   text, also prefers a neighbour. For Latin: lingua over the common Latin-script
   languages, overruled by English grammar words unless it is very sure.
   Plain lingua mislabels 4 % of short Russian lines and 1-3 % of English ones
   (benchmarks/detect.py); these rules are what bring that to 0.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import NamedTuple, Sequence

LANGS = ("ru", "en")

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
                  r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|int|info|io|ru|рф|uk|de|fr|eu)(?:/\S*)?",
                  re.IGNORECASE)

# Letters of Ukrainian, Belarusian, Kazakh, Tatar, Bashkir, Serbian, Macedonian ...
# that Russian never uses.
_NON_RUSSIAN_CYRILLIC = frozenset("іїєґўәғқңөұүһҗҙҫјљњћџѓќѕђӣӯҳҷ" "ІЇЄҐЎӘҒҚҢӨҰҮҺҖҘҪЈЉЊЋЏЃЌЅЂӢӮҲҶ")
# Russian writes ъ only before е, ё, ю, я ("объект"); Bulgarian writes it as a vowel ("вратовръзка").
# (A final ъ is the pre-1918 Russian spelling kept in names such as "Коммерсантъ".)
_VOWEL_HARD_SIGN = re.compile(r"[ъЪ](?=[бвгджзйклмнпрстфхцчшщьыэаоуиБВГДЖЗЙКЛМНПРСТФХЦЧШЩЬЫЭАОУИ])")

# Grammar words: the language that supplies them is the language of a mixed
# sentence ("Он использует machine learning и deep learning" is Russian).
_GRAMMAR = {
    "ru": frozenset("""и в во не на с со что как а но по к ко у о об от до из за для же бы ли
        это то так он она оно они мы вы я ты его её ее их мне меня нас вас был была было были
        есть будет при под над без также уже ещё еще или если чтобы который которая которые
        где когда только все всё этот эта эти того этого может свой своей""".split()),
    "en": frozenset("""the a an of and to in is are was were be been being that this these those
        it its for on with as at by from or not but have has had will would can could do does
        did he she they we you i his her their our which who whom there than then also if
        into about after before over under should may might must either neither both each every
        any what when where why how here because while through between against during without
        within among very more most such only just my your him them shall am""".split()),
}
# English grammar words that are common words of other Latin-script languages too
# ("in", "an", "was", "will", "also" are German; "a", "on" French; "to", "do" Polish)
# count half when English grammar words overrule lingua.
_SHARED_GRAMMAR = frozenset("a an in to on as was will do he i also is or over am her".split())
_WEIGHTS = {"grammar": 3.0, "lower": 1.0, "capital": 0.5, "acronym": 0.1}
# Where one sentence ends and the next begins, between two words.
_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*\s")


def _script(word: str) -> str | None:
    cyr = sum("\u0400" <= ch <= "\u04ff" for ch in word)
    lat = sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in word)
    if cyr == lat == 0:
        return None
    return "cyr" if cyr >= lat else "lat"


def _kind(word: str) -> str:
    if any(sum(ch.isupper() for ch in part) > 1 or part[1:] != part[1:].lower()
           for part in word.split("-")):
        return "acronym"  # NATO, ОДКБ, iPhone, ДхШхВ; not "Promtex-Orient"
    lowered = word.lower()
    if lowered in _GRAMMAR["ru"] or lowered in _GRAMMAR["en"]:
        return "grammar"
    return "capital" if word[0].isupper() else "lower"


def _spans(text: str) -> list[tuple[int, int, bool]]:
    """Words and codes of running text in order, as (start, end, is a code).

    Words leave out URLs, e-mail addresses, tokens with digits and single letters
    before a full stop (initials, "т. е."). Codes are the tokens of letters and
    digits ("FC-160", "3M", "70x200"), without the punctuation after them (a stop
    there may end a sentence): no evidence of a language, but they show which
    script surrounds a name.
    """
    spans = []
    masked = _URL.sub(lambda m: " " * len(m.group()), text)
    for token in re.finditer(r"\S+", masked):
        if any(ch.isdigit() for ch in token.group()):
            if any(ch.isalpha() for ch in token.group()):
                spans.append((token.start(), token.start() + len(re.sub(r"\W+$", "", token.group())), True))
            continue
        for match in _WORD.finditer(token.group()):
            if match.end() - match.start() == 1 and token.group()[match.end():match.end() + 1] == ".":
                continue
            spans.append((token.start() + match.start(), token.start() + match.end(), False))
    return spans


def _word_spans(text: str) -> list[tuple[int, int]]:
    """Words of running text (see `_spans` for what is left out)."""
    return [(start, end) for start, end, code in _spans(text) if not code]


def script_words(text: str) -> dict[str, list[str]]:
    """Words of the text by script ("cyr", "lat"); see `_spans` for what is left out."""
    words: dict[str, list[str]] = {"cyr": [], "lat": []}
    for start, end in _word_spans(text):
        script = _script(text[start:end])
        if script:
            words[script].append(text[start:end])
    return words


class _Word(NamedTuple):
    start: int
    end: int
    script: str
    kind: str
    capitalised: bool
    sentence: int  # number of the sentence the word is in


def _words(text: str) -> list[_Word]:
    """Words and codes (kind "code") of the text in order, each with its sentence number."""
    words: list[_Word] = []
    sentence = 0
    for start, end, code in _spans(text):
        word = text[start:end]
        script = _script(word)
        if script is None:
            continue
        if words and _SENTENCE_END.search(text, words[-1].end, start):
            sentence += 1
        words.append(_Word(start, end, script, "code" if code else _kind(word), word[0].isupper(), sentence))
    return words


def _embedded_names(words: list[_Word]) -> set[int]:
    """Indices of words in runs of capitalised words (not acronyms) of one script that have
    words or codes of the other script on both sides in their sentence: a name put into text
    of the other language ("МК Crocus City Hall СЛАВДА", "CF SLAVDA Сергей Лавров FC-160")."""
    out: set[int] = set()
    k = 0
    while k < len(words):
        end = k
        while (end < len(words) and words[end].kind == "capital" and words[end].script == words[k].script
               and words[end].sentence == words[k].sentence):
            end += 1
        if end == k:
            k += 1
            continue
        before, after = (words[k - 1] if k > 0 else None), (words[end] if end < len(words) else None)
        if all(w is not None and w.sentence == words[k].sentence and w.script != words[k].script
               for w in (before, after)):
            out.update(range(k, end))
        k = end
    return out


def weighted_words(text: str) -> list[tuple[int, int, str, float]]:
    """(start, end, script, weight) of each word: the evidence it gives for its script.

    A run of capitalised words in one script ("Crocus City Hall", "Crime
    Stoppers of Houston") is one name and weighs as one capitalised word: its
    further words, and grammar words joining them, weigh 0. The first word of
    a sentence weighs as an ordinary word, since capitals there say nothing.
    A sentence with words of one script only is no name inside a host
    language, so its capitalised words weigh as ordinary words ("Particulate
    Air Filter 3M 5925." after its Russian original); a name with the other
    script on both sides ("МК Crocus City Hall СЛАВДА") weighs as an acronym.
    """
    tokens = _words(text)
    embedded = {tokens[k].start for k in _embedded_names(tokens)}
    words = [t for t in tokens if t.kind != "code"]
    scripts = defaultdict(set)
    for word in words:
        scripts[word.sentence].add(word.script)

    def name_word(j: int, script: str, sentence: int) -> bool:
        return (0 <= j < len(words) and words[j].capitalised and words[j].kind != "acronym"
                and words[j].script == script and words[j].sentence == sentence)

    out = []
    for k, word in enumerate(words):
        if word.start in embedded:  # the whole name weighs as one acronym
            weight = 0.0 if k > 0 and words[k - 1].start in embedded else _WEIGHTS["acronym"]
            out.append((word.start, word.end, word.script, weight))
            continue
        first = k == 0 or words[k - 1].sentence != word.sentence
        kind = "lower" if word.kind == "capital" and (first or len(scripts[word.sentence]) == 1) else word.kind
        if kind == "grammar" and word.capitalised and not first and (
                name_word(k - 1, word.script, word.sentence) or name_word(k + 1, word.script, word.sentence)):
            kind = "capital"  # part of a name inside a sentence: "The Straits Times", "Hyundai Tucson I"
        weight = _WEIGHTS[kind]
        if kind == "capital" and name_word(k - 1, word.script, word.sentence):
            weight = 0.0  # the same name goes on
        elif (kind == "grammar" and not word.capitalised and name_word(k - 1, word.script, word.sentence)
              and name_word(k + 1, word.script, word.sentence)):
            weight = 0.0  # "of" in "Bank of America"
        out.append((word.start, word.end, word.script, weight))
    return out


def script_scores(text: str) -> dict[str, float]:
    """Weighted evidence for each script (see the module docstring and `weighted_words`)."""
    scores = {"cyr": 0.0, "lat": 0.0}
    for _, _, script, weight in weighted_words(text):
        scores[script] += weight
    return scores


def dominant_script(text: str) -> str | None:
    """ "cyr", "lat", or None for a text without letters."""
    scores = script_scores(text)
    if scores["cyr"] == scores["lat"] == 0:
        return None
    if scores["cyr"] != scores["lat"]:
        return "cyr" if scores["cyr"] > scores["lat"] else "lat"
    words = script_words(text)  # a tie: the script with more letters
    return "cyr" if sum(map(len, words["cyr"])) >= sum(map(len, words["lat"])) else "lat"


_CYRILLIC_NAMES = ("RUSSIAN", "UKRAINIAN", "BELARUSIAN", "BULGARIAN", "MACEDONIAN", "SERBIAN", "KAZAKH",
                   "MONGOLIAN")
# The Latin-script languages most likely beside Russian and English; a longer list
# makes lingua take more short English lines for something else (benchmarks/detect.py).
_LATIN_NAMES = ("ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "POLISH",
                "CZECH", "LATVIAN", "LITHUANIAN", "ESTONIAN", "TURKISH")
# Letters a neighbour's alphabet lacks: a text with one of them cannot be in that language.
_MISSING_LETTERS = {
    "UKRAINIAN": "ыэъё", "BULGARIAN": "ыэё", "BELARUSIAN": "ищъ", "MACEDONIAN": "йщъыьэюяё",
    "SERBIAN": "йщъыьэюяё",
}
# Frequent grammar words of Bulgarian, Macedonian, Ukrainian and Belarusian that are
# not words of running Russian text (pymorphy knows "е", "си", "го" only as rarities).
_NEIGHBOUR_WORDS = frozenset("""
    е се си ми ти му го ги че ще това този тази тези тя са съм сме сте беше бях няма нямам
    има имам защо какво къде сега тук трябва искам мисля нещо нищо аз вие ние нея бих може
    сум ја што од ова тоа овој оваа дека нема треба кога каде зошто сакам многу тие таа тој
    нешто ништо це що як але чи він вона вони й ви його цей ця ці цього дуже буде бути мене
    немає де також від після щоб гэта ён яна яны ня дзе калі трэба вельмі""".split())
# English pronoun "I" and contractions mark a Latin-script line as English.
_ENGLISH_MARK = re.compile(r"\b(?:I|[A-Za-z]+(?:n't|'m|'ll|'ve|'re|'s|'d))\b")


@lru_cache(maxsize=2)
def _lingua(names: tuple[str, ...]):
    """A statistical detector over the candidate languages only, built once, on first use
    (one for Cyrillic, one for Latin script: each loads only its own models)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in names)).build()


@lru_cache(maxsize=1)
def _russian_lexicon():
    """pymorphy3's Russian dictionary (loaded once, on first use)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _rival_ratio(text: str, names: tuple[str, ...], expected: str, allowed: Sequence[str] = ()) -> float:
    """How many times likelier lingua finds the best candidate of `allowed` (default: all
    `names`) other than `expected` than `expected` itself."""
    allowed = allowed or names
    conf = {c.language.name: c.value for c in _lingua(names).compute_language_confidence_values(text)}
    rival = max((conf.get(name, 0.0) for name in allowed if name != expected), default=0.0)
    return rival / max(conf.get(expected, 0.0), 1e-9)


def _cyrillic_language(words: list[str]) -> str:
    """ "ru" or "other" for text in Cyrillic script (its Cyrillic words given)."""
    words = [w for w in words if _kind(w) != "acronym"] or words
    text = " ".join(words)
    n = len(words)
    foreign = sum(ch in _NON_RUSSIAN_CYRILLIC for ch in text) + len(_VOWEL_HARD_SIGN.findall(text))
    if foreign >= max(1, sum(map(len, words)) // 100):
        return "other"
    # Grammar words of the neighbours, counted where they cannot be names.
    if sum(w.lower() in _NEIGHBOUR_WORDS for k, w in enumerate(words) if k == 0 or w[0].islower()) >= max(1, n / 25):
        return "other"
    # Words Russian does not know, when lingua also prefers a neighbour whose alphabet fits.
    # Names (capitalised words after the first) are unknown to any dictionary: they do not count.
    lexicon = _russian_lexicon()
    unknown = sum(not lexicon.word_is_known(w.lower()) for k, w in enumerate(words) if k == 0 or w[0].islower())
    if unknown >= max(1, n / 20):
        lowered = text.lower()
        fits = [name for name in _CYRILLIC_NAMES
                 if not any(ch in lowered for ch in _MISSING_LETTERS.get(name, ""))]
        if _rival_ratio(text, _CYRILLIC_NAMES, "RUSSIAN", fits) > 1.0:
            return "other"
    return "ru"


def _latin_language(words: list[str], text: str, english_odds: float = 1.0) -> str:
    """ "en" or "other" for text in Latin script (its Latin words given); `english_odds`
    is how much likelier English is than any other Latin-script language beforehand."""
    # Names (capitalised words after the first) say nothing about the language.
    words = [w for k, w in enumerate(words) if _kind(w) != "acronym" and (k == 0 or w[0].islower())]
    if len(words) < 3 and all(ch.isascii() for w in words for ch in w):
        # Too little for lingua's word statistics ("Part 4", "Sveta, hey, hi!"): English
        # unless it is very sure ("Inhalt :").
        return "other" if _rival_ratio(" ".join(words), _LATIN_NAMES, "ENGLISH") / english_odds > 30.0 else "en"
    english = (sum(0.5 if w.lower() in _SHARED_GRAMMAR else 1.0 for w in words if w.lower() in _GRAMMAR["en"])
               + len(_ENGLISH_MARK.findall(text.replace("’", "'"))))
    if english >= len(words) / 4:
        return "en"  # a quarter of English grammar words: no other language comes close
    ratio = _rival_ratio(" ".join(words), _LATIN_NAMES, "ENGLISH") / english_odds
    # English grammar words keep a line English unless lingua is very sure.
    return "other" if ratio > 10.0 or ratio > 1.0 and english <= len(words) / 10 else "en"


def detect_language(text: str, english_odds: float = 1.0) -> str:
    """One label for a stretch of text (see the module docstring). `english_odds` > 1
    says Latin-script text is expected to be English (as in a Russian/English document)."""
    script = dominant_script(text)
    if script is None:
        return "neutral"
    words = script_words(text)[script]
    return _cyrillic_language(words) if script == "cyr" else _latin_language(words, text, english_odds)
