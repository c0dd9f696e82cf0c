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

SUPPORTED = ("ru", "en")
NAMES = {"ru": "Russian", "en": "English", "other": "another language", "neutral": "no language"}
# Three-letter and English-name forms of the supported languages.
_ALIASES = {"rus": "ru", "eng": "en", "russian": "ru", "english": "en"}


def normalise_flag(value: str | None, option: str = "--src-lang") -> str | None:
    """The aligner's code for a language flag ('ru-RU', 'RU', 'en_US', 'rus' -> 'ru', 'en'); None stays None."""
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
    if code not in SUPPORTED:
        raise TmforgeError(f"{option} '{value}': tmforge aligns {' and '.join(NAMES[c] for c in SUPPORTED)} "
                           f"({', '.join(SUPPORTED)}); give one of those codes")
    return code


def check_flag(flag: str, detected: str, option: str, path: str) -> None:
    """Refuse a flag that names a supported language other than the one the text is clearly in."""
    if detected in SUPPORTED and detected != flag:
        raise TmforgeError(f"{option} {flag} says {path} is {NAMES[flag]}, but its text is {NAMES[detected]} "
                           f"(detected: {detected}); drop {option} to use the detected language, or "
                           f"check that the files are given in the right order")
