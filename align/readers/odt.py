"""ODT: an OpenDocument text (LibreOffice Writer) in reading order; headers, footers and notes kept apart.

The body (content.xml) is read in document order: headings, paragraphs,
list items and table cells, one paragraph each. Footnotes and endnotes are
taken out of the sentence that cites them and come after the body, in the
order they are cited; the page headers and footers of the master pages
(styles.xml) come last. Deleted text of tracked changes and comments are
not read.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Iterable

from tmforge.align.encodings import normalize
from tmforge.align.readers.base import BlockReader, ReadingOptions
from tmforge.errors import TmforgeError

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_T, _O, _S = f"{{{_TEXT}}}", f"{{{_OFFICE}}}", f"{{{_STYLE}}}"
_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_PARAGRAPHS = {_T + "p", _T + "h"}
# Not text a reader of the page sees: deleted changes, comments, the note's own number, field declarations.
_SKIP = {_T + "tracked-changes", _O + "annotation", _O + "annotation-end", _T + "note-citation",
         _T + "sequence-decls", _T + "variable-decls", _T + "user-field-decls", _T + "bookmark-ref"}


class _Collector:
    def __init__(self) -> None:
        self.body: list[str] = []
        self.notes: list[tuple[str, dict[str, str]]] = []

    def paragraph(self, element, out: list[str], notes: bool = True) -> None:
        """The text of one text:p/text:h; notes inside it go to self.notes, frames inside it follow it."""
        pieces: list[str] = []
        later: list = []  # paragraphs nested in frames and text boxes: blocks of their own, after this one

        def walk(node) -> None:
            if node.text and node.tag not in _SKIP:
                pieces.append(node.text)
            for child in node:
                tag = child.tag if isinstance(child.tag, str) else ""
                if tag == _T + "s":
                    count = child.get(_T + "c") or "1"
                    pieces.append(" " * min(int(count), 8) if count.isdigit() else " ")  # spaces collapse anyway
                elif tag in (_T + "tab", _T + "line-break"):
                    pieces.append(" ")
                elif tag == _T + "note":
                    kind = child.get(_T + "note-class", "footnote")
                    for body in child.iter(_T + "note-body"):
                        found: list[str] = []
                        self.visit(body, found)
                        self.notes += [(t, {"part": kind}) for t in found]
                elif tag in _PARAGRAPHS or tag == _T + "list" or tag.endswith("}table"):
                    later.append(child)
                elif tag and tag not in _SKIP:
                    if any(d.tag in _PARAGRAPHS for d in child.iter() if d is not child):
                        later.append(child)  # a frame or text box holding paragraphs of its own
                    else:
                        walk(child)
                if child.tail:
                    pieces.append(child.tail)

        walk(element)
        out.append(normalize("".join(pieces)))
        for child in later:
            self.visit(child, out)

    def visit(self, element, out: list[str]) -> None:
        """Paragraphs under `element` in document order, without recursion into Python's stack for lists."""
        stack = [element]
        while stack:
            node = stack.pop()
            tag = node.tag if isinstance(node.tag, str) else ""
            if tag in _SKIP:
                continue
            if tag in _PARAGRAPHS:
                self.paragraph(node, out)
                continue
            stack.extend(reversed([c for c in node if isinstance(c.tag, str)]))


def _xml(archive: zipfile.ZipFile, name: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    return etree.fromstring(archive.read(name), parser)


def odt_parts(data: bytes, source: str) -> list[tuple[str, dict[str, str] | None]]:
    """(text, props) of the document: body, then notes (props part footnote/endnote), then headers/footers."""
    from lxml.etree import XMLSyntaxError

    from tmforge.inputs import check_unpacked_size

    check_unpacked_size(data, source, "ODT")  # a 1 MB file can inflate to gigabytes
    collector = _Collector()
    furniture: list[tuple[str, dict[str, str]]] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "content.xml" not in names:
                raise TmforgeError(f"{source} is not an OpenDocument text (no content.xml); save it as .odt "
                                   "in LibreOffice Writer")
            content = _xml(archive, "content.xml")
            for text in content.iter(_O + "text"):
                collector.visit(text, collector.body)
            if "styles.xml" in names:
                styles = _xml(archive, "styles.xml")
                for page in styles.iter(_S + "master-page"):
                    for part in ("header", "header-first", "header-left", "footer", "footer-first", "footer-left"):
                        for element in page.iter(_S + part):
                            found: list[str] = []
                            collector.visit(element, found)
                            furniture += [(t, {"part": part.split("-")[0]}) for t in found]
    except TmforgeError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, XMLSyntaxError, KeyError, ValueError,
            RuntimeError) as exc:
        raise TmforgeError(f"{source} is not a readable ODT file ({exc}); open and save it again in "
                           "LibreOffice Writer") from None
    seen = set()
    unique_furniture = [(t, p) for t, p in furniture if not (t in seen or seen.add(t))]
    return [(t, None) for t in collector.body] + collector.notes + unique_furniture


class OdtReader(BlockReader):
    name = "odt"
    label = "ODT"
    extensions = (".odt",)

    def sniff(self, data: bytes) -> float:
        return 1.0 if data.startswith(b"PK\x03\x04") and _MIMETYPE in data[:200] else 0.0

    def blocks(self, data: bytes, source: str, options: ReadingOptions) -> Iterable[tuple]:
        return odt_parts(data, source)
