"""Language flags as users type them, checked against the text.

Translators type BCP 47 forms their CAT tool shows (`ru-RU`, `RU`, `en_US`)
or ISO 639-2 codes (`rus`); all name the language the aligner works with by
its primary subtag. A flag that contradicts what the text clearly is (an
English file given as `--src-lang ru`) would mislabel every unit and split
the text with the wrong rules, so it is refused, naming what was detected.
"""

from __future__ import annotations

from tmforge.errors import TmforgeError
from tmforge.tm.langtags import canonical_tag, primary

# The languages of the bundled encoder (multilingual USE v3). Russian and English are
# served best: detection, segmentation rules and every figure in BENCHMARKS.md. The
# other alphabetic languages are segmented by sentencex (measured on German and French,
# Text+Berg, in BENCHMARKS.md); Arabic, Chinese, Japanese, Korean and Thai need sentences
# one per line (--segmented): no gold text here measures a splitter on them.
SUPPORTED = ("ru", "en")
ENCODER_LANGUAGES = ("ru", "en", "de", "fr", "es", "it", "nl", "pl", "pt", "tr", "ar", "zh", "ja", "ko", "th")
NEEDS_SEGMENTED = ("ar", "zh", "ja", "ko", "th")
NAMES = {"ru": "Russian", "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
         "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "tr": "Turkish", "ar": "Arabic", "zh": "Chinese",
         "ja": "Japanese", "ko": "Korean", "th": "Thai", "other": "another language", "neutral": "no language"}
# Three-letter and English-name forms of the supported languages.
_ALIASES = {"rus": "ru", "eng": "en", "russian": "ru", "english": "en"}


def normalise_flag(value: str | None, option: str = "--src-lang", any_language: bool = False) -> str | None:
    """The aligner's code for a language flag ('ru-RU', 'RU', 'en_US', 'rus' -> 'ru', 'en'); None stays None.

    Only the bundled encoder's languages are accepted, unless `any_language`
    (another encoder, whose languages tmforge cannot list).
    """
    if value is None:
        return None
    text = value.strip().replace("_", "-")
    code = _ALIASES.get(text.lower())
    if code is None:
        try:
            code = _ALIASES.get(primary(canonical_tag(text)), primary(canonical_tag(text)))
        except TmforgeError:
            raise TmforgeError(f"{option} '{value}' is not a language code; use a code such as "
                               f"{', '.join(SUPPORTED)}, ru-RU or en_US") from None
    if code not in ENCODER_LANGUAGES and not any_language:
        raise TmforgeError(f"{option} '{value}': the bundled encoder does not know this language; give one of "
                           f"{', '.join(ENCODER_LANGUAGES)} (or choose an encoder that knows it with --model)")
    return code


def check_segmentable(lang: str, segmented: bool, option: str) -> None:
    """Refuse running text in a language no splitter here segments (it must come one sentence per line)."""
    if lang in NEEDS_SEGMENTED and not segmented:
        raise TmforgeError(f"{option} {lang}: tmforge cannot split {NAMES[lang]} text into sentences; give "
                           "one sentence per line and pass --segmented")


# A flag the whole text contradicts still holds when at least this share of the
# file's letters is in paragraphs of the flagged language. A localisation
# repository's half-translated file (an "English" page that still holds most
# of its Russian paragraphs) is English where it was translated: it is aligned
# as the flag says, and the untranslated check leaves its Russian-on-both-sides
# units out. Files given the wrong way round have (almost) none of the flagged
# language: a stray English heading or product name in a Russian page is under
# 1 % of its letters, so swapped files are still refused.
MIN_FLAGGED_SHARE = 0.01


def check_flag(flag: str, detected: str, option: str, path: str, share: float = 0.0) -> bool:
    """Whether the flag is contradicted but kept: the text is clearly in another encoder language
    (align/identify.py says "other" when unsure), yet `share` (the part of its letters in paragraphs
    of the flagged language) is at least MIN_FLAGGED_SHARE. Refuse it when that part is smaller."""
    if detected not in ENCODER_LANGUAGES or detected == flag:
        return False
    if share >= MIN_FLAGGED_SHARE:
        return True
    some = f"only {share:.1%} of it is" if share > 0 else "none of it is"
    raise TmforgeError(f"{option} {flag} says {path} is {NAMES[flag]}, but its text is {NAMES[detected]} "
                       f"(detected: {detected}) and {some} {NAMES[flag]}; drop {option} to use the detected "
                       f"language, or check that the files are given in the right order")
