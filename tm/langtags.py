"""Language tags: BCP 47 (RFC 5646) well-formedness, canonical case, and the codes written to files.

Units carry the short codes the aligner uses (ru, en); CAT tools differ in
what they expect (plain ru/en loads in OmegaT, Trados and memoQ prefer ru-RU,
en-US), so the codes written are chosen by a mapping such as {"en": "en-GB"}.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping

from tmforge.errors import TmforgeError

_ALNUM = "[A-Za-z0-9]"
_LANGTAG = re.compile(
    r"^(?:"
    r"(?P<language>[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"          # variants
    rf"(?:-[0-9A-WY-Za-wy-z](?:-{_ALNUM}{{2,8}})+)*"          # extensions
    rf"(?:-[Xx](?:-{_ALNUM}{{1,8}})+)?"                       # private use
    rf"|[Xx](?:-{_ALNUM}{{1,8}})+"                            # private use only
    r")$")


@lru_cache(maxsize=1024)   # called for every unit read or written; tags repeat
def canonical_tag(tag: str) -> str:
    """`tag` in the conventional case (ru-RU, sr-Latn-RS), or TmforgeError if it is not BCP 47.

    Locale names with underscores (en_US, as some tools write xml:lang) are read as the tag they mean.
    """
    tag = (tag or "").replace("_", "-")
    match = _LANGTAG.match(tag)
    if not match:
        raise TmforgeError(f"'{tag}' is not a BCP 47 language tag; use codes such as ru, en, ru-RU, en-US, en-GB")
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(out) > 1 and len(out[-1]) == 1:      # after a singleton everything is lower case
            out.append(part.lower())
        elif len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            out.append(part.upper())                # region
        elif len(part) == 4 and part.isalpha() and match.group("script") == part:
            out.append(part.title())                # script
        else:
            out.append(part.lower())
    return "-".join(out)


def primary(tag: str | None) -> str:
    """The primary language subtag, lower case: 'ru-RU' -> 'ru'."""
    return (tag or "").split("-")[0].lower()


def parse_lang_codes(items: Iterable[str] | Mapping[str, str] | None) -> dict[str, str]:
    """Validate a mapping from unit language to written tag, given as a dict or 'ru=ru-RU' strings.

    A bare tag such as 'en-GB' maps its own primary subtag ('en').
    """
    if not items:
        return {}
    pairs = items.items() if isinstance(items, Mapping) else (
        item.split("=", 1) if "=" in item else (primary(item), item) for item in items)
    codes: dict[str, str] = {}
    for key, value in pairs:
        key, value = canonical_tag(key.strip()), canonical_tag(value.strip())
        if primary(key) != primary(value):
            raise TmforgeError(f"language code {key}={value} names another language; "
                               f"the written code must start with {primary(key)}")
        codes[key] = value
    return codes


def apply_lang_codes(tag: str, codes: Mapping[str, str]) -> str:
    """The tag written for a unit's language: the mapped one, else the tag itself in canonical case."""
    canonical = canonical_tag(tag)
    return codes.get(canonical, canonical)
