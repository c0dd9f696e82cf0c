"""XLIFF 1.2 writer (lxml's incremental writer), valid against the OASIS strict schema, and reader.

One `<file>` per document; each paragraph is a `<group>`, each segment a
`<trans-unit>` with its `<source>`, a `<target>` when a translation is known
(its `state` and `state-qualifier` say how it was found), and candidates from
a memory as `<alt-trans match-quality="87" origin="...">`, best first. What
CAT tools read from these:

| found | target state | state-qualifier |
| --- | --- | --- |
| exact match (100 %) | translated | exact-match |
| fuzzy match | needs-review-translation | fuzzy-match |
| semantic match | needs-review-translation | leveraged-tm |
| nothing | (no target) | |

A memory written as XLIFF (tm/formats/xliff.py) has one `<file>` per source
document and language pair, each unit a translated trans-unit whose facts
(score, bead, seq, created, props as x-KEY) are notes from="tmforge" reading
"key: value". read_units reads the translated units of any XLIFF 1.x file
(a CAT project's): see there.

tests/test_tm_pretranslate.py and tests/test_tm_xliff_format.py validate written files
against tests/data/xliff/xliff-core-1.2-strict.xsd and read them back with translate-toolkit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

from lxml import etree

from tmforge.atomic import atomic_path
from tmforge.tm.tmx import remove_forbidden
from tmforge.version import tool_version

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
STATES = {"exact": ("translated", "exact-match"), "fuzzy": ("needs-review-translation", "fuzzy-match"),
          "semantic": ("needs-review-translation", "leveraged-tm")}


@dataclass
class Candidate:
    source: str
    target: str
    quality: int
    kind: str             # exact, fuzzy or semantic
    origin: str = ""


@dataclass
class XliffUnit:
    id: str
    source: str
    target: str | None = None          # the chosen translation, if any
    kind: str | None = None            # how the target was found (a key of STATES)
    candidates: list[Candidate] = field(default_factory=list)
    note: str | None = None
    facts: dict[str, str] = field(default_factory=dict)   # written as notes "key: value"
    markup: bool = False               # source/target hold TMX inline markup, written as 1.2 inline codes
    review: bool = False               # a memory unit of low confidence: its target needs review


FACT_NOTE_FROM = "tmforge"
NO_DOCUMENT_NOTE = "source document unknown"   # a header note: `original` is only the file's name


@dataclass
class XliffGroup:
    id: str
    units: list[XliffUnit]


@dataclass
class XliffFile:
    """One `<file>`: its body is groups (a document's paragraphs) or units directly."""

    original: str
    source_language: str
    target_language: str
    body: Iterable[XliffGroup | XliffUnit]
    datatype: str = "plaintext"
    header_notes: list[str] = field(default_factory=list)


def _text(text: str) -> str:
    return remove_forbidden(text)[0]


def _q(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


def _element(tag: str, attrs: dict | None = None) -> etree._Element:
    """A free-standing element in the default namespace (written without an ns0: prefix)."""
    return etree.Element(_q(tag), attrs or {}, nsmap={None: XLIFF_NS})


def write_xliff(groups: Iterable[XliffGroup], path: str | Path, *, original: str, source_language: str,
                target_language: str, datatype: str = "plaintext") -> int:
    """Write one XLIFF 1.2 file with one `<file>` atomically; returns the number of trans-units written."""
    return write_xliff_files([XliffFile(original, source_language, target_language, groups, datatype)], path)


def write_xliff_files(files: Iterable[XliffFile], path: str | Path) -> int:
    """Write one XLIFF 1.2 document with a `<file>` each atomically; returns the number of trans-units."""
    written = 0
    with atomic_path(path) as tmp, etree.xmlfile(str(tmp), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(_q("xliff"), {"version": "1.2"}, nsmap={None: XLIFF_NS}):
            for file in files:
                with xf.element(_q("file"), {"original": file.original, "source-language": file.source_language,
                                             "target-language": file.target_language, "datatype": file.datatype,
                                             "tool-id": "tmforge"}):
                    header = _element("header")
                    for text in file.header_notes:
                        etree.SubElement(header, _q("note"), {"from": FACT_NOTE_FROM}).text = _text(text)
                    etree.SubElement(header, _q("tool"), {"tool-id": "tmforge", "tool-name": "tmforge",
                                                          "tool-version": tool_version()})
                    xf.write(header)
                    with xf.element(_q("body")):
                        for item in file.body:
                            if isinstance(item, XliffGroup):
                                xf.write(_group(item, file.target_language))
                                written += len(item.units)
                            else:
                                xf.write(_trans_unit(item, file.target_language))
                                written += 1
    return written


def _group(group: XliffGroup, target_language: str) -> etree._Element:
    elem = _element("group", {"id": group.id})
    for unit in group.units:
        elem.append(_trans_unit(unit, target_language))
    return elem


def _trans_unit(unit: XliffUnit, target_language: str) -> etree._Element:
    tu = _element("trans-unit", {"id": unit.id, XML_SPACE: "preserve"})
    tu.append(_content("source", unit.source, unit.markup))
    if unit.target is not None:
        if unit.kind == "memory":        # a memory's own translation, not a match found for it
            attrs = {"state": "needs-review-translation" if unit.review else "translated"}
        else:
            state, qualifier = STATES[unit.kind or "fuzzy"]
            attrs = {"state": state, "state-qualifier": qualifier}
        target = _content("target", unit.target, unit.markup)
        target.attrib.update({**attrs, XML_LANG: target_language})
        tu.append(target)
    if unit.note:
        etree.SubElement(tu, _q("note"), {"from": "tmforge"}).text = _text(unit.note)
    for key, value in unit.facts.items():
        etree.SubElement(tu, _q("note"), {"from": FACT_NOTE_FROM}).text = _text(f"{key}: {value}")
    for cand in unit.candidates:
        attrs = {"match-quality": str(cand.quality), "tool-id": "tmforge", "alttranstype": "proposal"}
        if cand.origin:
            attrs["origin"] = cand.origin
        alt = etree.SubElement(tu, _q("alt-trans"), attrs)
        etree.SubElement(alt, _q("source")).text = _text(cand.source)
        etree.SubElement(alt, _q("target"), {XML_LANG: target_language}).text = _text(cand.target)
        etree.SubElement(alt, _q("note"), {"from": "tmforge"}).text = f"{cand.kind} match"
    return tu


# TMX inline types as XLIFF 1.2 ctype values (the schema's list, else x-NAME).
_CTYPES = {"bold": "bold", "italic": "italic", "ulined": "underlined", "link": "link", "image": "image",
           "lb": "lb", "pb": "pb"}


def _ctype(tmx_type: str | None) -> str | None:
    if not tmx_type:
        return None
    return _CTYPES.get(tmx_type) or (tmx_type if tmx_type.startswith("x-") else f"x-{tmx_type}")


def _content(name: str, text: str, markup: bool) -> etree._Element:
    """<source>/<target>: plain text, or TMX inline markup as XLIFF 1.2 codes (bpt/ept paired by id and
    rid, ph, it), the native code as their content and the TMX type as ctype."""
    elem = _element(name)
    text = _text(text)
    if markup and ("<" in text or "&" in text):
        try:
            seg = etree.fromstring(f"<seg>{text}</seg>", etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            seg = None
        if seg is not None and all(c.tag in ("bpt", "ept", "ph", "it", "hi", "ut", "sub") for c in seg.iter()
                                   if c is not seg):
            elem.text = seg.text
            standalone = 0
            for child in seg:
                code = _code12(child, standalone)
                standalone += code is not None and child.tag not in ("bpt", "ept")
                if code is None:            # hi: its text stays text
                    last = elem[-1] if len(elem) else None
                    words = "".join(child.itertext()) + (child.tail or "")
                    if last is None:
                        elem.text = (elem.text or "") + words
                    else:
                        last.tail = (last.tail or "") + words
                    continue
                code.tail = child.tail
                elem.append(code)
            return elem
    elem.text = text
    return elem


def _code12(tmx: etree._Element, standalone: int) -> etree._Element | None:
    native = (tmx.text or "") + "".join(sub.tail or "" for sub in tmx)     # a sub's translatable text left out
    ctype = _ctype(tmx.get("type"))
    if tmx.tag in ("bpt", "ept"):
        ident = tmx.get("i") or "0"
        code = _element(tmx.tag, {"id": ident, "rid": ident})
        if ctype and tmx.tag == "bpt":
            code.set("ctype", ctype)
    elif tmx.tag == "it":
        code = _element("it", {"id": tmx.get("x") or f"it{standalone + 1}",
                                        "pos": "close" if tmx.get("pos") == "end" else "open"})
        if ctype:
            code.set("ctype", ctype)
    elif tmx.tag in ("ph", "ut"):
        code = _element("ph", {"id": tmx.get("x") or f"ph{standalone + 1}"})
        if ctype:
            code.set("ctype", ctype)
    else:
        return None
    code.text = native
    return code


def units_count(groups: Sequence[XliffGroup]) -> int:
    return sum(len(g.units) for g in groups)


# ---------------------------------------------------------------- reading

# Inline elements whose content is native code (RTF, HTML tags), not text; g and mrk hold text.
CODE_ELEMENTS = {"bpt", "ept", "ph", "it", "sub"}
UNTRANSLATED_STATES = {"new", "needs-translation"}
# A target a match put there (tm pretranslate, a CAT tool's pretranslation): the translation of another
# source until someone reviews it, so while its state still needs- something it is no unit of a memory.
SUGGESTION_QUALIFIERS = {"fuzzy-match", "leveraged-tm", "tm-suggestion", "mt-suggestion", "leveraged-mt"}
XLIFF_NAMESPACES = {"urn:oasis:names:tc:xliff:document:1.2", "urn:oasis:names:tc:xliff:document:1.1", ""}


@dataclass
class XliffRecord:
    """A translated segment of an XLIFF file, with the facts of its `<file>` and its tmforge notes."""

    source: str
    target: str
    src_lang: str
    tgt_lang: str
    document: str | None
    facts: dict[str, str]


def _local(elem: etree._Element) -> str:
    return etree.QName(elem).localname if isinstance(elem.tag, str) else ""


def _children(elem: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in elem if _local(c) == name]


def inline_text(elem: etree._Element, inline: str = "strip") -> str:
    """The text of a source/target/mrk. 'strip': g and mrk kept as text, native codes (bpt ept ph it) and
    x/bx/ex left out; 'keep': the codes as TMX inline markup (g -> bpt/ept, x -> ph, bx/ex -> bpt/ept)."""
    keep = inline == "keep"
    parts = [escape(elem.text or "") if keep else elem.text or ""]
    for child in elem:
        name = _local(child)
        if keep and name in CODE_ELEMENTS | {"x", "bx", "ex", "g"}:
            parts.append(_tmx_code(child, name))
        elif name and name not in CODE_ELEMENTS and name not in {"x", "bx", "ex"}:
            parts.append(inline_text(child, inline))
        parts.append(escape(child.tail or "") if keep else child.tail or "")
    return "".join(parts)


def _tmx_code(elem: etree._Element, name: str) -> str:
    """One XLIFF 1.2 inline element as TMX 1.4 markup; native code content kept as the tag's text."""
    ident = escape(elem.get("rid") or elem.get("id") or "", {'"': "&quot;"})
    native = escape("".join(t for t in elem.itertext()) if name in CODE_ELEMENTS else "")
    if name == "g":
        return f'<bpt i="{ident}"></bpt>{inline_text(elem, "keep")}<ept i="{ident}"></ept>'
    if name in ("bpt", "bx"):
        return f'<bpt i="{ident}"{_tmx_type(elem)}>{native}</bpt>'
    if name in ("ept", "ex"):
        return f'<ept i="{ident}">{native}</ept>'
    if name == "it":
        pos = "end" if elem.get("pos") == "close" else "begin"
        return f'<it pos="{pos}">{native}</it>'
    if name == "sub":
        return ""
    return f'<ph x="{ident}"{_tmx_type(elem)}>{native}</ph>' if ident else f"<ph{_tmx_type(elem)}>{native}</ph>"


_TMX_TYPES = {value: key for key, value in _CTYPES.items()}


def _tmx_type(elem: etree._Element) -> str:
    """An XLIFF ctype as a TMX type attribute (underlined -> ulined, x-fnote -> fnote), or nothing."""
    ctype = elem.get("ctype")
    if not ctype:
        return ""
    tmx = _TMX_TYPES.get(ctype) or (ctype[2:] if ctype in ("x-fnote", "x-index") else ctype)
    return f' type="{escape(tmx, {chr(34): "&quot;"})}"'


def _segments(elem: etree._Element, inline: str = "strip") -> dict[str, str]:
    """mid -> text of the `<mrk mtype="seg">` segments inside a seg-source or target (any depth)."""
    return {m.get("mid", ""): inline_text(m, inline) for m in elem.iter()
            if _local(m) == "mrk" and m.get("mtype") == "seg"}


def _pairs(tu: etree._Element, inline: str = "strip") -> Iterator[tuple[str, str]]:
    """(source, target) of a translated trans-unit: one pair, or one per segment of a segmented unit."""
    targets = _children(tu, "target")
    if not targets or targets[0].get("state") in UNTRANSLATED_STATES:
        return
    state = targets[0].get("state") or ""
    if state.startswith("needs-") and targets[0].get("state-qualifier") in SUGGESTION_QUALIFIERS:
        return      # an unreviewed fuzzy or MT suggestion (align's own low-confidence units carry no qualifier)
    target = targets[0]
    seg_source = _children(tu, "seg-source")
    if seg_source:
        source_segments, target_segments = _segments(seg_source[0], inline), _segments(target, inline)
        if source_segments and target_segments:
            for mid, text in source_segments.items():
                if mid in target_segments:
                    yield text, target_segments[mid]
            return
    sources = _children(tu, "source")
    if sources:
        yield inline_text(sources[0], inline), inline_text(target, inline)


def _facts(tu: etree._Element) -> dict[str, str]:
    facts = {}
    for note in _children(tu, "note"):
        if note.get("from") == FACT_NOTE_FROM and note.text and ": " in note.text:
            key, value = note.text.split(": ", 1)
            facts[key] = value
    return facts


def read_units(path: str | Path, inline: str = "strip") -> Iterator[XliffRecord]:
    """The translated units of an XLIFF 1.0-1.2 or 2.0 file (tmforge.tm.xliff2) in document order.

    Units marked translate="no", without a target, or whose target is still
    new or needs-translation, or an unreviewed suggestion (needs-... with
    state-qualifier fuzzy-match, tm-suggestion, mt-suggestion ...) are left out; a segmented unit (seg-source with
    mrk mtype="seg") gives one record per segment found on both sides.
    Entities are never expanded and nothing is fetched.
    """
    from tmforge.tm.tmx import _secure_parser  # one hardened parser configuration for every XML memory

    from tmforge.tm import xliff2

    root = etree.parse(str(path), _secure_parser()).getroot()
    if _local(root) == "xliff" and xliff2.is_xliff2(root):
        yield from xliff2.read_records(root, inline)
        return
    if _local(root) != "xliff" or (etree.QName(root).namespace or "") not in XLIFF_NAMESPACES:
        if _local(root) == "xliff":
            raise ValueError(f"XLIFF {root.get('version', '2.x')} in namespace {etree.QName(root).namespace} "
                             "is not read; export XLIFF 1.2 or 2.0")
        raise ValueError(f"not an XLIFF file (its root element is <{_local(root)}>)")
    for file in _children(root, "file"):
        src_lang = file.get("source-language", "")
        tgt_lang = file.get("target-language", "")
        header = _children(file, "header")
        unknown = header and any(_local(n) == "note" and n.get("from") == FACT_NOTE_FROM
                                 and (n.text or "") == NO_DOCUMENT_NOTE for n in header[0])
        document = None if unknown else file.get("original")
        for tu in file.iter():
            if _local(tu) != "trans-unit" or tu.get("translate") == "no":
                continue
            lang = tgt_lang or next((t.get(XML_LANG, "") for t in _children(tu, "target")), "")
            facts = _facts(tu)
            for source, target in _pairs(tu, inline):
                yield XliffRecord(source, target, src_lang, lang, document, facts)
