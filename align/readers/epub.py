"""EPUB: a book's chapters in spine order; front matter and notes kept apart from the running text.

The package (OPF) names the reading order (the spine). Each content document
is sorted by what it is, as the book itself marks it (EPUB 3 `epub:type` or
DPUB-ARIA `role` on its body or sections, the EPUB 2 guide, a spine item
marked non-linear):

- the running text: chapters, parts, the body matter, in spine order;
- front matter (cover, title page, copyright, dedication, foreword ...):
  after the running text, props part "front-matter";
- notes (footnotes, endnotes, asides marked as notes, anywhere in a chapter):
  after the front matter, props part "notes"; the note references in the
  text (the superscript numbers) are dropped;
- the table of contents and the navigation document are not read: they
  repeat the headings.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from typing import Iterable
from urllib.parse import unquote

from tmforge.align.encodings import normalize
from tmforge.align.readers.base import BlockReader, ReadingOptions
from tmforge.errors import TmforgeError

_MIMETYPE = b"application/epub+zip"
_FRONT = {"cover", "titlepage", "title-page", "halftitlepage", "copyright-page", "copyright", "dedication",
          "epigraph", "foreword", "preface", "acknowledgments", "acknowledgements", "frontmatter",
          "imprint", "colophon", "contributors", "other-credits", "errata", "seriespage", "loi", "lot"}
_NOTES = {"footnote", "footnotes", "endnote", "endnotes", "rearnote", "rearnotes", "note", "notes"}
_NAVIGATION = {"toc", "landmarks", "page-list", "index", "nav"}
_NOTE_REFS = {"noteref", "doc-noteref"}


def _kinds(element) -> set[str]:
    """What an element says it is: its epub:type words and DPUB-ARIA role (doc- prefix dropped)."""
    words = set()
    for name, value in element.attrib.items():
        if name in ("epub:type", "type") or name.endswith("}type") or name == "role":
            words.update(w.split(":")[-1].removeprefix("doc-").lower() for w in value.split())
    return words


def _xml(archive: zipfile.ZipFile, name: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False)
    return etree.fromstring(archive.read(name), parser)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _package(archive: zipfile.ZipFile, source: str):
    """(spine as [(path, linear, properties)], {path: guide type}) from container.xml and the OPF."""
    try:
        container = _xml(archive, "META-INF/container.xml")
    except KeyError:
        raise TmforgeError(f"{source} has no META-INF/container.xml, so it is no EPUB; convert it to EPUB "
                           "with Calibre or save it as DOCX") from None
    rootfile = next((e.get("full-path") for e in container.iter() if _local(e.tag) == "rootfile"), None)
    if not rootfile:
        raise TmforgeError(f"{source}: its container.xml names no package file; repair the EPUB (e.g. in Calibre)")
    opf = _xml(archive, rootfile)
    base = posixpath.dirname(rootfile)
    manifest = {}
    for item in opf.iter():
        if _local(item.tag) == "item" and item.get("id") and item.get("href"):
            path = posixpath.normpath(posixpath.join(base, unquote(item.get("href").split("#")[0])))
            manifest[item.get("id")] = (path, item.get("properties", ""), item.get("media-type", ""))
    spine = []
    for ref in opf.iter():
        if _local(ref.tag) == "itemref" and ref.get("idref") in manifest:
            path, properties, media = manifest[ref.get("idref")]
            if "html" in media or path.endswith((".xhtml", ".html", ".htm")):
                spine.append((path, ref.get("linear", "yes") != "no", properties))
    guide = {}
    for ref in opf.iter():
        if _local(ref.tag) == "reference" and ref.get("href") and ref.get("type"):
            path = posixpath.normpath(posixpath.join(base, unquote(ref.get("href").split("#")[0])))
            guide[path] = ref.get("type").lower()
    return spine, guide


def _blocks(root) -> list[str]:
    """Visible text of a content document's body, one string per block (as the HTML reader finds them)."""
    import lxml.html

    from tmforge.align.readers.html import raw_blocks

    # A book has no site template: an <aside> or a "sidebar" box is part of it.
    return [body for body, _ in raw_blocks(lxml.html.tostring(root, encoding="unicode"))]


def _content(archive: zipfile.ZipFile, path: str, kind: str) -> dict[str, list[str]]:
    """A content document's blocks by part: "text", "front-matter" and "notes"."""
    import lxml.html

    raw = archive.read(path)
    root = lxml.html.document_fromstring(raw, parser=lxml.html.HTMLParser(encoding="utf-8", no_network=True))
    body = root.find(".//body")
    if body is None:
        return {}
    parts: dict[str, list[str]] = {"text": [], "front-matter": [], "notes": []}
    # Note references ("1", "*") in the running text would glue a number to a word.
    for element in list(body.iter()):
        if _kinds(element) & _NOTE_REFS:
            element.drop_tree()
    notes = [e for e in body.iter() if e is not body and _kinds(e) & _NOTES]
    for note in notes:
        if note.getparent() is not None and not any(a in notes for a in note.iterancestors()):
            parts["notes"] += _blocks(note)
    for note in notes:
        if note.getparent() is not None:
            note.drop_tree()
    whole = _kinds(body)
    sections = [e for e in body.iter() if e is not body and _kinds(e) & (_FRONT | _NAVIGATION)]
    for section in sections:
        if section.getparent() is None or any(a in sections for a in section.iterancestors()):
            continue
        if not _kinds(section) & _NAVIGATION:
            parts["front-matter"] += _blocks(section)
        section.drop_tree()
    rest = _blocks(body)
    if whole & _NAVIGATION or kind == "navigation":
        return parts
    if whole & _NOTES or kind == "notes":
        parts["notes"] += rest
    elif whole & _FRONT or kind == "front-matter":
        parts["front-matter"] += rest
    else:
        parts["text"] += rest
    return parts


def _spine_kind(linear: bool, properties: str, guide_type: str | None) -> str:
    if "nav" in properties.split() or guide_type in ("toc", "index"):
        return "navigation"
    if guide_type and (guide_type in _FRONT or guide_type.replace("-", "") in _FRONT or guide_type == "title-page"):
        return "front-matter"
    if guide_type in _NOTES:
        return "notes"
    return "text" if linear else "front-matter"


def epub_parts(data: bytes, source: str) -> list[tuple[str, dict[str, str] | None]]:
    """(text, props) of a book: running text in spine order, then front matter, then notes."""
    from lxml.etree import ParserError, XMLSyntaxError

    from tmforge.inputs import check_unpacked_size

    check_unpacked_size(data, source, "EPUB")  # a 1 MB file can inflate to gigabytes
    found: dict[str, list[str]] = {"text": [], "front-matter": [], "notes": []}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            spine, guide = _package(archive, source)
            if not spine:
                raise TmforgeError(f"{source} has no readable chapters in its spine; repair the EPUB "
                                   "(e.g. in Calibre) or save it as DOCX")
            for path, linear, properties in spine:
                kind = _spine_kind(linear, properties, guide.get(path))
                for part, blocks in _content(archive, path, kind).items():
                    found[part] += blocks
    except TmforgeError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, XMLSyntaxError, ParserError, KeyError,
            ValueError, RuntimeError) as exc:
        raise TmforgeError(f"{source} is not a readable EPUB file ({exc}); repair it (e.g. in Calibre) or "
                           "save it as DOCX") from None
    return ([(normalize(t), None) for t in found["text"]]
            + [(normalize(t), {"part": "front-matter"}) for t in found["front-matter"]]
            + [(normalize(t), {"part": "notes"}) for t in found["notes"]])


class EpubReader(BlockReader):
    name = "epub"
    label = "EPUB"
    extensions = (".epub",)

    def sniff(self, data: bytes) -> float:
        return 1.0 if data.startswith(b"PK\x03\x04") and _MIMETYPE in data[:200] else 0.0

    def blocks(self, data: bytes, source: str, options: ReadingOptions) -> Iterable[tuple]:
        return epub_parts(data, source)
