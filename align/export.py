"""Alignments written in any registered format: bead formats from the beads, the others as a memory."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import polars as pl

from tmforge.align.beads import BeadsFormat  # noqa: F401  (registers .align before any lookup)
from tmforge.align.pipeline import to_memory
from tmforge.errors import TmforgeError
from tmforge.tm.formats import check_outputs, registry
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
    return fmt.write(to_memory(alignment, options.include_empty), path, options)


def write_alignments(alignments: Sequence[Alignment], path: Path, options: WriteOptions,
                     inputs: Iterable[Path] = (), force: bool = False) -> WriteReport:
    """Several alignments as one memory (a bead format holds one alignment only)."""
    fmt = registry.for_path(path, beads=True, noun=NOUN)
    if fmt.needs_beads:
        if len(alignments) > 1:
            raise TmforgeError(f"a {fmt.extensions[0]} file holds the beads of one pair; "
                               "use --split-output for a batch")
        return fmt.write_alignment(alignments[0], path, options)
    memories = [to_memory(a, options.include_empty) for a in alignments]
    merged = TranslationMemory(pl.concat([m.frame for m in memories]), dict(memories[0].meta))
    # Known only now: the direction a Moses pair is named after.
    check_alignment_output(path, inputs, force, options, merged.languages)
    return fmt.write(merged, path, options)
