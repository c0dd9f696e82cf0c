"""DOCX: paragraphs and table cells of a Word document, in reading order."""

from __future__ import annotations

import io
import zipfile
import zlib

from tmforge.align.encodings import normalize
from tmforge.align.inline import same_text
from tmforge.align.readers.base import Document, Reader, join_blocks
from tmforge.align.readers.docx_runs import docx_paragraph
from tmforge.errors import TmforgeError


def docx_blocks(data: bytes, source: str) -> list[str]:
    """Paragraphs of a Word document in reading order, table cells included (once each)."""
    try:
        import docx
        from docx.opc.exceptions import OpcError
        from docx.table import Table
        from lxml.etree import XMLSyntaxError
    except ImportError:  # pragma: no cover - a dependency
        raise TmforgeError("reading DOCX needs python-docx; install it with pip install python-docx") from None
    from tmforge.inputs import check_unpacked_size

    check_unpacked_size(data, source, "DOCX")  # a 1 MB file can inflate to gigabytes
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
                blocks.append(docx_paragraph(item))   # its text, bold, links ... as marks

    # A damaged archive fails in the zip layer (bad CRC, undecompressable data,
    # an unknown compression method) or in the XML inside it, while opening or
    # later while reading parts.
    try:
        visit(docx.Document(io.BytesIO(data)))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OpcError, XMLSyntaxError, KeyError,
            ValueError) as exc:
        raise TmforgeError(f"{source} is not a readable DOCX file ({exc}); open and save it again "
                           "in Word or LibreOffice") from None
    return blocks


class DocxReader(Reader):
    name = "docx"
    label = "DOCX"
    extensions = (".docx",)

    def sniff(self, data: bytes) -> float:
        return 1.0 if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536] else 0.0

    def read(self, data: bytes, source: str, encoding: str | None = None) -> Document:
        if not data.strip():
            raise TmforgeError(f"{source} is empty; give a file with text in it")
        text, paragraphs = join_blocks((same_text(b, normalize(b)), None) for b in docx_blocks(data, source))
        return self.document(source, text, paragraphs)
