"""Moses plain-text pair: `NAME.moses` stands for NAME.SRC and NAME.TGT (corpus.ru, corpus.en).

Line i of one file translates line i of the other; text only, one line per
segment (line breaks inside a segment are written as spaces).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tmforge.atomic import atomic_group, atomic_write
from tmforge.errors import TmforgeError
from tmforge.tm.formats.base import MemoryFormat
from tmforge.tm.formats.frames import prepare
from tmforge.tm.langtags import apply_lang_codes
from tmforge.tm.model import TranslationMemory
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport

_LINE_BREAKS = r"[\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+"   # what str.splitlines splits on


def pair_paths(path: Path, src_lang: str, tgt_lang: str) -> tuple[Path, Path]:
    """`NAME.moses` -> (NAME.SRC, NAME.TGT)."""
    if src_lang == tgt_lang:
        raise TmforgeError(f"a Moses pair needs two languages, not {src_lang} twice")
    stem = path.with_suffix("")
    return stem.with_name(f"{stem.name}.{src_lang}"), stem.with_name(f"{stem.name}.{tgt_lang}")


class MosesFormat(MemoryFormat):
    name = "moses"
    extensions = (".moses",)
    description = ("Moses plain-text pair: NAME.moses stands for NAME.SRC and NAME.TGT (corpus.ru and "
                   "corpus.en), one segment per line")
    fields = ("source", "target", "src_lang", "tgt_lang", "seq")   # seq: the line number
    keeps_line_breaks = False

    def input_paths(self, path: Path, options: ReadOptions) -> list[Path]:
        if not (options.src_lang and options.tgt_lang):
            stem = path.with_suffix("")
            found = sorted(p.name for p in stem.parent.glob(f"{stem.name}.*") if p.suffix != ".moses")
            raise TmforgeError(f"a Moses pair has no language direction; pass the source and target "
                               f"languages (--src-lang/--tgt-lang) to read {stem.name}.SRC and "
                               f"{stem.name}.TGT (found: {', '.join(found) or 'nothing'})")
        return list(pair_paths(path, options.src_lang, options.tgt_lang))

    def output_paths(self, path: Path, languages: tuple[str, str] | None,
                     options: WriteOptions) -> list[Path]:
        if languages is None:     # not known before the memory is there (the aligner detects them)
            return []
        return list(pair_paths(path, *_written(languages, options)))

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        src_path, tgt_path = self.input_paths(path, options)
        sides = []
        for side in (src_path, tgt_path):
            try:
                sides.append(side.read_text(encoding="utf-8-sig").splitlines())
            except UnicodeDecodeError:
                raise TmforgeError(f"{side} is not UTF-8 text; convert it first") from None
        if len(sides[0]) != len(sides[1]):
            raise TmforgeError(f"{src_path.name} has {len(sides[0])} lines but {tgt_path.name} has "
                               f"{len(sides[1])}; a Moses pair needs one line per segment on both sides")
        frame = pl.DataFrame({"source": sides[0], "target": sides[1]},
                             schema={"source": pl.String, "target": pl.String})
        frame = frame.with_columns(pl.lit(options.src_lang).alias("src_lang"),
                                   pl.lit(options.tgt_lang).alias("tgt_lang"),
                                   pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("seq"))
        return TranslationMemory.from_frame(frame)

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        languages = memory.languages
        if languages is None and len(memory):
            raise TmforgeError("the memory holds several language directions; a Moses pair holds "
                               "one: filter or convert each direction separately")
        if languages is None:     # an empty memory: the options may still name the pair
            if not (options.srclang and options.tgtlang):
                raise TmforgeError("the memory is empty; a Moses pair needs the languages of its units "
                                   "to name its two files")
            languages = (options.srclang, options.tgtlang)
        src_path, tgt_path = pair_paths(path, *_written(languages, options))
        frame, report = prepare(memory, options)
        # One line per segment: line breaks inside a segment become spaces.
        flat = frame.select(pl.col("source", "target").fill_null("").str.replace_all(_LINE_BREAKS, " "))
        with atomic_group(), atomic_write(src_path) as src_fh, atomic_write(tgt_path) as tgt_fh:  # both or neither
            for source, target in flat.iter_rows():
                src_fh.write(source + "\n")
                tgt_fh.write(target + "\n")
        return report



def _written(languages: tuple[str, str], options: WriteOptions) -> tuple[str, str]:
    """The tags the two files are named after, --lang-code applied."""
    return apply_lang_codes(languages[0], options.lang_codes), apply_lang_codes(languages[1], options.lang_codes)
