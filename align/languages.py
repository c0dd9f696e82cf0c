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


def check_flag(flag: str, detected: str, option: str, path: str) -> None:
    """Refuse a flag that names a language other than the encoder language the text is clearly in
    (align/identify.py says "other" when unsure)."""
    if detected in ENCODER_LANGUAGES and detected != flag:
        raise TmforgeError(f"{option} {flag} says {path} is {NAMES[flag]}, but its text is {NAMES[detected]} "
                           f"(detected: {detected}); drop {option} to use the detected language, or "
                           f"check that the files are given in the right order")
