"""XLIFF 1.2 writer (lxml's incremental writer), valid against the OASIS strict schema.

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

tests/test_tm_xliff.py validates written files against
tests/data/xliff-core-1.2-strict.xsd and reads them back with translate-toolkit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

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


@dataclass
class XliffGroup:
    id: str
    units: list[XliffUnit]


def _text(text: str) -> str:
    return remove_forbidden(text)[0]


def _q(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


def write_xliff(groups: Iterable[XliffGroup], path: str | Path, *, original: str, source_language: str,
                target_language: str, datatype: str = "plaintext") -> int:
    """Write one XLIFF 1.2 file atomically; returns the number of trans-units written."""
    written = 0
    with atomic_path(path) as tmp, etree.xmlfile(str(tmp), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(_q("xliff"), {"version": "1.2"}, nsmap={None: XLIFF_NS}):
            with xf.element(_q("file"), {"original": original, "source-language": source_language,
                                         "target-language": target_language, "datatype": datatype,
                                         "tool-id": "tmforge"}):
                header = etree.Element(_q("header"))
                etree.SubElement(header, _q("tool"), {"tool-id": "tmforge", "tool-name": "tmforge",
                                                      "tool-version": tool_version()})
                xf.write(header)
                with xf.element(_q("body")):
                    for group in groups:
                        xf.write(_group(group, target_language))
                        written += len(group.units)
    return written


def _group(group: XliffGroup, target_language: str) -> etree._Element:
    elem = etree.Element(_q("group"), {"id": group.id})
    for unit in group.units:
        elem.append(_trans_unit(unit, target_language))
    return elem


def _trans_unit(unit: XliffUnit, target_language: str) -> etree._Element:
    tu = etree.Element(_q("trans-unit"), {"id": unit.id, XML_SPACE: "preserve"})
    etree.SubElement(tu, _q("source")).text = _text(unit.source)
    if unit.target is not None:
        state, qualifier = STATES[unit.kind or "fuzzy"]
        target = etree.SubElement(tu, _q("target"), {"state": state, "state-qualifier": qualifier,
                                                      XML_LANG: target_language})
        target.text = _text(unit.target)
    if unit.note:
        etree.SubElement(tu, _q("note"), {"from": "tmforge"}).text = _text(unit.note)
    for cand in unit.candidates:
        attrs = {"match-quality": str(cand.quality), "tool-id": "tmforge", "alttranstype": "proposal"}
        if cand.origin:
            attrs["origin"] = cand.origin
        alt = etree.SubElement(tu, _q("alt-trans"), attrs)
        etree.SubElement(alt, _q("source")).text = _text(cand.source)
        etree.SubElement(alt, _q("target"), {XML_LANG: target_language}).text = _text(cand.target)
        etree.SubElement(alt, _q("note"), {"from": "tmforge"}).text = f"{cand.kind} match"
    return tu


def units_count(groups: Sequence[XliffGroup]) -> int:
    return sum(len(g.units) for g in groups)
