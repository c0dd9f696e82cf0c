"""Alignment beads and their text format (the Text+Berg gold format: `[0, 1]:[2]`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from tmforge.atomic import atomic_write
from tmforge.errors import TmforgeError
from tmforge.tm.formats import MemoryFormat, WriteOptions, WriteReport, registry
from tmforge.types import Alignment, Bead

_BEAD_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]")


def format_bead(bead: Bead) -> str:
    return f"[{', '.join(map(str, bead.src))}]:[{', '.join(map(str, bead.tgt))}]"


def format_beads(beads: Iterable[Bead]) -> str:
    return "".join(format_bead(b) + "\n" for b in beads)


# No document has a billion sentences; longer numbers are damage, and Python refuses ints over 4,300 digits.
MAX_INDEX_DIGITS = 9


def _indices(field: str, name: str, number: int) -> tuple[int, ...]:
    values = field.replace(",", " ").split()
    for x in values:
        if len(x) > MAX_INDEX_DIGITS or not x.isascii():
            raise TmforgeError(f"{name} line {number}: sentence index {x[:20]}{'...' if len(x) > 20 else ''} "
                               f"is not a sentence number (at most {MAX_INDEX_DIGITS} digits)")
    return tuple(int(x) for x in values)


def parse_beads(text: str, name: str = "alignment") -> list[Bead]:
    beads = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _BEAD_LINE.match(line)
        if not match:
            raise TmforgeError(f"{name} line {number} is not a bead like [0, 1]:[2]: {line.strip()[:60]!r}")
        beads.append(Bead(_indices(match.group(1), name, number), _indices(match.group(2), name, number)))
    return beads


def read_beads(path: str | Path) -> list[Bead]:
    from tmforge.inputs import read_input_bytes

    data = read_input_bytes(path, "alignment file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TmforgeError(f"{path} is not UTF-8 text (byte {exc.start}); an alignment file holds lines "
                           "like [0, 1]:[2]") from None
    return parse_beads(text, str(path))


class BeadsFormat(MemoryFormat):
    """`.align`: the beads of one alignment as sentence indices, one bead per line (no text)."""

    name = "align"
    extensions = (".align",)
    description = "the beads of one pair as sentence indices, [0, 1]:[2] per line (the gold format of tmforge eval)"
    fields = ()
    needs_beads = True

    def write_alignment(self, alignment: Alignment, path: Path, options: WriteOptions) -> WriteReport:
        # Every bead, those with an empty side included: the indices cover both texts.
        with atomic_write(path) as fh:
            fh.write(format_beads(alignment.beads))
        return WriteReport(written=len(alignment.beads))

    def read_beads(self, path: Path) -> list[Bead]:
        return read_beads(path)


# tm/ keeps the table of formats but knows nothing of alignments: the aligner adds its own.
registry.register(BeadsFormat)
