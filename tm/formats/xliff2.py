"""XLIFF 2.0 as a memory format (`.xlf2`): one language pair per file, facts in the Metadata module.

Written: one `<file>` per source document (`original` is its name), one
`<unit>` with one translated `<segment>` per unit, score, bead, seq, created
and the unit's props (x-KEY) as `<mda:meta>` (see tmforge.tm.xliff2). A
memory of several language directions cannot be one 2.0 document and is
refused with what to do instead. Read: any XLIFF 1.x or 2.0 file, whatever
its extension (the XLIFF 1.2 format's reader, which tells the versions apart).
"""

from __future__ import annotations

from pathlib import Path

from tmforge.errors import TmforgeError
from tmforge.tm.formats.base import MemoryFormat
from tmforge.tm.formats.frames import prepare
from tmforge.tm.formats.xliff import UNDETERMINED, XliffFormat, facts_of_row, needs_review
from tmforge.tm.model import TranslationMemory
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport
from tmforge.tm.xliff2 import Xliff2File, Xliff2Unit, write_xliff2


class Xliff2Format(MemoryFormat):
    name = "xliff2"
    extensions = (".xlf2",)
    description = ("XLIFF 2.0, one language pair per file, one <file> per document, score and other facts "
                   "as metadata (mda); reads the translated units of any XLIFF 1.x or 2.0")
    inline_tags = True

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        return XliffFormat().read_file(path, options)

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        frame, report = prepare(memory, options)
        directions = {(row["src_lang"], row["tgt_lang"]) for row in frame.select("src_lang", "tgt_lang").unique()
                      .iter_rows(named=True)}
        if len(directions) > 1:
            listed = ", ".join(f"{s}->{t}" for s, t in sorted(directions))
            raise TmforgeError(f"an XLIFF 2.0 file holds one language pair and this memory has {len(directions)} "
                               f"({listed}); write XLIFF 1.2 (.xlf) or TMX, or one file per direction")
        src, tgt = next(iter(directions), (options.srclang or UNDETERMINED, options.tgtlang or UNDETERMINED))
        files: dict[str | None, Xliff2File] = {}
        for row in frame.iter_rows(named=True):
            document = row["document"] or None
            if document not in files:
                files[document] = Xliff2File(document, [])
            files[document].units.append(Xliff2Unit(row["source"], row["target"], facts_of_row(row),
                                                    review=needs_review(row, options)))
        if not files:     # an empty memory is still a valid file in its direction
            files[None] = Xliff2File(None, [])
        write_xliff2(files.values(), path, src, tgt, inline_markup=options.inline_markup)
        return report

    def repair_hint(self) -> str:
        return XliffFormat().repair_hint()
