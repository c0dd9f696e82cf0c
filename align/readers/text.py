"""Plain text: a paragraph is a line, or lines joined where the text was hard-wrapped."""

from __future__ import annotations

import re
from pathlib import Path

from tmforge.align.readers.base import MAX_PARAGRAPH, Parsed, TextReader, decode_text, read_bytes
from tmforge.errors import TmforgeError
from tmforge.types import Paragraph

# Sentence-final punctuation (incl. closing quotes/brackets after it) or a colon:
# a line ending like this is not a hard wrap inside a paragraph.
_LINE_END = re.compile(r"[.!?…:;»”\"')\]]\s*$")


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


class PlainTextReader(TextReader):
    name = "text"
    label = "plain text"
    extensions = (".txt", ".text", ".sent")

    def sniff(self, data: bytes) -> float:
        return 0.0  # the fallback: whatever no other reader recognises is read as text

    def parse(self, text: str, source: str) -> Parsed:
        return Parsed(text, split_paragraphs(text))


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """The normalised text of a file and the encoding used; refuses empty and binary files."""
    text, used = decode_text(read_bytes(path), str(path), encoding)
    if not text.strip():
        raise TmforgeError(f"{path} is empty; give a file with text in it")
    return text, used


def read_lines(path: str | Path, encoding: str | None = None) -> list[str]:
    """One sentence per line (pre-segmented input): line i is sentence i, kept as is."""
    text, _ = read_text(path, encoding)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_PARAGRAPH:
            raise TmforgeError(f"{path} line {number} has {len(line):,} characters (limit {MAX_PARAGRAPH:,}); "
                               "give one sentence per line")
    return lines
