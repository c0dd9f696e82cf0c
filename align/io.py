"""Reading input files into normalised text and paragraphs with offsets.

Formats: plain text, Markdown, HTML (visible text), DOCX (paragraphs and
tables), SRT and WebVTT subtitles (one cue per paragraph, timing kept), chosen
by extension or, failing that, by content. Encodings: UTF-8 with or without
BOM, UTF-16 with BOM, Windows-1251, KOI8-R and Windows-1252, detected (see
`detect_encoding`) unless the caller names one.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tmforge.errors import TmforgeError
from tmforge.types import Paragraph

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# Sentence-final punctuation (incl. closing quotes/brackets after it) or a colon:
# a line ending like this is not a hard wrap inside a paragraph.
_LINE_END = re.compile(r"[.!?…:;»”\"')\]]\s*$")
# Longer paragraphs are not prose a translator aligns (a minified page, a dump
# without line breaks); embedding them would take minutes and pair nothing useful.
MAX_PARAGRAPH = 100_000

FORMATS = ("text", "markdown", "html", "docx", "srt", "vtt")
_EXTENSIONS = {".txt": "text", ".text": "text", ".sent": "text", ".md": "markdown",
               ".markdown": "markdown", ".html": "html", ".htm": "html", ".xhtml": "html",
               ".docx": "docx", ".srt": "srt", ".vtt": "vtt"}
SUBTITLES = ("srt", "vtt")


@dataclass
class Document:
    text: str
    paragraphs: list[Paragraph]
    path: str | None = None
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    format: str = "text"

    @property
    def is_subtitles(self) -> bool:
        """A cue is one unit: the pipeline must neither split nor join cues."""
        return self.format in SUBTITLES


# ---------------------------------------------------------------- encodings

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
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _damaged_utf8(data):
        return ""
    if declared:
        try:
            data.decode(declared)
            return codecs.lookup(declared).name
        except (LookupError, UnicodeDecodeError):
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


def decode(data: bytes, encoding: str | None = None, name: str = "input",
           declared: str | None = None) -> tuple[str, str]:
    """Decode bytes with the given encoding, else the detected one; return the text and the encoding used."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise TmforgeError(f"unknown encoding '{encoding}'; use a name such as utf-8 or cp1251") from None
        except UnicodeDecodeError as exc:
            raise TmforgeError(f"{name} is not valid {encoding} (byte {exc.start}); "
                               "check the --encoding option") from None
    used = detect_encoding(data, declared)
    if not used:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            position = exc.start
        raise TmforgeError(f"{name} is not valid UTF-8 (byte {position}) and does not read as cp1251, "
                           "koi8-r or cp1252 text; pass its encoding with --encoding, e.g. --encoding cp1251")
    try:
        return data.decode(used), used
    except UnicodeDecodeError as exc:
        raise TmforgeError(f"{name} looks like {used} but byte {exc.start} is not; pass its encoding "
                           "with --encoding") from None


def normalize(text: str) -> str:
    """Unicode NFC, LF newlines, no BOM or NUL characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------- plain text

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


def join_blocks(blocks: list[tuple[str, dict[str, str] | None]]) -> tuple[str, list[Paragraph]]:
    """Text of extracted blocks, one per paragraph separated by blank lines, with offsets into it."""
    parts, paragraphs, pos = [], [], 0
    for body, props in blocks:
        body = " ".join(body.split())
        if not body:
            continue
        parts.append(body)
        paragraphs.append(Paragraph(body, pos, pos + len(body), props))
        pos += len(body) + 2
    return "\n\n".join(parts) + "\n", paragraphs


# ---------------------------------------------------------------- Markdown

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),          # image: keep its alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),           # link: keep its text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),          # reference link
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"<[^>\n]+>"), ""),                          # inline HTML tags
]


def _markdown_inline(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text


def markdown_blocks(text: str) -> list[str]:
    """Paragraphs of Markdown as plain text: headings, list items and table cells apart; code skipped."""
    blocks: list[str] = []
    current: list[str] = []
    fenced = False
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next((k for k in range(1, len(lines)) if lines[k].strip() in ("---", "...")), None)
        if end is not None:
            lines = lines[end + 1:]

    def flush() -> None:
        if current:
            blocks.append(_markdown_inline(" ".join(current)))
            current.clear()

    for line in lines:
        if _FENCE.match(line):
            flush()
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")) and not current:
            continue  # code
        stripped = re.sub(r"^\s*(>\s?)+", "", line).strip()
        if not stripped or stripped.startswith("<!--"):
            flush()
        elif _SETEXT.match(stripped) and current:
            flush()  # underline of the heading just read
        elif heading := _HEADING.match(stripped):
            flush()
            blocks.append(_markdown_inline(heading.group(1)))
        elif stripped.startswith("|") or _TABLE_RULE.match(stripped):
            flush()
            if not _TABLE_RULE.match(stripped):
                blocks.extend(_markdown_inline(c.strip()) for c in stripped.strip("|").split("|"))
        elif _LIST_ITEM.match(stripped):
            flush()
            current.append(_LIST_ITEM.sub("", stripped, count=1))
        else:
            current.append(stripped)
    flush()
    return blocks


# ---------------------------------------------------------------- HTML

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "nav", "iframe", "object",
              "select", "option", "button", "canvas", "math"}
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
               "td", "th", "tr", "table", "caption", "blockquote", "pre", "section", "article", "main",
               "header", "footer", "aside", "address", "figure", "figcaption", "form", "fieldset",
               "legend", "details", "summary", "hr", "body", "center", "title"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
NAV_MAX_WORDS = 6


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def html_blocks(text: str) -> tuple[list[str], int]:
    """Visible text of an HTML page, one string per block element; and how many navigation blocks were dropped.

    Navigation boilerplate ("Go back", "Back to the section", menus) is short
    text that is all link, or short text that repeats on the page; neither is
    taken for content (headings are kept even when they are links).
    """
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return [], 0
    blocks: list[tuple[str, int, bool]] = []  # text, characters inside links, inside a heading
    pieces: list[str] = []
    state = {"link": 0, "heading": False}

    def flush() -> None:
        body = " ".join("".join(pieces).split())
        if body:
            blocks.append((body, state["link"], state["heading"]))
        pieces.clear()
        state["link"], state["heading"] = 0, False

    def walk(el, in_link: bool) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP_TAGS:  # comments, processing instructions, invisible elements
            if tag != "head" and el.tail:
                add(el.tail, in_link)
            return
        block = tag in _BLOCK_TAGS
        if block or tag == "br":
            flush()
        if tag in _HEADINGS:
            state["heading"] = True
        link = in_link or tag == "a"
        if el.text:
            add(el.text, link)
        for child in el:
            walk(child, link)
        if block:
            if tag in _HEADINGS:
                state["heading"] = True
            flush()
        if el.tail:
            add(el.tail, in_link)

    def add(chunk: str, link: bool) -> None:
        pieces.append(chunk)
        if link:
            state["link"] += len(chunk.strip())

    walk(root, False)
    flush()
    counts = Counter(b[0] for b in blocks)
    kept = [body for body, link_chars, heading in blocks
            if not _is_navigation(body, link_chars, heading, counts[body])]
    return kept, len(blocks) - len(kept)


def _is_navigation(body: str, link_chars: int, heading: bool, repeats: int) -> bool:
    if heading or len(body.split()) > NAV_MAX_WORDS or re.search(r"[.!?…:;,]$", body):
        return False
    all_link = link_chars >= len(body.replace(" ", "")) * 0.9
    return all_link or repeats > 1


# ---------------------------------------------------------------- DOCX

def docx_blocks(path: Path) -> list[str]:
    """Paragraphs of a Word document in reading order, table cells included (once each)."""
    import zipfile

    try:
        import docx
        from docx.opc.exceptions import OpcError
        from docx.table import Table
    except ImportError:  # pragma: no cover - a dependency
        raise TmforgeError("reading DOCX needs python-docx; install it with pip install python-docx") from None
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError) as exc:
        raise TmforgeError(f"{path} is not a readable DOCX file ({exc}); open and save it again "
                           "in Word or LibreOffice") from None
    blocks: list[str] = []

    def visit(container) -> None:
        for item in container.iter_inner_content():
            if isinstance(item, Table):
                seen = set()
                for row in item.rows:
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # merged cells repeat the same cell object
                            continue
                        seen.add(id(cell._tc))
                        visit(cell)
            else:
                blocks.append(item.text)

    visit(document)
    return blocks


# ---------------------------------------------------------------- subtitles

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_CUE_TAGS = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def _timestamp(h: str | None, m: str, s: str, ms: str) -> str:
    return f"{int(h or 0):02d}:{int(m):02d}:{int(s):02d}.{int(ms.ljust(3, '0')):03d}"


def subtitle_cues(text: str) -> list[tuple[str, dict[str, str]]]:
    """(text, {start, end}) of each SRT or WebVTT cue, tags removed, lines joined."""
    cues = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        timing_at = next((k for k, line in enumerate(lines[:3]) if _TIMING.match(line)), None)
        if timing_at is None:
            continue  # WEBVTT header, NOTE, STYLE, REGION, stray text
        t = _TIMING.match(lines[timing_at]).groups()
        body = " ".join(_CUE_TAGS.sub("", line).strip() for line in lines[timing_at + 1:])
        body = " ".join(body.split())
        if body:
            cues.append((body, {"start": _timestamp(*t[:4]), "end": _timestamp(*t[4:])}))
    return cues


# ---------------------------------------------------------------- files

def read_bytes(path: str | Path) -> bytes:
    """A regular file's bytes, up to the input cap (tmforge.inputs): no FIFO, device or endless stream."""
    from tmforge.inputs import read_input_bytes

    if Path(path).is_dir():
        raise TmforgeError(f"{path} is a folder; give a file, or two folders to align files paired by name")
    return read_input_bytes(path)


def _refuse_binary(path: str | Path, data: bytes) -> None:
    if data.startswith(b"%PDF"):
        raise TmforgeError(f"{path} is a PDF; save it as DOCX or plain text first")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TmforgeError(f"{path} is an old Word/Office file; save it as .docx first")
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if b"\x00" in head or controls > len(head) * 0.05:
        raise TmforgeError(f"{path} looks like a binary file; give a text, Markdown, HTML, DOCX or "
                           "subtitle file")


def sniff_format(path: str | Path, data: bytes) -> str:
    """The format named by the extension, else recognised from the first bytes."""
    by_ext = _EXTENSIONS.get(Path(path).suffix.lower())
    if by_ext:
        return by_ext
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    head = data[:4096].lstrip(b"\xef\xbb\xbf").decode("utf-8", "ignore")
    if not head and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = data[:4096].decode("utf-16", "ignore")
    stripped = head.lstrip().lower()
    if stripped.startswith("webvtt"):
        return "vtt"
    if any(_TIMING.match(line) for line in head.splitlines()[:4]):
        return "srt"
    if stripped.startswith(("<!doctype html", "<html", "<?xml")) or re.search(r"<(body|p|div)[\s>]", stripped):
        return "html"
    return "text"


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """The normalised text of a file and the encoding used; refuses empty and binary files."""
    data = read_bytes(path)
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and encoding is None:
        _refuse_binary(path, data)
    text, used = decode(data, encoding, str(path))
    text = normalize(text)
    if not text.strip():
        raise TmforgeError(f"{path} is empty; give a file with text in it")
    return text, used


def _check_lengths(path: str | Path, paragraphs: list[Paragraph]) -> None:
    for p in paragraphs:
        if len(p.text) > MAX_PARAGRAPH:
            raise TmforgeError(f"{path} has a paragraph of {len(p.text):,} characters (limit {MAX_PARAGRAPH:,}); "
                               "break the text into lines or paragraphs first")


def read_document(path: str | Path, encoding: str | None = None, fmt: str | None = None) -> Document:
    """Read any supported file into a Document; `fmt` (one of FORMATS) overrides the sniffed format."""
    data = read_bytes(path)
    fmt = fmt or sniff_format(path, data)
    if fmt not in FORMATS:
        raise TmforgeError(f"unknown input format '{fmt}'; use one of {', '.join(FORMATS)}")
    warnings: list[str] = []
    if fmt == "docx":
        if not data.strip():
            raise TmforgeError(f"{path} is empty; give a file with text in it")
        text, paragraphs = join_blocks([(normalize(b), None) for b in docx_blocks(Path(path))])
        used = "utf-8"
    else:
        if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and encoding is None:
            _refuse_binary(path, data)
        declared = declared_charset(data) if fmt == "html" else None
        raw, used = decode(data, encoding, str(path), declared)
        raw = normalize(raw)
        if fmt == "text":
            text, paragraphs = raw, split_paragraphs(raw)
        elif fmt == "markdown":
            text, paragraphs = join_blocks([(b, None) for b in markdown_blocks(raw)])
        elif fmt == "html":
            blocks, dropped = html_blocks(raw)
            text, paragraphs = join_blocks([(b, None) for b in blocks])
            if dropped:
                warnings.append(f"{path}: skipped {dropped} navigation blocks (menus, 'Go back' links)")
        else:
            text, paragraphs = join_blocks(subtitle_cues(raw))
            if raw.strip() and not paragraphs:
                raise TmforgeError(f"{path} has no subtitle cues (lines like 00:00:01,000 --> 00:00:02,000); "
                                   "check the file or rename it to .txt")
    if not paragraphs:
        raise TmforgeError(f"{path} is empty; give a file with text in it")
    _check_lengths(path, paragraphs)
    return Document(text=text, paragraphs=paragraphs, path=str(path), encoding=used, warnings=warnings,
                    format=fmt)


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
