"""Reading input files into normalised text and paragraphs with source offsets."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tm.errors import TmforgeError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# Sentence-final punctuation (incl. closing quotes/brackets after it) or a colon:
# a line ending like this is not a hard wrap inside a paragraph.
_LINE_END = re.compile(r"[.!?…:;»”\"')\]]\s*$")


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: int  # character offsets into Document.text
    end: int


@dataclass
class Document:
    text: str
    paragraphs: list[Paragraph]
    path: str | None = None
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes, encoding: str | None = None, name: str = "input") -> tuple[str, str]:
    """Decode bytes: the given encoding, else a BOM, else UTF-8 strictly."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise TmforgeError(f"unknown encoding '{encoding}'; use a name such as utf-8 or cp1251") from None
        except UnicodeDecodeError as exc:
            raise TmforgeError(f"{name} is not valid {encoding} (byte {exc.start}); "
                               "check the --encoding option") from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        raise TmforgeError(f"{name} is not valid UTF-8 (byte {exc.start}); "
                           "pass its encoding with --encoding, e.g. --encoding cp1251") from None


def normalize(text: str) -> str:
    """Unicode NFC, LF newlines, no BOM or NUL characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs are lines; a line broken mid-sentence (hard wrap) joins the next one.

    A line continues the previous one when the previous line does not end a
    sentence and the next starts in lower case, which is how wrapped plain text
    looks; anything else (headings, list items, one paragraph per line) stays apart.
    """
    paragraphs: list[Paragraph] = []
    current: list[tuple[int, int]] = []  # (start, end) of lines in the current paragraph

    def flush() -> None:
        if current:
            start, end = current[0][0], current[-1][1]
            body = " ".join(text[s:e].strip() for s, e in current)
            paragraphs.append(Paragraph(body, start, end))
            current.clear()

    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        lead = len(line) - len(line.lstrip())
        if current:
            prev = text[current[-1][0]:current[-1][1]]
            if not _LINE_END.search(prev) and stripped[0].islower():
                current.append((start + lead, end))
                continue
            flush()
        current.append((start + lead, start + lead + len(stripped)))
    flush()
    return paragraphs


def read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    if not p.exists():
        raise TmforgeError(f"file not found: {p}")
    if p.is_dir():
        raise TmforgeError(f"{p} is a folder; give a file")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise TmforgeError(f"cannot read {p}: {exc.strerror or exc}") from None


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """The normalised text of a file and the encoding used; refuses empty and binary files."""
    data = read_bytes(path)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
            and encoding is None:
        raise TmforgeError(f"{path} looks like a binary file; give a text file")
    text, used = decode(data, encoding, str(path))
    text = normalize(text)
    if not text.strip():
        raise TmforgeError(f"{path} is empty; give a file with text in it")
    return text, used


def read_document(path: str | Path, encoding: str | None = None) -> Document:
    text, used = read_text(path, encoding)
    return Document(text=text, paragraphs=split_paragraphs(text), path=str(path), encoding=used)


def read_lines(path: str | Path, encoding: str | None = None) -> list[str]:
    """One sentence per line (pre-segmented input): line i is sentence i, kept as is."""
    text, _ = read_text(path, encoding)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
