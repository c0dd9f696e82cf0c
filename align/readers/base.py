"""What a document reader is, and the table that picks one for a file.

A reader turns the bytes of one file format into a `Document`: its text and
its paragraphs with character offsets into that text. Each reader names its
format, the extensions that select it and a sniffer that recognises its
content when the extension says nothing. Formats that are text (plain text,
Markdown, HTML, subtitles) derive from `TextReader`, which decodes the bytes
and only asks the subclass to find paragraphs; container formats (DOCX and
the ones to come: PDF, EPUB, ODT) derive from `Reader` and read the bytes
themselves.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Iterable

from tmforge.align.encodings import UTF16_BOMS, decode, normalize
from tmforge.errors import TmforgeError
from tmforge.types import Paragraph

# Longer paragraphs are not prose a translator aligns (a minified page, a dump
# without line breaks); embedding them would take minutes and pair nothing useful.
MAX_PARAGRAPH = 100_000


@dataclass
class Document:
    text: str
    paragraphs: list[Paragraph]  # offsets index into `text`
    path: str | None = None
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    format: str = "text"  # the name of the reader that read it
    whole_units: bool = False  # each paragraph is one unit (a subtitle cue): never split or joined

    @property
    def is_subtitles(self) -> bool:
        """A cue is one unit: the pipeline must neither split nor join cues."""
        return self.whole_units


@dataclass(frozen=True)
class ReadingOptions:
    """What the user asked of the readers; each reader uses the fields of its format and ignores the rest."""

    code_comments: bool = True  # Markdown: comments inside fenced code blocks become paragraphs
    sheet: str | None = None     # spreadsheets: the one sheet to read (None: every sheet, in order)
    # HTML: block texts the pages of a batch repeat (its site template), left out (readers/html.py).
    # Sorted, so a batch's request signature (align/resume.py) is the same from run to run.
    template: tuple[str, ...] = ()


class Reader(ABC):
    """One input format. Subclasses set the class attributes and implement `sniff` and `read`."""

    name: ClassVar[str]  # the format's name, Document.format
    label: ClassVar[str]  # how messages name it ("DOCX", "SRT subtitles")
    extensions: ClassVar[tuple[str, ...]]  # lower case, with the dot
    whole_units: ClassVar[bool] = False  # see Document.whole_units

    def sniff(self, data: bytes) -> float:
        """How surely the first bytes of a file are this format: 0 not at all, 1 certain."""
        return 0.0

    @abstractmethod
    def read(self, data: bytes, source: str, encoding: str | None = None,
             options: ReadingOptions | None = None) -> Document:
        """The document in `data` (the whole file, named `source` in messages).

        `encoding` is the user's --encoding (text formats use it, containers
        that carry their own encoding ignore it); `options` what the user asked
        of readers (None: the defaults). Raises TmforgeError on a file that is
        damaged, empty or not this format.
        """

    def document(self, source: str, text: str, paragraphs: list[Paragraph], encoding: str = "utf-8",
                 warnings: list[str] | None = None) -> Document:
        """The Document every reader returns, refused when it has no text or an overlong paragraph."""
        if not paragraphs:
            raise TmforgeError(f"{source} is empty; give a file with text in it")
        for p in paragraphs:
            if len(p.text) > MAX_PARAGRAPH:
                raise TmforgeError(f"{source} has a paragraph of {len(p.text):,} characters "
                                   f"(limit {MAX_PARAGRAPH:,}); break the text into lines or paragraphs first")
        return Document(text=text, paragraphs=paragraphs, path=source, encoding=encoding,
                        warnings=list(warnings or []), format=self.name, whole_units=self.whole_units)


@dataclass
class Parsed:
    """What a text format finds in decoded text."""

    text: str
    paragraphs: list[Paragraph]
    warnings: list[str] = field(default_factory=list)


class TextReader(Reader):
    """A format that is text: bytes are decoded (detected or --encoding), normalised, then parsed."""

    def declared_encoding(self, data: bytes) -> str | None:
        """An encoding the file names for itself (an HTML meta charset), tried before guessing."""
        return None

    @abstractmethod
    def parse(self, text: str, source: str) -> Parsed:
        """Paragraphs of normalised text."""

    def parse_with(self, text: str, source: str, options: ReadingOptions) -> Parsed:
        """Paragraphs of normalised text as `options` ask; formats without options just parse."""
        return self.parse(text, source)

    def read(self, data: bytes, source: str, encoding: str | None = None,
             options: ReadingOptions | None = None) -> Document:
        text, used = decode_text(data, source, encoding, self.declared_encoding(data))
        parsed = self.parse_with(text, source, options or ReadingOptions())
        return self.document(source, parsed.text, parsed.paragraphs, used, parsed.warnings)


class BlockReader(Reader):
    """A container format (DOCX, PDF, EPUB ...): the file gives blocks of text with their props,
    which become the document's paragraphs. Subclasses implement `blocks`."""

    @abstractmethod
    def blocks(self, data: bytes, source: str, options: ReadingOptions) -> Iterable[tuple]:
        """(text, props or None) of every block, in reading order; TmforgeError on a damaged file."""

    def read(self, data: bytes, source: str, encoding: str | None = None,
             options: ReadingOptions | None = None) -> Document:
        if not data.strip():
            raise TmforgeError(f"{source} is empty; give a file with text in it")
        text, paragraphs = join_blocks(self.blocks(data, source, options or ReadingOptions()))
        return self.document(source, text, paragraphs)


def join_blocks(blocks: Iterable[tuple]) -> tuple[str, list[Paragraph]]:
    """Text of extracted blocks, one per paragraph separated by blank lines, with offsets into it.

    A block is (text, props) or (text, props, marks): marks (inline formatting, see
    align/inline.py; a MarkedText brings its own) index into the text as given, and are moved
    along as its white space is collapsed.
    """
    from tmforge.align.inline import collapse_marks, marks_in

    parts, paragraphs, pos = [], [], 0
    for body, props, *more in blocks:
        marks = more[0] if more else marks_in(body)
        body, marks = collapse_marks(body, marks) if marks else (" ".join(body.split()), ())
        if not body:
            continue
        parts.append(body)
        paragraphs.append(Paragraph(body, pos, pos + len(body), props, marks))
        pos += len(body) + 2
    return "\n\n".join(parts) + "\n", paragraphs


# ---------------------------------------------------------------- bytes and text

def read_bytes(path: str | Path) -> bytes:
    """A regular file's bytes, up to the input cap (tmforge.inputs): no FIFO, device or endless stream."""
    from tmforge.inputs import read_input_bytes

    if Path(path).is_dir():
        raise TmforgeError(f"{path} is a folder; give a file, or two folders to align files paired by name")
    return read_input_bytes(path)


def refuse_binary(source: str, data: bytes) -> None:
    """Refuse bytes that are not text, naming what they are when known (PDF, old Word)."""
    if data.startswith(b"%PDF"):
        raise TmforgeError(f"{source} is a PDF read as text; give it a .pdf name so its text layer is read")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TmforgeError(f"{source} is an old Word/Office file; save it as .docx first")
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if b"\x00" in head or controls > len(head) * 0.05:
        raise TmforgeError(f"{source} looks like a binary file; give a text, Markdown, HTML, subtitle, DOCX, "
                           "ODT, PDF, EPUB, XLSX or PPTX file (with its extension)")


def decode_text(data: bytes, source: str, encoding: str | None = None,
                declared: str | None = None) -> tuple[str, str]:
    """Normalised text of bytes that should be text, and the encoding used; binary bytes are refused."""
    if not data.startswith(UTF16_BOMS) and encoding is None:
        refuse_binary(source, data)
    text, used = decode(data, encoding, source, declared)
    return normalize(text), used


def text_head(data: bytes, size: int = 4096) -> str:
    """The first characters of a file for sniffing, decoded leniently (UTF-8, or UTF-16 with a BOM)."""
    head = data[:size].lstrip(b"\xef\xbb\xbf").decode("utf-8", "ignore")
    if not head and data.startswith(UTF16_BOMS):
        head = data[:size].decode("utf-16", "ignore")
    return head


# ---------------------------------------------------------------- the table

class Readers:
    """The registered readers: by name, by extension, or by the best sniffing score."""

    def __init__(self, readers: Iterable[Reader], fallback: str):
        self._readers: dict[str, Reader] = {}
        self._extensions: dict[str, Reader] = {}
        for reader in readers:
            self.register(reader)
        self.fallback = fallback  # the reader for content no sniffer recognises

    def register(self, reader: Reader) -> Reader:
        if reader.name in self._readers:
            raise ValueError(f"a reader named {reader.name!r} is already registered")
        for ext in reader.extensions:
            if ext in self._extensions:
                raise ValueError(f"extension {ext} already belongs to {self._extensions[ext].name}")
            self._extensions[ext] = reader
        self._readers[reader.name] = reader
        return reader

    def __iter__(self):
        return iter(self._readers.values())

    def __len__(self) -> int:
        return len(self._readers)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._readers)

    @property
    def extensions(self) -> tuple[str, ...]:
        return tuple(self._extensions)

    def get(self, name: str) -> Reader:
        try:
            return self._readers[name]
        except KeyError:
            raise TmforgeError(f"unknown input format '{name}'; use one of {', '.join(self.names)}") from None

    def for_extension(self, path: str | Path) -> Reader | None:
        return self._extensions.get(Path(path).suffix.lower())

    def sniff(self, data: bytes) -> Reader:
        """The reader whose sniffer is surest of the content (the first registered on a tie), else the fallback."""
        best, best_score = self._readers[self.fallback], 0.0
        for reader in self._readers.values():
            score = reader.sniff(data)
            if score > best_score:
                best, best_score = reader, score
        return best

    def choose(self, path: str | Path, data: bytes) -> Reader:
        """The reader the extension names, else the one that recognises the content."""
        return self.for_extension(path) or self.sniff(data)
