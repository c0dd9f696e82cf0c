"""Multilingual memories: one source segment with its translations in several languages.

A TMX tu may hold any number of tuv (TMX 1.4b: `tu ((note|prop)*, tuv+)`);
CAT tools import such a file as one memory per language pair. The aligner
builds these units by aligning several translations of one source
(align/multi.py); this module writes them, one tu per unit, source tuv first.
What a translation's alignment says about it (confidence, bead kind) goes on
its own tuv as props, since it differs from one language to the next.
Pipelines get the same units as TSV: a column per language, then each
translation's score, escaped as the bilingual TSV is (tm/formats/delimited.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Iterable, Mapping

from lxml import etree

from tmforge.atomic import atomic_path
from tmforge.tm.formats.delimited import tsv_escape
from tmforge.tm.options import WriteOptions, WriteReport
from tmforge.tm.tmx import (LONG_SEGMENT, XML_LANG, _add_prop, _lang, _seg, clean_segment, tmx_date,
                            write_tmx_elements)


@dataclass(frozen=True)
class Variant:
    """One language's text of a multilingual unit; score and bead describe its alignment to the source."""

    lang: str
    text: str
    score: float | None = None
    bead: str | None = None


@dataclass(frozen=True)
class MultilingualUnit:
    source: Variant
    translations: tuple[Variant, ...]
    document: str | None = None
    seq: int | None = None
    created: datetime | None = None

    def variants(self) -> tuple[Variant, ...]:
        return (self.source,) + self.translations


def write_multilingual_tmx(units: Iterable[MultilingualUnit], path: str | Path, *,
                           meta: Mapping[str, str] | None = None,
                           options: WriteOptions | None = None) -> WriteReport:
    """Write units as TMX 1.4b, atomically: one tu per unit with a tuv per language.

    A translation with an empty text is left out of its tu; a unit whose source
    or every translation is empty is skipped (counted in the report), as a
    bilingual unit with an empty side is.
    """
    options = options or WriteOptions()
    stream = iter(units)
    first = next(stream, None)
    codes = options.lang_codes
    srclang = _lang(options.srclang or (first.source.lang if first else "en"), codes)
    report = WriteReport()
    elements = (_unit_element(unit, srclang, options, report)
                for unit in chain([first] if first is not None else [], stream))
    write_tmx_elements(path, srclang, dict(meta or {}), elements, options, report)
    return report


def _unit_element(unit: MultilingualUnit, srclang: str, options: WriteOptions,
                  report: WriteReport) -> etree._Element | None:
    cleaned = _written_variants(unit, options, report)
    if cleaned is None:
        return None
    source, translations = cleaned[0], cleaned[1:]
    attrs = {}
    if options.tuids:
        attrs["tuid"] = str(report.written)
    src_code = _lang(unit.source.lang, options.lang_codes)
    if src_code != srclang:
        attrs["srclang"] = src_code
    if options.dates and unit.created is not None:
        attrs["creationdate"] = tmx_date(unit.created)
    tu = etree.Element("tu", attrs)
    if options.props:
        if unit.document is not None:
            _add_prop(tu, "source-document", unit.document, report)
        if unit.seq is not None:
            etree.SubElement(tu, "prop", type="x-seq").text = str(unit.seq)
    for variant, text in [source] + translations:
        report.long_segments += len(text) > LONG_SEGMENT
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: _lang(variant.lang, options.lang_codes)})
        if options.props:
            if variant.score is not None:
                etree.SubElement(tuv, "prop", type="x-score").text = f"{variant.score:.4f}"
            if variant.bead is not None:
                _add_prop(tuv, "bead", variant.bead, report)
        tuv.append(_seg(text, options.inline_markup, report))
    return tu


def write_multilingual_tsv(units: Iterable[MultilingualUnit], path: str | Path, languages: list[str], *,
                           options: WriteOptions | None = None) -> WriteReport:
    """Write units as TSV, atomically: a header of the language codes (source first) and `score:CODE` for
    each translation, then one line per unit; a language the unit lacks is an empty field. Units are
    skipped as write_multilingual_tmx skips them."""
    options = options or WriteOptions()
    codes = [_lang(lang, options.lang_codes) for lang in languages]
    report = WriteReport()
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as out:
        out.write("\t".join(codes + [f"score:{code}" for code in codes[1:]]) + "\n")
        for unit in units:
            cleaned = _written_variants(unit, options, report)
            if cleaned is None:
                continue
            found = {variant.lang: (text, variant.score) for variant, text in cleaned}
            row = [tsv_escape(found[lang][0]) if lang in found else "" for lang in languages]
            scores = [found[lang][1] if lang in found else None for lang in languages[1:]]
            row += ["" if score is None else f"{score:.4f}" for score in scores]
            out.write("\t".join(row) + "\n")
    return report


def _written_variants(unit: MultilingualUnit, options: WriteOptions,
                      report: WriteReport) -> list[tuple[Variant, str]] | None:
    """(variant, cleaned text) of the source and each translation with text, counted as written; None, counted
    as skipped, when the source or every translation is empty."""
    cleaned = []
    for variant in unit.variants():
        text, dropped = clean_segment(variant.text or "", options.whitespace)
        cleaned.append((variant, text, dropped))
    source, translations = cleaned[0], [c for c in cleaned[1:] if c[1].strip()]
    if not source[1].strip() or not translations:
        report.skipped_empty += 1
        return None
    report.written += 1
    report.dropped_chars += sum(dropped for _, _, dropped in [source] + translations)
    return [(variant, text) for variant, text, _ in [source] + translations]
