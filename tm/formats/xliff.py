"""XLIFF 1.2 as a memory format: a bilingual file CAT tools open, and the translated units of theirs.

Written: one `<file>` per source document and language pair (`original` is
the document's name), one translated trans-unit per unit; the facts a TMX
keeps as props (score, bead, seq, created, the unit's own props as x-KEY)
are notes from="tmforge" reading "key: value", which CAT tools show beside
the segment and this reader reads back. Valid against the OASIS XLIFF 1.2
strict schema. Read: any XLIFF 1.0-1.2 or 2.0 file (see tmforge.tm.xliff.read_units).
"""

from __future__ import annotations

from pathlib import Path

from tmforge.errors import TmforgeError
from tmforge.tm.formats.base import MemoryFormat
from tmforge.tm.formats.frames import DATE_FORMAT, prepare
from tmforge.tm.model import TranslationMemory, TranslationUnit, props_from_json
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport
from tmforge.tm.xliff import NO_DOCUMENT_NOTE, XliffFile, XliffUnit, read_units, write_xliff_files

FACT_KEYS = ("score", "bead", "seq", "created")
READ_ONLY = {".sdlxliff": "Trados", ".mqxliff": "memoQ"}
UNDETERMINED = "und"   # BCP 47 for "language not known": an empty memory written without --src/--tgt


class XliffFormat(MemoryFormat):
    name = "xliff"
    # Trados' and memoQ's bilingual files are XLIFF 1.2 with their own extensions: read, never written.
    extensions = (".xlf", ".xliff", ".sdlxliff", ".mqxliff")
    inline_tags = True
    description = ("XLIFF 1.2, one <file> per document, score and other facts as notes; "
                   "reads the translated units of any XLIFF 1.x or 2.0, Trados .sdlxliff and memoQ .mqxliff too")

    def output_paths(self, path: Path, languages: tuple[str, str] | None, options: WriteOptions) -> list[Path]:
        if path.suffix.lower() in READ_ONLY:
            raise TmforgeError(f"{path.name}: {READ_ONLY[path.suffix.lower()]} files are read, not written (their "
                               f"tool keeps its own data in them); write {path.stem}.xlf, which it imports")
        return [path]

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        return TranslationMemory.from_units(_unit(record) for record in read_units(path, options.inline))

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        frame, report = prepare(memory, options)
        files: dict[tuple, XliffFile] = {}
        for row in frame.iter_rows(named=True):
            key = (row["document"], row["src_lang"], row["tgt_lang"])
            if key not in files:
                files[key] = XliffFile(row["document"] or path.name, row["src_lang"], row["tgt_lang"], [],
                                       header_notes=[] if row["document"] else [NO_DOCUMENT_NOTE])
            body = files[key].body
            body.append(XliffUnit(str(len(body) + 1), row["source"], row["target"], kind="memory",
                                  facts=facts_of_row(row), markup=options.inline_markup,
                                  review=needs_review(row, options)))
        if not files:     # an empty memory is still a valid file in its direction
            files[None] = XliffFile(path.name, options.srclang or UNDETERMINED, options.tgtlang or UNDETERMINED,
                                    [], header_notes=[NO_DOCUMENT_NOTE])
        write_xliff_files(files.values(), path)
        return report

    def repair_hint(self) -> str:
        return "export XLIFF 1.2 or 2.0 from the CAT tool, or check that the file is complete"


def needs_review(row: dict, options: WriteOptions) -> bool:
    """A unit whose score is under WriteOptions.review_below (align's --low): flagged for review."""
    # Judged on the score as written (4 decimals), so a unit shown at 0.5000 is never flagged under 0.5.
    return (options.review_below is not None and row["score"] is not None
            and round(row["score"], 4) < options.review_below)


def facts_of_row(row: dict) -> dict[str, str]:
    """The facts a TMX writes as props, as "key" -> text (XLIFF notes, XLIFF 2.0 metadata)."""
    facts = {}
    if row["score"] is not None:
        facts["score"] = f"{row['score']:.4f}"   # as TMX writes x-score: a CAT tool shows it
    for key in ("bead", "seq"):
        if row[key] is not None:
            facts[key] = str(row[key])
    if row["created"] is not None:
        facts["created"] = row["created"].strftime(DATE_FORMAT)
    for key, value in (props_from_json(row["props"]) or {}).items():
        facts[f"x-{key}"] = value
    return facts


def _unit(record) -> TranslationUnit:
    from datetime import datetime, timezone

    facts = record.facts

    def parsed(key, convert):
        try:
            return convert(facts[key]) if key in facts else None
        except ValueError:          # a note edited by hand into something else: the fact is lost, not the unit
            return None

    created = parsed("created", lambda v: datetime.strptime(v, DATE_FORMAT).replace(tzinfo=timezone.utc))
    props = {k[2:]: v for k, v in facts.items() if k.startswith("x-")}
    return TranslationUnit(record.source, record.target, record.src_lang, record.tgt_lang,
                           score=parsed("score", float), bead=facts.get("bead"), document=record.document,
                           seq=parsed("seq", int), created=created, props=props or None)
