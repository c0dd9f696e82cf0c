"""Is a decoding the user asked for plausible text? If not, which encoding reads it?

`--encoding cp1251` given for a UTF-8 file decodes without an error, into
mojibake ("Kazan on 14вЂ“16 May"); a KOI8-R file read as cp1251 becomes
Cyrillic letters of inverted case ("оПХБЕР"). Both are refused with the
encoding that reads the bytes as text, instead of being aligned into garbage.
"""

from __future__ import annotations

from pathlib import Path

from tmforge.align.encodings import (DETECT_BYTES, MIN_QUALITY, detect_encoding, non_ascii_quality, text_codec,
                                     text_likelihood)
from tmforge.inputs import check_input
from tmforge.errors import TmforgeError

# A forced decoding is refused when the detected one reads its letters this much better.
_LIKELIHOOD_MARGIN = 0.3


def _sample(data: bytes, encoding: str) -> str | None:
    try:
        return data[:DETECT_BYTES].decode(encoding, errors="strict" if len(data) <= DETECT_BYTES else "ignore")
    except (UnicodeError, LookupError):  # UnicodeError: a codec's own refusal, not only bad bytes
        return None


def better_encoding(data: bytes, encoding: str) -> str | None:
    """The encoding that reads `data` as text where `encoding` gives mojibake, or None if `encoding` is plausible.

    None too for a name that is no character set: decoding reports that itself, naming the problem.
    """
    if text_codec(encoding) is None:
        return None
    forced = _sample(data, encoding)
    detected = detect_encoding(data[:DETECT_BYTES])
    if forced is None or not detected or detected.replace("-", "_") == encoding.lower().replace("-", "_"):
        return None
    other = _sample(data, detected)
    if other is None or other == forced:
        return None
    forced_quality, other_quality = non_ascii_quality(forced), non_ascii_quality(other)
    if forced_quality < MIN_QUALITY <= other_quality:
        return detected
    if text_likelihood(other) - text_likelihood(forced) > _LIKELIHOOD_MARGIN:
        return detected
    return None


def check_decoding(path: str | Path, encoding: str, option: str = "--encoding") -> None:
    """Refuse reading `path` as `encoding` when the text would be mojibake, suggesting the right encoding."""
    check_input(path)  # no FIFO or device: reading one would block or never end
    with open(path, "rb") as fh:
        data = fh.read(DETECT_BYTES)
    suggestion = better_encoding(data, encoding)
    if suggestion:
        raise TmforgeError(f"{path} read as {encoding} gives garbled text; it reads as {suggestion}: "
                           f"pass {option} {suggestion} (or leave the encoding to detection)")
