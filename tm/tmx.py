"""TMX 1.4b streaming writer and reader (lxml's incremental writer and iterparse).

Both work one translation unit at a time, so memory stays flat however large
the file: the writer takes any iterable of units, the reader yields them.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Iterable, Iterator, Mapping
from xml.sax.saxutils import escape

from lxml import etree

from tmforge.atomic import atomic_path
from tmforge.errors import TmforgeError
from tmforge.inputs import check_input
from tmforge.version import tool_version
from tmforge.tm.langtags import apply_lang_codes, canonical_tag, primary
from tmforge.tm.model import TranslationMemory, TranslationUnit, now_utc
from tmforge.tm.options import WriteOptions, WriteReport

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 forbids: C0 controls other than tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Trados Cloud skips longer segments; we warn, never drop.
LONG_SEGMENT = 2000
# Unit fields written as props of their own; other props go as x-KEY from TranslationUnit.props.
FIELD_PROPS = {"x-score": "score", "x-bead": "bead", "x-source-document": "document", "x-seq": "seq"}
# tu attributes a unit carries in its props (the editor marks units a person changed with them).
TU_ATTRIBUTE_PROPS = ("changedate", "changeid")
INLINE_CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})   # native codes: not text
INLINE_TAGS = INLINE_CODES | {"hi", "sub"}


_TMX_DATE = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")


def tmx_date(moment: datetime) -> str:
    """YYYYMMDDThhmmssZ in UTC (formatted by hand: strftime is slow for a million units)."""
    if moment.tzinfo is None:          # naive datetimes in a memory are taken as UTC
        moment = moment.replace(tzinfo=timezone.utc)
    m = moment.astimezone(timezone.utc)
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"


def parse_tmx_date(text: str | None) -> datetime | None:
    """A TMX date, or None when absent or not in the YYYYMMDDThhmmssZ form."""
    match = _TMX_DATE.fullmatch(text.strip()) if text else None
    if not match:
        return None
    try:
        return datetime(*map(int, match.groups()), tzinfo=timezone.utc)
    except ValueError:
        return None


def remove_forbidden(text: str) -> tuple[str, int]:
    """Drop characters XML 1.0 cannot carry; return the text and how many were dropped."""
    return _FORBIDDEN.subn("", text)


def clean_segment(text: str, whitespace: str = "trim") -> tuple[str, int]:
    """Drop forbidden characters and, with whitespace='trim', leading/trailing whitespace.

    Tabs and line breaks inside the text are kept either way.
    """
    cleaned, dropped = remove_forbidden(text)
    return (cleaned.strip() if whitespace == "trim" else cleaned), dropped


def write_tmx(units: TranslationMemory | Iterable[TranslationUnit], path: str | Path, *,
              meta: Mapping[str, str] | None = None, options: WriteOptions | None = None,
              **option_values) -> WriteReport:
    """Write units as TMX 1.4b, atomically, one tu per unit, source tuv first.

    `units` is a TranslationMemory (its meta becomes header props such as
    x-signature) or any iterable of TranslationUnit, consumed once, in
    constant memory. Options are WriteOptions fields, given as an object or as
    keywords (srclang=..., props=False, lang_codes={"en": "en-GB"} ...).
    """
    if options is not None and option_values:
        raise TypeError("give write options either as an object or as keywords, not both")
    options = options or WriteOptions(**option_values)
    header_props = dict(meta or {})
    if isinstance(units, TranslationMemory):
        header_props = {**units.meta, **header_props}
        units = units.units()
    stream = iter(units)
    first = next(stream, None)
    codes = options.lang_codes
    if options.srclang:
        srclang = apply_lang_codes(options.srclang, codes)
    elif first is not None:
        srclang = _lang(first.src_lang, codes)
    else:
        srclang = apply_lang_codes("en", codes)
    report = WriteReport()
    elements = (_unit_element(unit, srclang, options, report)
                for unit in chain([first] if first is not None else [], stream))
    write_tmx_elements(path, srclang, header_props, elements, options, report)
    return report


def write_tmx_elements(path: str | Path, srclang: str, header_props: Mapping[str, str],
                       elements: Iterable[etree._Element | None], options: WriteOptions,
                       report: WriteReport) -> None:
    """The TMX document around `elements` (tu elements; None for a unit left out), written
    atomically as they come, with the report's warnings added. Every TMX writer goes through here."""
    created = tmx_date(now_utc())
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        # The declaration in double quotes, as importers' examples show it (lxml would use single ones).
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        with etree.xmlfile(fh, encoding="UTF-8", buffered=True) as xf:
            with xf.element("tmx", version="1.4"):
                xf.write("\n")
                xf.write(_header(srclang, created, header_props, options, report), pretty_print=True)
                with xf.element("body"):
                    xf.write("\n")
                    for tu in elements:
                        if tu is not None:
                            xf.write(tu, pretty_print=True)
                xf.write("\n")
    if report.dropped_chars:
        report.warnings.append(f"removed {report.dropped_chars} characters that XML 1.0 forbids")
    if report.long_segments:
        report.warnings.append(f"{report.long_segments} segments exceed {LONG_SEGMENT} characters; "
                               "some CAT tools (Trados Cloud) skip them")
    if report.markup_errors:
        report.warnings.append(f"{report.markup_errors} segments had broken inline markup; "
                               "written as plain text")


def _lang(tag: str | None, codes: Mapping[str, str]) -> str:
    if not tag:
        raise TmforgeError("a translation unit has no language (a tuv without xml:lang, or an empty src_lang or "
                           "tgt_lang column in the input); fill in its language there, then convert again")
    return apply_lang_codes(tag, codes)


def _header(srclang: str, created: str, header_props: Mapping[str, str], options: WriteOptions,
            report: WriteReport) -> etree._Element:
    attrs = {"creationtool": "tmforge", "creationtoolversion": tool_version(),
             "segtype": "sentence", "o-tmf": "tmforge", "adminlang": "en",
             "srclang": srclang, "datatype": "plaintext"}
    if options.dates:
        attrs["creationdate"] = created
    header = etree.Element("header", attrs)
    for key, value in sorted(header_props.items()):
        _add_prop(header, key, value, report)
    return header


def _add_prop(parent: etree._Element, key: str, value: object, report: WriteReport) -> None:
    key_text, dropped_k = remove_forbidden(str(key))
    text, dropped_v = remove_forbidden(str(value))
    report.dropped_chars += dropped_k + dropped_v
    if key_text:
        etree.SubElement(parent, "prop", type=f"x-{key_text}").text = text


def _unit_element(unit: TranslationUnit, srclang: str, options: WriteOptions,
                  report: WriteReport) -> etree._Element | None:
    source, dropped_s = clean_segment(unit.source or "", options.whitespace)
    target, dropped_t = clean_segment(unit.target or "", options.whitespace)
    if not (source.strip() and target.strip()) and not options.include_empty:
        report.skipped_empty += 1
        return None
    report.dropped_chars += dropped_s + dropped_t
    report.long_segments += (len(source) > LONG_SEGMENT) + (len(target) > LONG_SEGMENT)
    report.written += 1
    src_code, tgt_code = _lang(unit.src_lang, options.lang_codes), _lang(unit.tgt_lang, options.lang_codes)
    attrs = {}
    if options.tuids:
        attrs["tuid"] = str(report.written)
    if src_code != srclang:              # a memory of several directions: say which tuv is the source
        attrs["srclang"] = src_code
    if options.dates and unit.created is not None:    # no date is better than a made-up one
        attrs["creationdate"] = tmx_date(unit.created)
    unit_props = dict(unit.props or {})
    for name in TU_ATTRIBUTE_PROPS:
        value = unit_props.pop(name, None)
        if value and (name != "changedate" or (options.dates and parse_tmx_date(value))):
            attrs[name] = remove_forbidden(value)[0]
    tu = etree.Element("tu", attrs)
    if options.props:
        # Numbers need no cleaning; text props go through _add_prop.
        if unit.score is not None:
            etree.SubElement(tu, "prop", type="x-score").text = f"{unit.score:.4f}"
        if unit.bead is not None:
            _add_prop(tu, "bead", unit.bead, report)
        if unit.document is not None:
            _add_prop(tu, "source-document", unit.document, report)
        if unit.seq is not None:
            etree.SubElement(tu, "prop", type="x-seq").text = str(unit.seq)
        for key, value in sorted(unit_props.items()):
            if f"x-{key}" not in FIELD_PROPS:   # the unit's own fields win over a same-named prop
                _add_prop(tu, key, value, report)
    for lang, text in ((src_code, source), (tgt_code, target)):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        tuv.append(_seg(text, options.inline_markup, report))
    return tu


def _seg(text: str, inline_markup: bool, report: WriteReport) -> etree._Element:
    if inline_markup and ("<" in text or "&" in text):   # markup: its text is escaped
        try:
            seg = etree.fromstring(f"<seg>{text}</seg>", _secure_parser())
            if all(el.tag in INLINE_TAGS for el in seg.iterdescendants()):
                return seg
        except etree.XMLSyntaxError:
            pass
        report.markup_errors += 1
    seg = etree.Element("seg")
    # lxml escapes & < > but leaves double quotes as they are (valid XML); we write them as &quot;
    # as well, for importers that treat TMX text like attribute values.
    parts = text.split('"')
    seg.text = parts[0]
    for part in parts[1:]:
        quote = etree.Entity("quot")
        quote.tail = part
        seg.append(quote)
    return seg


# ---------------------------------------------------------------- reading

def _secure_parser_args() -> dict:
    # No entity expansion, no DTD or network access: TMX from strangers is untrusted.
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "dtd_validation": False,
            "huge_tree": True}


def _secure_parser() -> etree.XMLParser:
    return etree.XMLParser(**_secure_parser_args())


class TmxReader:
    """Stream translation units from a TMX file (1.1 to 1.4, UTF-8 or UTF-16) in constant memory.

    src_lang/tgt_lang pick the pair from tu with more than two tuv (exact tag,
    else the same primary language: 'en' finds 'en-US'); a tu lacking either
    is skipped and counted. Without them the source is the tu's or header's
    srclang and the target the first other tuv. inline='strip' keeps the text
    of a segment and drops native codes (bpt/ept/ph/it/ut); inline='keep'
    keeps the segment's inner TMX markup as it is.

    After iteration, `header` holds the header attributes, `meta` its props
    (x- removed) and `skipped` the number of tu that were not read.
    """

    def __init__(self, path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None,
                 inline: str = "strip") -> None:
        if inline not in ("strip", "keep"):
            raise TmforgeError(f"unknown inline option '{inline}'; use strip or keep")
        self.path = Path(path)
        self.src_lang = canonical_tag(src_lang) if src_lang else None
        self.tgt_lang = canonical_tag(tgt_lang) if tgt_lang else None
        self.inline = inline
        self.header: dict[str, str] = {}
        self.meta: dict[str, str] = {}
        self.skipped = 0

    def __iter__(self) -> Iterator[TranslationUnit]:
        check_input(self.path)  # a FIFO or device would block or never end
        try:
            self._check_start()
            for _, elem in etree.iterparse(str(self.path), events=("end",), tag=("header", "tu"),
                                           **_secure_parser_args()):
                if elem.tag == "header":
                    self.header = {k: v for k, v in elem.attrib.items()}
                    self.meta = _props(elem)
                    continue
                unit = self._unit(elem)
                # Free what was parsed so far: constant memory however long the file.
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
                if unit is None:
                    self.skipped += 1
                else:
                    yield unit
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(self.path, exc) from None
        except OSError as exc:
            raise TmforgeError(f"cannot read {self.path}: {exc.strerror or exc}") from None

    def _check_start(self) -> None:
        """Parse up to the root element: it must be <tmx>, and the DOCTYPE must declare no entities."""
        _, root = next(iter(etree.iterparse(str(self.path), events=("start",), **_secure_parser_args())))
        if root.tag != "tmx":
            raise TmforgeError(f"{self.path} is not a TMX file (its root element is <{root.tag}>, not <tmx>)")
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and any(True for _ in dtd.iterentities()):
            raise TmforgeError(f"{self.path} declares XML entities in its DOCTYPE; tmforge does not "
                               "expand entities (they can hide file reads or exponential blow-up): "
                               "remove the declarations and write the characters themselves")

    def _unit(self, tu: etree._Element) -> TranslationUnit | None:
        # One pass over the tu's children (tuv and prop): a million units make every lxml call count.
        segs: list[tuple[str, etree._Element | None]] = []
        props: dict[str, str] = {}
        for child in tu:
            if child.tag == "tuv":
                lang = (child.get(XML_LANG) or child.get("lang") or "").strip()
                segs.append((_tidy_tag(lang), next((c for c in child if c.tag == "seg"), None)))
            elif child.tag == "prop":
                _add_prop_text(props, child)
        src = self._pick(segs, self.src_lang or tu.get("srclang") or self.header.get("srclang"),
                         required=self.src_lang is not None)
        if src is None:
            return None
        rest = [s for s in segs if s is not src]
        tgt = self._pick(rest, self.tgt_lang, required=self.tgt_lang is not None)
        if tgt is None:
            return None
        fields = {name: props.pop(key[2:], None) for key, name in FIELD_PROPS.items()}
        for name in TU_ATTRIBUTE_PROPS:
            if value := tu.get(name):
                props[name] = value
        try:
            score = float(fields["score"]) if fields["score"] else None
        except ValueError:
            score = None
        seq = fields["seq"]
        return TranslationUnit(
            source=self._text(src[1]), target=self._text(tgt[1]), src_lang=src[0], tgt_lang=tgt[0],
            score=score, bead=fields["bead"], document=fields["document"],
            seq=_seq(seq),
            created=parse_tmx_date(tu.get("creationdate")), props=props or None)

    @staticmethod
    def _pick(segs: list, lang: str | None, required: bool):
        """The tuv in `lang`: exact tag first, then same primary language; else the first one."""
        if lang and lang != "*all*":
            wanted = lang.lower()
            for candidate in segs:
                if candidate[0].lower() == wanted:
                    return candidate
            if "-" not in wanted:
                for candidate in segs:
                    if primary(candidate[0]) == wanted:
                        return candidate
        if required:
            return None
        return segs[0] if segs else None

    def _text(self, seg: etree._Element | None) -> str:
        if seg is None:
            return ""
        if not len(seg):                       # plain text, no inline elements or entity nodes: most segments
            return escape(seg.text or "") if self.inline == "keep" else seg.text or ""
        for node in seg.iter():
            if isinstance(node, etree._Entity):
                raise TmforgeError(f"{self.path} line {node.sourceline}: entity &{node.name}; is not "
                                   "defined in the file; tmforge loads no DTD: write the character itself")
        if self.inline == "keep":
            return escape(seg.text or "") + "".join(
                etree.tostring(child, encoding="unicode", with_tail=True) for child in seg)
        return _visible_text(seg)


_SEQ = re.compile(r"\s*-?[0-9]{1,19}\s*")  # ASCII digits only: '²'.isdigit() is True


def _seq(value: str | None) -> int | None:
    """x-seq as a number; another tool's odd value (--1, ², past int64) is no number, not an error."""
    if not value or not _SEQ.fullmatch(value):
        return None
    number = int(value)
    return number if -2 ** 63 <= number < 2 ** 63 else None


_UNDEFINED_ENTITY = re.compile(r"Entity '([^']+)' not defined")


def _syntax_error(path: Path, exc: etree.XMLSyntaxError) -> TmforgeError:
    """The first real error libxml2 logged: at the end of a stream it reports only 'no element found', line 0."""
    line, message = exc.lineno, exc.msg
    first = next((e for e in exc.error_log if e.line > 0), None)
    if first is not None and (line <= 0 or "no element found" in message):
        line, message = first.line, first.message.strip()
    if entity := _UNDEFINED_ENTITY.search(message):
        return TmforgeError(f"{path} line {line}: entity &{entity.group(1)}; is not defined in the file (an HTML "
                            "entity?); tmforge loads no DTD: write the character itself, e.g. a no-break space "
                            "for &nbsp;")
    return TmforgeError(f"{path} is not well-formed XML (line {line}): {message}; fix or re-export the file")


@lru_cache(maxsize=4096)
def _tidy_tag(tag: str) -> str:
    """Language tags of other tools in canonical case (EN-US -> en-US) when they are BCP 47."""
    try:
        return canonical_tag(tag)
    except TmforgeError:
        return tag


def _visible_text(elem: etree._Element) -> str:
    """The text of a segment without native codes; highlighted (hi) text stays."""
    parts = [elem.text or ""]
    for child in elem:
        if isinstance(child.tag, str) and child.tag not in INLINE_CODES:
            parts.append(_visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _props(parent: etree._Element) -> dict[str, str]:
    """prop children as a dict; the x- prefix of private types is removed."""
    found: dict[str, str] = {}
    for prop in parent.iterfind("prop"):
        _add_prop_text(found, prop)
    return found


def _add_prop_text(found: dict[str, str], prop: etree._Element) -> None:
    kind = prop.get("type") or ""
    if kind:
        found[kind[2:] if kind.startswith("x-") else kind] = prop.text or ""


def iter_tmx(path: str | Path, srclang: str | None = None, tgtlang: str | None = None,
             inline: str = "strip") -> Iterator[TranslationUnit]:
    """Stream translation units from a TMX file in constant memory (see TmxReader)."""
    return iter(TmxReader(path, srclang, tgtlang, inline))


def read_tmx(path: str | Path, srclang: str | None = None, tgtlang: str | None = None,
             inline: str = "strip") -> TranslationMemory:
    """The whole file as a TranslationMemory; header props become its meta."""
    reader = TmxReader(path, srclang, tgtlang, inline)
    tm = TranslationMemory.from_units(reader)
    tm.meta.update(reader.meta)
    return tm
