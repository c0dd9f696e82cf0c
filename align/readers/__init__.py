"""Document readers, one class per input format, and `read_document`, which picks one.

To add a format: write a `Reader` subclass (see base.py; a `TextReader` if
the format is text) in a module of this package and add an instance to
`READERS` below. The contract test (tests/test_reader_contract.py) then runs
over it too once it is given a sample there.
"""

from __future__ import annotations

from pathlib import Path

from tmforge.align.readers.base import (MAX_PARAGRAPH, Document, Parsed, Reader, Readers, TextReader,
                                        join_blocks, read_bytes)
from tmforge.align.readers.docx import DocxReader
from tmforge.align.readers.html import HtmlReader
from tmforge.align.readers.markdown import MarkdownReader
from tmforge.align.readers.subtitles import SrtReader, VttReader
from tmforge.align.readers.text import PlainTextReader, read_lines, read_text, split_paragraphs

# The one table of input formats. Order breaks sniffing ties.
READERS = Readers([PlainTextReader(), MarkdownReader(), HtmlReader(), DocxReader(), SrtReader(), VttReader()],
                  fallback="text")


def read_document(path: str | Path, encoding: str | None = None, fmt: str | None = None) -> Document:
    """Read any supported file into a Document; `fmt` (a reader's name) overrides the format the
    extension names or, failing that, the content shows."""
    data = read_bytes(path)
    reader = READERS.get(fmt) if fmt else READERS.choose(path, data)
    return reader.read(data, str(path), encoding)


__all__ = ["MAX_PARAGRAPH", "READERS", "Document", "Parsed", "Reader", "Readers", "TextReader", "join_blocks",
           "read_bytes", "read_document", "read_lines", "read_text", "split_paragraphs"]
