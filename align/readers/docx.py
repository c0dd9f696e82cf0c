"""DOCX: paragraphs and table cells of a Word document, in reading order (tracked insertions and content
controls included, deleted text not); then, kept apart from the
body, its headers and footers (each once, section by section) and its footnotes and endnotes (in the
order the body refers to them)."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Iterable

from tmforge.align.encodings import normalize
from tmforge.align.inline import same_text
from tmforge.align.readers.base import BlockReader, ReadingOptions
from tmforge.align.readers.docx_runs import docx_paragraph, showing_placeholder
from tmforge.errors import TmforgeError


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NOTE_KINDS = (("footnote", "footnotes"), ("endnote", "endnotes"))


def _note_paragraphs(document, kind: str, part_name: str) -> list[str]:
    """The text of each footnote (or endnote), in the order the body refers to them, one per paragraph."""
    from lxml import etree

    part = next((rel.target_part for rel in document.part.rels.values()
                 if not rel.is_external and rel.reltype.endswith("/" + part_name)), None)
    if part is None:
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(part.blob, parser)
    notes = {n.get(_W + "id"): n for n in root.iter(_W + kind)
             if n.get(_W + "type") in (None, "normal")}  # not the separator lines Word stores as notes
    order = [ref.get(_W + "id") for ref in document.element.body.iter(_W + kind + "Reference")]
    order += [k for k in notes if k not in order]  # notes the body never cites still count, after the others
    texts = []
    for key in dict.fromkeys(order):
        if key in notes:
            for paragraph in notes[key].iter(_W + "p"):
                texts.append("".join(t.text or "" for t in paragraph.iter(_W + "t", _W + "tab")))
    return texts


def docx_parts(data: bytes, source: str) -> list[tuple[str, dict[str, str] | None]]:
    """(text, props) of a Word document's paragraphs: the body in reading order, table cells included
    (once each), then headers and footers, then footnotes and endnotes, each marked by props["part"]."""
    body: list[str] = []
    extra: list[tuple[str, dict[str, str] | None]] = []

    def collect(blocks: list[str], part: str | None):
        if part is None:
            body.extend(blocks)
        else:
            extra.extend((b, {"part": part}) for b in blocks)

    _read_docx(data, source, collect)
    return [(b, None) for b in body] + extra


def docx_blocks(data: bytes, source: str) -> list[str]:
    """Paragraphs of a Word document's body in reading order, table cells included (once each)."""
    return [text for text, props in docx_parts(data, source) if props is None]


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _text_boxes(paragraph):
    """The text boxes (w:txbxContent) anchored in this paragraph itself, each once: Word writes a shape's
    text twice, as DrawingML and as a VML fallback (mc:Fallback), which is skipped."""
    for box in paragraph.iter(_W + "txbxContent"):
        ancestors = list(box.iterancestors())
        if next(a for a in ancestors if a.tag == _W + "p") is paragraph \
                and not any(a.tag == _MC_FALLBACK for a in ancestors):
            yield box


def _is_toc(element) -> bool:
    """A content control Word made for a table of contents (docPartGallery "Table of Contents")."""
    return any((gallery.get(_W + "val") or "").lower() == "table of contents"
               for props in element.iterchildren(_W + "sdtPr") for gallery in props.iter(_W + "docPartGallery"))


def _is_toc_entry(paragraph) -> bool:
    """A paragraph in one of Word's built-in "toc N" styles (whatever the language of Word shows them in)."""
    try:
        name = (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError, AttributeError):
        return False
    return name.lower().startswith("toc ")


def _block_items(container):
    """Paragraphs and tables of a body, cell, header or footer in document order, also those inside
    content controls (w:sdt: a template's title, a form's fields), which python-docx's
    iter_inner_content does not look into. A table of contents is left out (its entries repeat the
    headings with page numbers), as the EPUB reader leaves out a book's."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    parent = getattr(container, "_body", container)   # a Document holds its body
    element = parent._element

    def walk(element):
        for child in element:
            if child.tag == _W + "p":
                paragraph = Paragraph(child, parent)
                if not _is_toc_entry(paragraph):
                    yield paragraph
                for box in _text_boxes(child):   # a text box's text follows the paragraph it is anchored in
                    yield from walk(box)
            elif child.tag == _W + "tbl":
                yield Table(child, parent)
            elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml") and not _is_toc(child) \
                    and not showing_placeholder(child):
                yield from walk(child)

    return walk(element)


def _read_docx(data: bytes, source: str, collect) -> None:
    """Give `collect(blocks, part)` the body (part None), then headers, footers and notes."""
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

    def visit(container, blocks: list[str]) -> None:
        for item in _block_items(container):
            if isinstance(item, Table):
                seen = set()
                for row in item.rows:
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # merged cells repeat the same cell object
                            continue
                        seen.add(id(cell._tc))
                        visit(cell, blocks)
            else:
                blocks.append(docx_paragraph(item))   # its text, bold, links ... as marks

    def furniture(document) -> None:
        """Each header and footer once, section by section (a linked one repeats the section before)."""
        seen = set()
        for section in document.sections:
            for name in ("first_page_header", "header", "even_page_header",
                         "first_page_footer", "footer", "even_page_footer"):
                item = getattr(section, name)
                if item.is_linked_to_previous or id(item.part) in seen:
                    continue
                seen.add(id(item.part))
                found: list[str] = []
                visit(item, found)
                collect(found, "footer" if name.endswith("footer") else "header")

    # A damaged archive fails in the zip layer (bad CRC, undecompressable data,
    # an unknown compression method) or in the XML inside it, while opening or
    # later while reading parts.
    try:
        document = docx.Document(io.BytesIO(data))
        visit(document, blocks)
        collect(blocks, None)
        furniture(document)
        for kind, part_name in _NOTE_KINDS:
            collect(_note_paragraphs(document, kind, part_name), kind)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OpcError, XMLSyntaxError, KeyError,
            ValueError) as exc:
        raise TmforgeError(f"{source} is not a readable DOCX file ({exc}); open and save it again "
                           "in Word or LibreOffice") from None


class DocxReader(BlockReader):
    name = "docx"
    label = "DOCX"
    extensions = (".docx",)

    def sniff(self, data: bytes) -> float:
        return 1.0 if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536] else 0.0

    def blocks(self, data: bytes, source: str, options: ReadingOptions) -> Iterable[tuple]:
        return ((same_text(b, normalize(b)), props) for b, props in docx_parts(data, source))
