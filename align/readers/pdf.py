"""PDF with a text layer: the running text of its pages, as a reader of the printed page sees it.

pypdf extracts each page's text with the position of every piece, which
makes lines with their height on the page. What a page repeats for print is
then taken out: running headers and footers (lines among the topmost or
bottommost of many pages, page numbers masked) and bare page numbers.
Paragraphs are rebuilt from lines: a wider gap than the page's line spacing,
a line that stops well short of the text width, or the next line starting a
list item ends one; otherwise the paragraph runs on, across page breaks too.
Words hyphenated at a line end are joined again.

A PDF without a text layer (a scan) is refused with a pointer to OCR.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from tmforge.align.encodings import normalize
from tmforge.align.readers.base import BlockReader, ReadingOptions
from tmforge.errors import TmforgeError

EDGE_LINES = 3  # lines at each end of a page that may be a running header or footer
# A line this much shorter than the page's full lines ends its paragraph (a last line, a heading).
SHORT_LINE = 0.75
# A gap between lines this many times the usual line spacing separates paragraphs.
PARAGRAPH_GAP = 1.4
_PAGE_NUMBER = re.compile(r"^[\s\-–—|·•]*(?:(?:page|p\.|стр\.?|страница|с\.)\s*)?(\d{1,4}|[ivxlcdm]{1,8})"
                          r"(?:\s*(?:of|из|/)\s*\d{1,4})?[\s\-–—|·•]*$", re.I)
_HYPHENS = "-\u00ad\u2010\u2011"  # hyphen-minus, soft hyphen, hyphen, non-breaking hyphen
_HYPHENATED = re.compile(rf"([^\W\d_]+)[{_HYPHENS}]$")
_CONTINUATION = re.compile(r"^([^\W\d_]+)")
# A hyphen before a capital or a digit on the next line is the word's own ("Санкт-|Петербург", "2019-|2020"):
# hyphenation never splits there.
_COMPOUND_END = re.compile(r"[^\W_][-\u2010\u2011]$")
_LETTER = re.compile(r"[^\W\d_]")
_LIST_START = re.compile(r"^(?:[•◦▪‣●○■□–—*-]\s|\(?\d{1,3}[.)]\s|\(?[a-zа-я][.)]\s)")


@dataclass
class Line:
    text: str
    y: float  # height of its baseline on the page (PDF points, up from the bottom)
    gap: float | None = None  # distance down from the line before on the same page; None for the first


def _masked(line: str) -> str:
    """A line as a running header or footer repeats it: digits (page numbers, dates) masked."""
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _page_lines(page) -> list[Line]:
    """A page's lines in the order pypdf finds them, each with its height on the page."""
    lines: list[Line] = []
    pieces: list[str] = []
    current_y: list[float | None] = [None]

    def close() -> None:
        text = " ".join("".join(pieces).split())
        if text:
            lines.append(Line(text, current_y[0] or 0.0))
        pieces.clear()

    def visit(text, cm, tm, font, size) -> None:
        if not text:
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if current_y[0] is None or abs(y - current_y[0]) > 1.0:
            close()
            current_y[0] = y
        pieces.append(text.replace("\n", " "))

    page.extract_text(visitor_text=visit)
    close()
    for before, line in zip(lines, lines[1:]):
        line.gap = before.y - line.y
    for line in lines:
        line.text = normalize(line.text)
    return lines


# What pypdf says, in non-strict mode, when it skips part of a page's content: the text there is lost,
# so the file is refused as damaged. (A cross-reference table it repairs loses nothing and is accepted.)
_LOST_CONTENT = re.compile(r"Invalid Elementary Object|while decompressing|Stream has ended|Expecting a NameObject"
                           r"|Unexpected escaped string|not defined|endstream", re.I)


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _pypdf_warnings():
    """pypdf's warnings while reading, collected instead of printed (one error line is all the user sees)."""
    logger = logging.getLogger("pypdf")
    handler, level, propagate = _Warnings(), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _damaged(source: str, reason: str) -> TmforgeError:
    reason = reason.splitlines()[0][:160] if reason else "damaged"
    return TmforgeError(f"{source} is not a readable PDF file ({reason}); open it and print it to a new PDF, "
                        "or save it as DOCX or text first")


def page_lines(data: bytes, source: str) -> list[list[Line]]:
    """The text lines of each page, or an error line for a file pypdf cannot read whole."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - a dependency
        raise TmforgeError("reading PDF needs pypdf; install it with pip install pypdf") from None
    with _pypdf_warnings() as warnings:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise TmforgeError(f"{source} is a password-protected PDF; save a copy without a password first")
            pages = [_page_lines(page) for page in reader.pages]
        except TmforgeError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged file fails anywhere inside pypdf, with any exception
            raise _damaged(source, str(exc) or type(exc).__name__) from None
    lost = next((w for w in warnings if _LOST_CONTENT.search(w)), None)
    if lost:
        raise _damaged(source, lost)
    return pages


def _edges(page: list[Line]) -> tuple[set[int], set[int]]:
    """Indices of the EDGE_LINES topmost and bottommost lines of a page, by height on the page."""
    by_height = sorted(range(len(page)), key=lambda k: -page[k].y)
    return set(by_height[:EDGE_LINES]), set(by_height[-EDGE_LINES:])


def strip_page_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without running headers, footers and page numbers.

    A running header or footer is a line among the EDGE_LINES topmost or
    bottommost of a page whose masked form is at the same end of at least
    half the pages (two at least). A bare page number ("12", "- 12 -",
    "Page 3 of 9", "стр. 4", "xii") that is the topmost or bottommost line goes too.
    """
    counted = [p for p in pages if p]
    needed = max(2, (len(counted) + 1) // 2)
    top, bottom = Counter(), Counter()
    for page in counted:
        high, low = _edges(page)
        top.update({_masked(page[k].text) for k in high})
        bottom.update({_masked(page[k].text) for k in low})
    cleaned = []
    for page in pages:
        high, low = _edges(page)
        drop = {k for k in high if top[_masked(page[k].text)] >= needed}
        drop |= {k for k in low if bottom[_masked(page[k].text)] >= needed}
        rest = [k for k in range(len(page)) if k not in drop]
        if rest:
            for k in (max(rest, key=lambda k: page[k].y), min(rest, key=lambda k: page[k].y)):
                if _PAGE_NUMBER.match(page[k].text):
                    drop.add(k)
        kept = [line for k, line in enumerate(page) if k not in drop]
        if kept:
            kept[0] = Line(kept[0].text, kept[0].y, None)  # what was above it is gone
        cleaned.append(kept)
    return cleaned


@lru_cache(maxsize=1)
def _russian_words():
    from tmforge.align.detect import _russian_lexicon

    return _russian_lexicon()


def join_hyphenated(head: str, tail: str, words: set[str]) -> str:
    """The word a line-end hyphen split (`head` before it, `tail` after), hyphen kept only for a compound.

    The document decides first (the word written elsewhere whole, or with its
    hyphen); then for Russian the dictionary (pymorphy3), which knows both
    "информации" and "кто-нибудь". Anything else was split by hyphenation,
    which is what a line-end hyphen mostly is.
    """
    whole, compound = head + tail, f"{head}-{tail}"
    if compound.lower() in words:
        return compound
    if whole.lower() in words:
        return whole
    if re.search("[а-яё]", whole, re.I):
        morph = _russian_words()
        if morph.word_is_known(whole.lower()):
            return whole
        if morph.word_is_known(compound.lower()):
            return compound
    return whole


def paragraphs_of(pages: list[list[Line]]) -> list[str]:
    """Paragraphs rebuilt from the pages' lines: a wide gap, a short line or a list item ends one;
    otherwise a paragraph runs on, across page breaks too."""
    lines = [line for page in pages for line in page]
    long_lines = sorted(len(line.text) for line in lines if len(line.text) >= 20)
    full = long_lines[int(len(long_lines) * 0.75)] if long_lines else 0
    gaps = [line.gap for line in lines if line.gap is not None and line.gap > 0]
    spacing = statistics.median(gaps) if gaps else 0.0
    # The document's own words, hyphenated compounds whole: a word split at a line end is looked up here.
    words = set(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", "\n".join(line.text for line in lines).lower()))
    paragraphs: list[str] = []
    current = ""
    for k, line in enumerate(lines):
        text = line.text
        if current:
            split = _HYPHENATED.search(current)
            nxt = _CONTINUATION.match(text)
            if split and nxt and text[0].islower():
                if current.endswith("\u00ad"):
                    current = current[:-1] + text
                else:
                    word = join_hyphenated(split.group(1), nxt.group(1), words)
                    current = current[:split.start()] + word + text[nxt.end():]
            elif _COMPOUND_END.search(current) and (text[0].isupper() or text[0].isdigit()):
                current += text
            else:
                current += " " + text
        else:
            current = text
        after = lines[k + 1] if k + 1 < len(lines) else None
        ends = (after is None or len(text) < full * SHORT_LINE or _LIST_START.match(after.text)
                or (after.gap is not None and spacing and (after.gap > spacing * PARAGRAPH_GAP or after.gap < 0)))
        if ends:
            paragraphs.append(current)
            current = ""
    return paragraphs


class PdfReader(BlockReader):
    name = "pdf"
    label = "PDF"
    extensions = (".pdf",)

    def sniff(self, data: bytes) -> float:
        return 1.0 if data[:1024].lstrip().startswith(b"%PDF-") else 0.0

    def blocks(self, data: bytes, source: str, options: ReadingOptions) -> Iterable[tuple]:
        pages = page_lines(data, source)
        if not any(_LETTER.search(line.text) for page in pages for line in page):
            raise TmforgeError(f"{source} has no text layer (a scanned PDF?); run OCR on it first "
                               "(e.g. ocrmypdf -l rus+eng in.pdf out.pdf) and align the result")
        return ((p, None) for p in paragraphs_of(strip_page_furniture(pages)))
