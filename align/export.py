"""Alignments written in any registered format: bead formats from the beads, the others as a memory.

A batch's alignments merged into one memory are written by align/sinks.py (MergedMemory), pair by pair.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from tmforge.align.beads import BeadsFormat  # noqa: F401  (registers .align before any lookup)
from tmforge.align.pipeline import to_memory
from tmforge.tm.formats import MemoryFormat, check_outputs, registry
from tmforge.tm.model import TranslationMemory
from tmforge.tm.options import WriteOptions, WriteReport
from tmforge.types import Alignment

NOUN = "output format"    # as the aligner's errors name it


def check_alignment_output(path: Path, inputs: Iterable[Path], force: bool, options: WriteOptions,
                           languages: tuple[str, str] | None = None) -> list[Path]:
    """The output checks of tm.formats.check_outputs, with the formats an alignment can be written as."""
    return check_outputs(path, tuple(inputs), force, languages=languages, options=options, beads=True,
                         noun=NOUN)


def write_alignment(alignment: Alignment, path: Path, options: WriteOptions) -> WriteReport:
    """One alignment to `path` in the format its extension names."""
    fmt = registry.for_path(path, beads=True, noun=NOUN)
    if fmt.needs_beads:
        return fmt.write_alignment(alignment, path, options)
    return fmt.write(memory_for(alignment, fmt, options), path, options)


def memory_for(alignment: Alignment, fmt: MemoryFormat, options: WriteOptions) -> TranslationMemory:
    """The units to write in `fmt`: with inline tags where it carries them and they are asked
    for (WriteOptions.inline_markup, on unless --no-tags), else plain text."""
    return to_memory(alignment, options.include_empty, tags=options.inline_markup and fmt.inline_tags)
