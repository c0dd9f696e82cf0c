"""Decoding input bytes: which encoding a file is in, and its text normalised.

UTF-8 with or without BOM and UTF-16 with BOM are recognised by their bytes;
otherwise Windows-1251, KOI8-R and Windows-1252 compete on how much each
decoding looks like Russian or English prose (figures in BENCHMARKS.md,
measured by benchmarks/encodings.py). `--encoding` overrides detection.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from tmforge.errors import TmforgeError

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# Single-byte encodings tried when the bytes are not UTF-8. Russian files come
# in Windows-1251 or KOI8-R; English ones with curly quotes or accents in Windows-1252.
SINGLE_BYTE = ("cp1251", "koi8_r", "cp1252")
_CYRILLIC = re.compile("[а-яёА-ЯЁ]")
_LATIN = re.compile("[a-zA-Z]")
_WORD = re.compile(r"[^\W\d_]+")
_COMMON_SYMBOLS = set("—–«»“”„‘’…№°±×·•€©®™§\u00a0")


def _well_shaped(word: str) -> bool:
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())


def text_likelihood(text: str) -> float:
    """How much a decoding looks like Russian or English prose (higher is better, max 3).

    Three shares of letters: in words cased as words are (lower, Upper, UPPER;
    KOI8-R read as cp1251 inverts the case), that are Cyrillic or Latin (cp1252
    read of Russian gives Ïðèâåò), and that are lower case (prose is mostly lower
    case). Words mixing both scripts count against.
    """
    words = _WORD.findall(text)
    letters = sum(len(w) for w in words)
    if not letters:
        return 0.0
    shaped = sum(len(w) for w in words if _well_shaped(w))
    mixed = sum(len(w) for w in words if _CYRILLIC.search(w) and _LATIN.search(w))
    known = _CYRILLIC.findall(text) + _LATIN.findall(text)
    lower = sum(c.islower() for c in known) / (len(known) or 1)
    return (shaped - 2 * mixed) / letters + len(known) / letters + lower


def _script(ch: str) -> str:
    if _CYRILLIC.match(ch):
        return "cyrillic"
    return "latin" if ch.isascii() or "LATIN" in unicodedata.name(ch, "") else "other"


def non_ascii_quality(text: str) -> float:
    """Share of non-ASCII characters that sit in well-formed words or are common symbols.

    Close to 1 for a right decoding; random or corrupted bytes decode to odd
    symbols or to letters that make mixed-script or oddly cased words, and score low.
    """
    total = good = 0
    for token in text.split():
        high = [c for c in token if ord(c) > 127]
        if not high:
            continue
        total += len(high)
        words = _WORD.findall(token)
        if all(_well_shaped(w) and len({_script(c) for c in w}) == 1 and _script(w[0]) != "other"
               for w in words):
            good += sum(1 for c in high if c.isalpha() or c in _COMMON_SYMBOLS)
    return good / total if total else 1.0


DETECT_BYTES = 256 * 1024  # enough text to decide; keeps detection of a large file under a second
MIN_QUALITY = 0.75  # measured (benchmarks/encodings.py): right decodings of whole files score above 0.9, damaged bytes below 0.65


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 text with a few broken bytes (more valid multi-byte characters than invalid bytes)."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    return sum(1 for c in text if ord(c) > 127) - bad >= bad


def detect_encoding(data: bytes, declared: str | None = None) -> str:
    """The encoding of bytes: a BOM, else UTF-8 if valid, else a declared one, else the likeliest single-byte one."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _damaged_utf8(data):
        return ""
    if declared and (codec := text_codec(declared)):  # a page's charset="undefined" is ignored
        try:
            data.decode(codec)
            return codec
        except UnicodeError:
            pass
    scored = []
    sample = data[:DETECT_BYTES]
    for codec in SINGLE_BYTE:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        # Only decodings whose non-ASCII characters make sense compete (English with a few
        # dashes reads almost as well in KOI8-R by letters alone, but its symbols turn to box drawing).
        if non_ascii_quality(text) >= MIN_QUALITY:
            scored.append((text_likelihood(text), codec, text))
    if not scored:
        return ""
    _, best, text = max(scored, key=lambda s: s[0])
    if best == "cp1251" and not _CYRILLIC.search(text) and any(c == "cp1252" for _, c, _ in scored):
        best = "cp1252"  # no Russian letters at all: a Western file (quotes and dashes read the same)
    return best


# Codecs Python knows that are not the character set of a text file: 'undefined' fails on any
# input, the escape codecs turn \ud800 into a lone surrogate no file can hold, punycode and idna
# are for domain names.
_NOT_CHARSETS = {"undefined", "unicode-escape", "raw-unicode-escape", "punycode", "idna"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_codec(name: str | None) -> str | None:
    """Python's name of a character set that text files are written in, or None (unknown, bytes-to-bytes
    codecs such as base64, and the codecs above)."""
    try:
        info = codecs.lookup(name or "")
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def _decoded(data: bytes, codec: str, name: str, hint: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise TmforgeError(f"{name} is not valid {codec} (byte {exc.start}); {hint}") from None
    except UnicodeError as exc:  # a codec's own refusal (utf-16 of an odd length ...)
        raise TmforgeError(f"{name} does not decode as {codec} ({exc}); {hint}") from None
    if bad := _SURROGATE.search(text):
        raise TmforgeError(f"{name} decodes as {codec} to a lone surrogate (U+{ord(bad.group()):04X} at character "
                           f"{bad.start()}), which is not text; {hint}")
    return text


def decode(data: bytes, encoding: str | None = None, name: str = "input",
           declared: str | None = None) -> tuple[str, str]:
    """Decode bytes with the given encoding, else the detected one; return the text and the encoding used."""
    if encoding:
        codec = text_codec(encoding)
        if codec is None:
            raise TmforgeError(f"unknown encoding '{encoding}' (or not the encoding of a text file); use a name "
                               "such as utf-8 or cp1251")
        return _decoded(data, codec, name, "check the --encoding option"), encoding
    used = detect_encoding(data, declared)
    if not used:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            position = exc.start
        raise TmforgeError(f"{name} is not valid UTF-8 (byte {position}) and does not read as cp1251, "
                           "koi8-r or cp1252 text; pass its encoding with --encoding, e.g. --encoding cp1251")
    return _decoded(data, used, name, "pass its encoding with --encoding"), used


def normalize(text: str) -> str:
    """Unicode NFC, LF newlines, no BOM or NUL characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text)
