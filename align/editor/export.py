"""From a project to a translation memory: the edited text, deleted units left out, people's changes marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tmforge.align.beads import format_beads
from tmforge.align.editor.build import params_from_json
from tmforge.align.editor.ops import EditBead
from tmforge.align.editor.project import Project
from tmforge.align.editor.realign import Inputs
from tmforge.atomic import atomic_write
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.tmx import parse_tmx_date
from tmforge.types import Bead


def project_memory(project: Project, include_empty: bool = False) -> TranslationMemory:
    """One unit per bead kept for export; confirmed and edited ones carry status, changedate and changeid."""
    meta = project.meta
    src, tgt = project.sides["src"].texts, project.sides["tgt"].texts
    created = parse_tmx_date(meta.get("created"))
    units = []
    for seq, bead in enumerate(project.beads, 1):
        if bead.excluded or not (include_empty or (bead.src and bead.tgt)):
            continue
        props = None
        if bead.status != "auto":
            props = {"status": bead.status, "changeid": meta.get("user", "")}
            if bead.changed:
                props["changedate"] = bead.changed
        units.append(TranslationUnit(
            source=" ".join(src[i] for i in bead.src), target=" ".join(tgt[j] for j in bead.tgt),
            src_lang=meta["src_lang"], tgt_lang=meta["tgt_lang"], score=bead.score, bead=bead.kind,
            document=meta.get("document"), seq=seq, created=created, props=props))
    return TranslationMemory.from_units(units, meta={"signature": meta.get("signature", "")})


def write_beads(beads: list[EditBead], path: Path) -> int:
    kept = [Bead(b.src, b.tgt, b.score) for b in beads if not b.excluded]
    with atomic_write(path) as fh:
        fh.write(format_beads(kept))
    return len(kept)


def realign_inputs(project: Project) -> Inputs:
    """The search's inputs from the project file (lengths of the text as read: the embeddings are of it)."""
    src, tgt = project.sides["src"], project.sides["tgt"]
    return Inputs(project.spans("src"), project.spans("tgt"),
                  np.array([len(t) for t in src.originals], dtype=np.float64),
                  np.array([len(t) for t in tgt.originals], dtype=np.float64),
                  np.array(src.paragraphs, dtype=np.int64), np.array(tgt.paragraphs, dtype=np.int64),
                  params_from_json(project.meta["params"]))


def export_project(project: Project, path: str | Path, include_empty: bool = False,
                   **options) -> tuple[int, list[str]]:
    """Write the project in the format `path`'s extension names (.align: bead indices); units and warnings."""
    from tmforge.tm.formats import write_memory

    out = Path(path)
    if out.suffix.lower() == ".align":
        return write_beads(project.beads, out), []
    memory = project_memory(project, include_empty)
    report = write_memory(memory, out, include_empty=include_empty, **options)
    return report.written, list(report.warnings)
