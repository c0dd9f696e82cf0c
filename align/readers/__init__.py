"""Document readers, one class per input format, and `read_document`, which picks one.

To add a format: write a `Reader` subclass (see base.py; a `TextReader` if
the format is text) in a module of this package and add an instance to
`READERS` below. The contract test (tests/test_reader_contract.py) then runs
over it too once it is given a sample there.
"""

from __future__ import annotations

from pathlib import Path

from tmforge.align.readers.base import (MAX_PARAGRAPH, Document, Parsed, Reader, Readers, ReadingOptions,
                                        TextReader, join_blocks, read_bytes)
from tmforge.align.readers.docx import DocxReader
from tmforge.align.readers.epub import EpubReader
from tmforge.align.readers.html import HtmlReader
from tmforge.align.readers.markdown import MarkdownReader
from tmforge.align.readers.odt import OdtReader
from tmforge.align.readers.pdf import PdfReader
from tmforge.align.readers.pptx import PptxReader
from tmforge.align.readers.subtitles import SrtReader, VttReader
from tmforge.align.readers.text import PlainTextReader, read_lines, read_text, split_paragraphs
from tmforge.align.readers.xlsx import XlsxReader

# The one table of input formats. Order breaks sniffing ties.
READERS = Readers([PlainTextReader(), MarkdownReader(), HtmlReader(), DocxReader(), SrtReader(), VttReader(),
                   PdfReader(), EpubReader(), OdtReader(), XlsxReader(), PptxReader()],
                  fallback="text")


def read_document(path: str | Path, encoding: str | None = None, fmt: str | None = None,
                  options: ReadingOptions | None = None) -> Document:
    """Read any supported file into a Document; `fmt` (a reader's name) overrides the format the
    extension names or, failing that, the content shows; `options` are the user's reading options."""
    data = read_bytes(path)
    reader = READERS.get(fmt) if fmt else READERS.choose(path, data)
    return reader.read(data, str(path), encoding, options)


__all__ = ["MAX_PARAGRAPH", "READERS", "Document", "Parsed", "Reader", "Readers", "ReadingOptions", "TextReader",
           "join_blocks",
           "read_bytes", "read_document", "read_lines", "read_text", "split_paragraphs"]
