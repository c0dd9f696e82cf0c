"""XLIFF 2.0 writer and reader (OASIS XLIFF Version 2.0, core and the Metadata module).

A 2.0 document holds one language pair (srcLang/trgLang on `<xliff>`); each
`<file>` is one source document, each `<unit>` one translation unit with one
`<segment>` in state "translated" (found by a machine, not reviewed). The
facts a TMX keeps as props (score, bead, seq, created, the unit's own props
as x-KEY) go into the unit's `<mda:metadata>` as `<mda:meta type="KEY">`, the
module XLIFF 2 defines for such data, so they round-trip and a CAT tool that
does not know them still reads the file. Inline codes: a segment written
from TMX inline markup (WriteOptions.inline_markup) gets `<ph>`, `<sc>`/`<ec>`
for its TMX ph and bpt/ept; reading turns 2.0 codes back into TMX markup
with ReadOptions.inline="keep" and drops them otherwise.

tests/test_tm_xliff2_format.py validates written files against the OASIS
schemas in tests/data/xliff/ and reads them back with translate-toolkit's
XLIFF 2.0 store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator
from xml.sax.saxutils import escape

from lxml import etree

from tmforge.atomic import atomic_path
from tmforge.tm.tmx import remove_forbidden
from tmforge.tm.xliff import NO_DOCUMENT_NOTE, XliffRecord

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
META_CATEGORY = "tmforge"             # the metaGroup holding our facts; others' groups are left alone
UNTRANSLATED = {"initial"}
_NMTOKEN = re.compile(r"[\w.:-]+")     # what the schema takes as an id            # an explicit initial state: the target is not a translation yet


def _q(tag: str, ns: str = XLIFF2_NS) -> str:
    return f"{{{ns}}}{tag}"


@dataclass
class Xliff2Unit:
    source: str
    target: str
    facts: dict[str, str] = field(default_factory=dict)
    review: bool = False           # low confidence: subState tmforge:needs-review (2.0 has no such state)


REVIEW_SUBSTATE = "tmforge:needs-review"


@dataclass
class Xliff2File:
    original: str | None            # None: the units' document is not known
    units: list[Xliff2Unit]


# Every element written carries the document's prefixes, so the file reads <unit>, <mda:meta>, not ns0:/ns1:.
_NSMAP = {None: XLIFF2_NS, "mda": MDA_NS}


def write_xliff2(files: Iterable[Xliff2File], path: str | Path, src_lang: str, tgt_lang: str,
                 inline_markup: bool = False) -> int:
    """Write one XLIFF 2.0 document atomically; returns the number of units written."""
    written = 0
    with atomic_path(path) as tmp, etree.xmlfile(str(tmp), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(_q("xliff"), {"version": "2.0", "srcLang": src_lang, "trgLang": tgt_lang},
                        nsmap=_NSMAP):
            for number, file in enumerate(files, 1):
                attrs = {"id": f"f{number}"}
                if file.original:
                    attrs["original"] = file.original
                with xf.element(_q("file"), attrs):
                    if file.original is None:
                        notes = etree.Element(_q("notes"), nsmap=_NSMAP)
                        etree.SubElement(notes, _q("note"), {"category": META_CATEGORY}).text = NO_DOCUMENT_NOTE
                        xf.write(notes)
                    if not file.units:       # the schema wants one unit at least: an empty memory has an empty one
                        xf.write(_empty_unit())
                    for unit in file.units:
                        written += 1
                        xf.write(_unit(unit, f"u{written}", inline_markup))
    return written


def _empty_unit() -> etree._Element:
    unit = etree.Element(_q("unit"), {"id": "empty", "translate": "no"}, nsmap=_NSMAP)
    etree.SubElement(etree.SubElement(unit, _q("segment")), _q("source"))
    return unit


def _unit(unit: Xliff2Unit, unit_id: str, inline_markup: bool) -> etree._Element:
    elem = etree.Element(_q("unit"), {"id": unit_id, XML_SPACE: "preserve"}, nsmap=_NSMAP)
    if unit.facts:
        group = etree.SubElement(etree.SubElement(elem, _q("metadata", MDA_NS)), _q("metaGroup", MDA_NS),
                                 {"category": META_CATEGORY})
        for key, value in unit.facts.items():
            etree.SubElement(group, _q("meta", MDA_NS), {"type": key}).text = remove_forbidden(value)[0]
    segment = etree.SubElement(elem, _q("segment"), {"state": "translated"})
    if unit.review:
        segment.set("subState", REVIEW_SUBSTATE)
    codes = _CodeIds()
    for name, text in (("source", unit.source), ("target", unit.target)):
        segment.append(_content(name, text, inline_markup, codes))
    return elem


class _CodeIds:
    """Ids of inline codes within one unit: a code of the source and its copy in the target share an id."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], str] = {}

    def get(self, kind: str, key: str) -> str:
        """The TMX i/x itself when it is a usable id not taken by another code, else a new one."""
        if (kind, key) not in self.ids:
            taken = set(self.ids.values())
            usable = key and _NMTOKEN.fullmatch(key) and key not in taken
            self.ids[(kind, key)] = key if usable else next(
                f"{kind}{n}" for n in range(len(self.ids) + 1, len(self.ids) + len(taken) + 2)
                if f"{kind}{n}" not in taken)
        return self.ids[(kind, key)]


def _content(name: str, text: str, inline_markup: bool, codes: _CodeIds) -> etree._Element:
    """<source>/<target> of a segment: plain text, or TMX inline markup turned into 2.0 codes."""
    elem = etree.Element(_q(name), nsmap=_NSMAP)
    text = remove_forbidden(text)[0]
    if inline_markup and ("<" in text or "&" in text):   # markup: its text is escaped
        try:
            seg = etree.fromstring(f"<seg>{text}</seg>", etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            seg = None
        if seg is not None and all(c.tag in ("bpt", "ept", "ph", "it") for c in seg.iterdescendants()):
            elem.text = seg.text
            for child in seg:
                elem.append(_code(child, codes))
            return elem
    elem.text = text
    return elem


def _code(tmx: etree._Element, codes: _CodeIds) -> etree._Element:
    """A TMX inline element as its XLIFF 2.0 counterpart; the native code goes into `disp` for the translator."""
    native = "".join(tmx.itertext())
    pair = tmx.get("i") or tmx.get("x") or "0"
    if tmx.tag == "bpt":
        code = etree.Element(_q("sc"), {"id": codes.get("sc", pair)}, nsmap=_NSMAP)
    elif tmx.tag == "ept":
        code = etree.Element(_q("ec"), {"startRef": codes.get("sc", pair)}, nsmap=_NSMAP)
    else:   # ph, or it (an isolated code): a standalone placeholder
        code = etree.Element(_q("ph"), {"id": codes.get("ph", tmx.get("x") or f"#{len(codes.ids)}")},
                             nsmap=_NSMAP)
    if native:
        code.set("disp", native)
    code.tail = tmx.tail
    return code


# ---------------------------------------------------------------- reading

def is_xliff2(root: etree._Element) -> bool:
    return etree.QName(root).namespace == XLIFF2_NS


def _local(elem: etree._Element) -> str:
    return etree.QName(elem).localname if isinstance(elem.tag, str) else ""


def _facts(unit: etree._Element) -> dict[str, str]:
    facts: dict[str, str] = {}
    for group in unit.iter(_q("metaGroup", MDA_NS)):
        if group.get("category") == META_CATEGORY:
            for meta in group.iter(_q("meta", MDA_NS)):
                facts[meta.get("type", "")] = meta.text or ""
    return facts


def content_text(elem: etree._Element, inline: str = "strip") -> str:
    """Text of a 2.0 source/target: pc and mrk keep their text; ph/sc/ec codes dropped ('strip') or
    written as TMX ph/bpt/ept ('keep'); cp gives its character."""
    parts = [escape(elem.text or "") if inline == "keep" else elem.text or ""]
    for child in elem:
        name = _local(child)
        if name == "cp":
            try:
                char = remove_forbidden(chr(int(child.get("hex", ""), 16)))[0]
            except (ValueError, OverflowError):
                char = ""
            parts.append(escape(char) if inline == "keep" else char)
        elif name in ("pc", "mrk"):
            inner = content_text(child, inline)
            if inline == "keep" and name == "pc":
                i = child.get("id", "")
                inner = (f'<bpt i="{escape(i)}">{escape(child.get("dispStart", ""))}</bpt>{inner}'
                         f'<ept i="{escape(i)}">{escape(child.get("dispEnd", ""))}</ept>')
            parts.append(inner)
        elif inline == "keep" and name in ("ph", "sc", "ec"):
            parts.append(_tmx_code(child))
        parts.append(escape(child.tail or "") if inline == "keep" else child.tail or "")
    return "".join(parts)


def _tmx_code(code: etree._Element) -> str:
    name, disp = _local(code), escape(code.get("disp") or code.get("equiv") or "")
    if name == "ph":
        return f'<ph x="{escape(code.get("id", ""))}">{disp}</ph>'
    if code.get("isolated") == "yes":
        return f'<it pos="{"begin" if name == "sc" else "end"}">{disp}</it>'
    if name == "sc":
        return f'<bpt i="{escape(code.get("id", ""))}">{disp}</bpt>'
    return f'<ept i="{escape(code.get("startRef") or code.get("id") or "")}">{disp}</ept>'


def _translatable(elem: etree._Element, inherited: bool) -> bool:
    value = elem.get("translate")
    return inherited if value is None else value == "yes"


def read_records(root: etree._Element, inline: str = "strip") -> Iterator[XliffRecord]:
    """The translated segments of an XLIFF 2.0 document, in document order.

    Left out: units under translate="no", segments without a target, with an
    empty one and no state, and segments whose state says "initial" (not
    translated yet; a target without a state counts as translated, as many tools
    write no state).
    A unit of several segments gives one record per segment.
    """
    src_lang, tgt_lang = root.get("srcLang", ""), root.get("trgLang", "")

    def walk(parent: etree._Element, translate: bool, document: str | None) -> Iterator[XliffRecord]:
        for child in parent:
            name = _local(child)
            if name == "group":
                yield from walk(child, _translatable(child, translate), document)
            elif name == "unit" and _translatable(child, translate):
                facts = _facts(child)
                for segment in child:
                    if _local(segment) != "segment" or segment.get("state") in UNTRANSLATED:
                        continue
                    source = next((c for c in segment if _local(c) == "source"), None)
                    target = next((c for c in segment if _local(c) == "target"), None)
                    if source is None or target is None:
                        continue
                    target_text = content_text(target, inline)
                    if target_text.strip() or segment.get("state"):   # an empty target said to be translated
                        yield XliffRecord(content_text(source, inline), target_text, src_lang, tgt_lang,
                                          document, facts)

    for file in root:
        if _local(file) != "file" or not _translatable(file, True):
            continue
        notes = [n for c in file if _local(c) == "notes" for n in c if _local(n) == "note"]
        unknown = any(n.get("category") == META_CATEGORY and (n.text or "") == NO_DOCUMENT_NOTE for n in notes)
        yield from walk(file, True, None if unknown else file.get("original"))
