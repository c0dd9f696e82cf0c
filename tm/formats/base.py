"""The memory-format seam: one MemoryFormat subclass per file format, one registry of them all.

A format says what it is (name, extensions, description), what survives a
round trip through it (fields, header facts, line breaks), and implements
read_file and write_file. The public read/write around them check the paths
and turn any failure to parse a file into one TmforgeError, so every format
gives the same clear error for a damaged file.

A format that is written from an alignment's beads instead of a memory (the
`.align` bead-index format) sets needs_beads and implements write_alignment
and read_beads; the aligner registers it (tm/ knows nothing of alignments).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Iterable, Iterator, Mapping

import polars as pl
from lxml import etree

from tmforge.errors import TmforgeError
from tmforge.inputs import check_input
from tmforge.tm.model import UNIT_FIELDS, TranslationMemory, TranslationUnit
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport

if TYPE_CHECKING:
    from tmforge.types import Alignment, Bead

# What reading a damaged file raises inside parsers; each becomes one TmforgeError. Polars' Rust
# code can panic on a corrupt Parquet file (PanicException is a BaseException); deeply nested JSON
# exhausts Python's recursion limit.
PARSE_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError, ValueError, RecursionError,
                etree.LxmlError)
# What a writer in Rust raises when the disk is full (Python writers raise OSError, see tmforge.atomic).
WRITE_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException)


class MemoryFormat:
    """A translation-memory file format. Subclass it, fill in the class facts, implement two methods."""

    name: ClassVar[str]                     # short name: --format NAME, error messages
    extensions: ClassVar[tuple[str, ...]]   # lower case, with the dot; the first is the one written
    description: ClassVar[str]              # one line for help texts and `tmforge tm formats`
    # What a round trip keeps: the unit fields, the memory's header facts, line breaks inside a segment.
    fields: ClassVar[tuple[str, ...]] = UNIT_FIELDS
    keeps_meta: ClassVar[bool] = False
    keeps_line_breaks: ClassVar[bool] = True
    needs_beads: ClassVar[bool] = False     # written from an Alignment's beads, not from a memory
    streams: ClassVar[bool] = False         # write_units writes units as they come, in constant memory
    # Segments may hold TMX inline tags (WriteOptions.inline_markup): the aligner then writes documents'
    # bold, links ... as tags (align/inline.py); other formats get plain text.
    inline_tags: ClassVar[bool] = False

    # ------------------------------------------------------------ what a format implements

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        raise NotImplementedError

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        raise NotImplementedError

    def input_paths(self, path: Path, options: ReadOptions) -> list[Path]:
        """The files reading `path` opens (a Moses pair opens two)."""
        return [path]

    def output_paths(self, path: Path, languages: tuple[str, str] | None,
                     options: WriteOptions) -> list[Path]:
        """The files writing `path` creates; `languages` is the memory's direction, None if not known yet."""
        return [path]

    # Formats with needs_beads:
    def write_alignment(self, alignment: "Alignment", path: Path, options: WriteOptions) -> WriteReport:
        raise NotImplementedError

    def read_beads(self, path: Path) -> list["Bead"]:
        raise NotImplementedError

    # ------------------------------------------------------------ what callers use

    def read(self, path: str | Path, options: ReadOptions | None = None) -> TranslationMemory:
        """The memory in `path`; TmforgeError for a missing or damaged file."""
        path, options = Path(path), options or ReadOptions()
        self._refuse_beads("read a memory from")
        for part in self.input_paths(path, options):
            check_input(part)  # missing, a folder, a FIFO or device: one clear message each
        try:
            return self.read_file(path, options)
        except TmforgeError:
            raise
        except PARSE_ERRORS as exc:
            raise TmforgeError(f"cannot read {path} as {self.name.upper()}: {_first_line(exc)}; "
                               f"{self.repair_hint()}") from None

    def iter_units(self, path: str | Path, options: ReadOptions | None = None) -> Iterator[TranslationUnit]:
        """The units of `path` one by one; formats that can stream (TMX) do so in constant memory."""
        return self.read(path, options).units()

    def write(self, memory: TranslationMemory, path: str | Path,
              options: WriteOptions | None = None) -> WriteReport:
        """Write `memory` to `path` atomically (every file or none replaced)."""
        self._refuse_beads("write a memory to")
        try:
            return self.write_file(memory, Path(path), options or WriteOptions())
        except WRITE_ERRORS as exc:
            raise TmforgeError(f"cannot write {path}: {_first_line(exc)}; check that the disk has space and "
                               "the folder is writable, then run again; the previous file, if any, is "
                               "unchanged") from None

    def write_units(self, units: Iterable[TranslationUnit], path: str | Path, options: WriteOptions | None = None,
                    meta: Mapping[str, str] | None = None) -> WriteReport:
        """Write units given one by one (a batch's pairs as they finish), atomically.

        Formats that stream override it; the others collect the units into a memory first.
        """
        return self.write(TranslationMemory.from_units(units, dict(meta or {})), path, options)

    def repair_hint(self) -> str:
        """What to tell the user whose file could not be read."""
        return "check that it is such a file, or re-export it"

    def _refuse_beads(self, action: str) -> None:
        if self.needs_beads:
            raise TmforgeError(f"{self.name} files hold alignment beads, not a memory; cannot {action} "
                               f"one (the aligner writes them: tmforge align ... -o NAME{self.extensions[0]})")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class FormatRegistry:
    """The one table of formats: lookups by extension and name, and the lists help texts show."""

    def __init__(self) -> None:
        self._formats: list[MemoryFormat] = []

    def register(self, cls: type[MemoryFormat]) -> type[MemoryFormat]:
        """Add a format (usable as a class decorator); its extensions must be new."""
        fmt = cls()
        for ext in fmt.extensions:
            if not ext.startswith(".") or ext != ext.lower():
                raise ValueError(f"{cls.__name__}: extension {ext!r} must be lower case and start with a dot")
            taken = self._by_extension(ext)
            if taken is not None and type(taken) is not cls:
                raise ValueError(f"{cls.__name__}: extension {ext} already belongs to {taken.name}")
        self._formats = [f for f in self._formats if type(f) is not cls] + [fmt]
        return cls

    def formats(self, beads: bool = False) -> list[MemoryFormat]:
        """Registered formats in order; bead formats only when `beads` (what an alignment can be written as)."""
        return [f for f in self._formats if beads or not f.needs_beads]

    def extensions(self, beads: bool = False) -> list[str]:
        return [ext for f in self.formats(beads) for ext in f.extensions]

    def for_path(self, path: str | Path, beads: bool = False, noun: str = "memory format") -> MemoryFormat:
        """The format the extension of `path` names; TmforgeError listing the known ones otherwise."""
        suffix = Path(path).suffix.lower()
        fmt = self._by_extension(suffix)
        if fmt is None:
            raise TmforgeError(f"unknown {noun} '{suffix or Path(path).name}'; "
                               f"use one of {', '.join(self.extensions(beads))}")
        if fmt.needs_beads and not beads:
            raise TmforgeError(f"{suffix} files hold alignment beads, not a memory; "
                               f"use one of {', '.join(self.extensions())}")
        return fmt

    def named(self, name: str, beads: bool = False) -> MemoryFormat:
        """The format called `name` ('tsv', '.tsv' or 'TSV'), as --format takes it."""
        wanted = name.strip().lower()
        for fmt in self.formats(beads):
            if wanted == fmt.name or wanted in fmt.extensions or "." + wanted in fmt.extensions:
                return fmt
        raise TmforgeError(f"unknown format '{name}'; use one of "
                           f"{', '.join(f.name for f in self.formats(beads))}")

    def help_text(self, beads: bool = False) -> str:
        """One sentence per format, for --help."""
        return " ".join(f"{'/'.join(f.extensions)}: {f.description}." for f in self.formats(beads))

    def _by_extension(self, suffix: str) -> MemoryFormat | None:
        return next((f for f in self._formats if suffix in f.extensions), None)

    def __iter__(self) -> Iterator[MemoryFormat]:
        return iter(self._formats)

    def __len__(self) -> int:
        return len(self._formats)

