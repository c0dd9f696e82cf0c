"""TMX 1.4b streaming writer and reader (lxml incremental writer and iterparse)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterator

from lxml import etree

from tm.atomic import atomic_path
from tm.errors import TmforgeError
from tm.model import TranslationMemory, TranslationUnit, now_utc

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 forbids: C0 controls other than tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Trados Cloud skips longer segments; we warn, never drop.
LONG_SEGMENT = 2000


def tool_version() -> str:
    try:
        return version("tmforge")
    except PackageNotFoundError:
        return "0.0.0+source"


def tmx_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def parse_tmx_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def clean_segment(text: str) -> tuple[str, int]:
    """Drop characters XML 1.0 cannot carry and trim the ends; return the text and how many were dropped."""
    cleaned, dropped = _FORBIDDEN.subn("", text)
    return cleaned.strip(), dropped


@dataclass
class WriteReport:
    written: int = 0
    skipped_empty: int = 0
    dropped_chars: int = 0
    long_segments: int = 0
    warnings: list[str] = field(default_factory=list)


def write_tmx(tm: TranslationMemory, path: str | Path, *, srclang: str | None = None,
              include_empty: bool = False, props: bool = True) -> WriteReport:
    """Write `tm` as TMX 1.4b, atomically, one tu per unit, source tuv first."""
    langs = tm.languages
    srclang = srclang or (langs[0] if langs else "en")
    report = WriteReport()
    created = tmx_date(now_utc())
    with atomic_path(path) as tmp:
        with etree.xmlfile(str(tmp), encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element("tmx", version="1.4"):
                xf.write("\n")
                header = etree.Element("header", {
                    "creationtool": "tmforge", "creationtoolversion": tool_version(),
                    "segtype": "sentence", "o-tmf": "tmforge", "adminlang": "en",
                    "srclang": srclang, "datatype": "plaintext", "creationdate": created})
                for key, value in sorted(tm.meta.items()):
                    prop = etree.SubElement(header, "prop", type=f"x-{key}")
                    prop.text = clean_segment(str(value))[0]
                xf.write(header, pretty_print=True)
                with xf.element("body"):
                    xf.write("\n")
                    for unit in tm.units():
                        tu = _unit_element(unit, report, include_empty, props)
                        if tu is not None:
                            xf.write(tu, pretty_print=True)
                xf.write("\n")
    if report.dropped_chars:
        report.warnings.append(f"removed {report.dropped_chars} characters that XML 1.0 forbids")
    if report.long_segments:
        report.warnings.append(f"{report.long_segments} segments exceed {LONG_SEGMENT} characters; "
                               "some CAT tools (Trados Cloud) skip them")
    return report


def _unit_element(unit: TranslationUnit, report: WriteReport, include_empty: bool,
                  props: bool) -> etree._Element | None:
    source, dropped_s = clean_segment(unit.source or "")
    target, dropped_t = clean_segment(unit.target or "")
    if not (source and target) and not include_empty:
        report.skipped_empty += 1
        return None
    report.dropped_chars += dropped_s + dropped_t
    report.long_segments += (len(source) > LONG_SEGMENT) + (len(target) > LONG_SEGMENT)
    report.written += 1
    attrs = {"tuid": str(unit.seq if unit.seq is not None else report.written)}
    attrs["creationdate"] = tmx_date(unit.created or now_utc())
    tu = etree.Element("tu", attrs)
    if props:
        for key, value in (("x-score", None if unit.score is None else f"{unit.score:.4f}"),
                           ("x-bead", unit.bead), ("x-source-document", unit.document)):
            if value is not None:
                etree.SubElement(tu, "prop", type=key).text = clean_segment(value)[0]
        for key, value in sorted((unit.props or {}).items()):
            etree.SubElement(tu, "prop", type=f"x-{key}").text = clean_segment(str(value))[0]
    for lang, text in ((unit.src_lang, source), (unit.tgt_lang, target)):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        etree.SubElement(tuv, "seg").text = text
    return tu


def _secure_parser_args() -> dict:
    # No entity expansion, no DTD or network access: TMX from strangers is untrusted.
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "dtd_validation": False,
            "huge_tree": True}


def iter_tmx(path: str | Path, srclang: str | None = None,
             tgtlang: str | None = None) -> Iterator[TranslationUnit]:
    """Stream translation units from a TMX file in constant memory."""
    path = Path(path)
    header_src: str | None = None
    try:
        for event, elem in etree.iterparse(str(path), events=("end",), tag=("header", "tu"),
                                           **_secure_parser_args()):
            if elem.tag == "header":
                header_src = elem.get("srclang")
                continue
            unit = _unit_from_element(elem, srclang or header_src, tgtlang)
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
            if unit is not None:
                yield unit
    except etree.XMLSyntaxError as exc:
        raise TmforgeError(f"{path} is not well-formed XML (line {exc.lineno}): {exc.msg}; "
                           "fix or re-export the file") from None
    except OSError as exc:
        raise TmforgeError(f"cannot read {path}: {exc.strerror or exc}") from None


def _unit_from_element(tu: etree._Element, srclang: str | None,
                       tgtlang: str | None) -> TranslationUnit | None:
    segs: list[tuple[str, str]] = []
    for tuv in tu.iterfind("tuv"):
        lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
        seg = tuv.find("seg")
        segs.append((lang, "".join(seg.itertext()) if seg is not None else ""))
    if len(segs) < 2:
        return None
    src = next((s for s in segs if srclang and s[0].lower() == srclang.lower()), segs[0])
    rest = [s for s in segs if s is not src]
    tgt = next((s for s in rest if tgtlang and s[0].lower() == tgtlang.lower()), rest[0])
    props = {p.get("type"): (p.text or "") for p in tu.iterfind("prop")}
    score = props.get("x-score")
    try:
        score_value = float(score) if score else None
    except ValueError:
        score_value = None
    tuid = tu.get("tuid")
    return TranslationUnit(source=src[1], target=tgt[1], src_lang=src[0], tgt_lang=tgt[0],
                           score=score_value, bead=props.get("x-bead"),
                           document=props.get("x-source-document"),
                           seq=int(tuid) if tuid and tuid.isdigit() else None,
                           created=parse_tmx_date(tu.get("creationdate")))


def read_tmx(path: str | Path, srclang: str | None = None, tgtlang: str | None = None) -> TranslationMemory:
    return TranslationMemory.from_units(iter_tmx(path, srclang, tgtlang))
