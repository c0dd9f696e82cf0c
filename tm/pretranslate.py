"""Pretranslation: fill a segmented document's translations from a store.

The document arrives already segmented (the CLI segments it as `align` does,
with tmforge.align; tm/ does not import the aligner). Each segment is looked
up; the best exact or fuzzy match at or above the minimum becomes its target,
the other candidates (semantic ones included) are kept as alternatives.
Outputs by extension: `.xlf`/`.xliff` (XLIFF 1.2 for CAT tools, tm/xliff.py),
`.tmx` (the segments that got a translation, with x-match-quality,
x-match-kind and x-match-origin props) and `.tsv` (every segment, an empty
target where nothing matched; unquoted, escaped as the memory TSV is).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from tmforge.atomic import atomic_write
from tmforge.errors import TmforgeError
from tmforge.tm.formats.delimited import tsv_escape
from tmforge.tm.lookup import DEFAULT_SEMANTIC_MIN, Match, lookup
from tmforge.tm.model import TranslationUnit
from tmforge.tm.store import Store
from tmforge.tm.tmx import write_tmx
from tmforge.tm.xliff import Candidate, XliffGroup, XliffUnit, write_xliff

OUTPUT_FORMATS = (".xlf", ".xliff", ".tmx", ".tsv")
DEFAULT_MIN = 75


@dataclass(frozen=True)
class Segment:
    text: str
    paragraph: int        # index of the document paragraph it came from


@dataclass
class Pretranslated:
    segment: Segment
    best: Match | None
    alternatives: list[Match] = field(default_factory=list)


@dataclass
class PretranslateReport:
    segments: int = 0
    exact: int = 0
    fuzzy: int = 0
    none: int = 0

    def summary(self) -> str:
        return (f"{self.segments} segments: {self.exact} exact, {self.fuzzy} fuzzy, "
                f"{self.none} without a match")


def output_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise TmforgeError(f"unknown pretranslation format '{suffix or Path(path).name}'; "
                           f"use one of {', '.join(OUTPUT_FORMATS)}")
    return suffix


def pretranslate(store: Store, segments: Sequence[Segment], src: str, tgt: str, *,
                 min_quality: float = DEFAULT_MIN, alternatives: int = 3, semantic=None,
                 semantic_min: float = DEFAULT_SEMANTIC_MIN) -> list[Pretranslated]:
    results = []
    cache: dict[str, list[Match]] = {}   # a repeated segment is looked up once
    for segment in segments:
        if segment.text not in cache:
            cache[segment.text] = lookup(store, segment.text, src, tgt, min_quality=min_quality,
                                         limit=alternatives + 1, semantic=semantic, semantic_min=semantic_min,
                                         semantic_limit=alternatives)
        matches = cache[segment.text]
        textual = [m for m in matches if m.kind != "semantic"]
        best = textual[0] if textual else None
        others = [m for m in matches if m is not best][:alternatives]
        results.append(Pretranslated(segment, best, others))
    return results


def report_of(results: Sequence[Pretranslated]) -> PretranslateReport:
    report = PretranslateReport(segments=len(results))
    for r in results:
        if r.best is None:
            report.none += 1
        elif r.best.kind == "exact":
            report.exact += 1
        else:
            report.fuzzy += 1
    return report


def write_pretranslation(results: Sequence[Pretranslated], path: str | Path, *, original: str,
                         src_lang: str, tgt_lang: str) -> None:
    fmt = output_format(path)
    if fmt in (".xlf", ".xliff"):
        write_xliff(_groups(results), path, original=original, source_language=src_lang,
                    target_language=tgt_lang)
    elif fmt == ".tmx":
        units = [TranslationUnit(r.segment.text, r.best.target, src_lang, tgt_lang, document=original,
                                 seq=k, props={"match-quality": str(r.best.quality), "match-kind": r.best.kind,
                                               "match-origin": r.best.origin})
                 for k, r in enumerate(results, 1) if r.best is not None]
        write_tmx(units, path, srclang=src_lang)
    else:
        with atomic_write(path) as fh:
            def row(values) -> None:
                fh.write("\t".join(tsv_escape(str(v)) for v in values) + "\n")

            row(["seq", "paragraph", "source", "target", "quality", "kind", "origin"])
            for k, r in enumerate(results, 1):
                best = r.best
                row([k, r.segment.paragraph + 1, r.segment.text, best.target if best else "",
                     best.quality if best else "", best.kind if best else "", best.origin if best else ""])


def _groups(results: Sequence[Pretranslated]) -> list[XliffGroup]:
    groups: dict[int, XliffGroup] = {}
    for k, r in enumerate(results, 1):
        group = groups.setdefault(r.segment.paragraph, XliffGroup(f"p{r.segment.paragraph + 1}", []))
        best = r.best
        candidates = [Candidate(m.source, m.target, m.quality, m.kind, m.origin)
                      for m in ([best] if best else []) + r.alternatives]
        group.units.append(XliffUnit(str(k), r.segment.text, best.target if best else None,
                                     best.kind if best else None, candidates))
    return list(groups.values())
