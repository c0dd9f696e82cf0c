"""From a project to a translation memory: the edited text, deleted units left out, people's changes marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import tmforge.align.beads  # noqa: F401  (registers the .align bead format)
from tmforge.align.editor.build import params_from_json
from tmforge.align.editor.ops import EditBead
from tmforge.align.editor.project import Project
from tmforge.align.editor.realign import Inputs
from tmforge.tm.formats import check_outputs, registry
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.options import WriteOptions, WriteReport
from tmforge.tm.tmx import parse_tmx_date
from tmforge.types import Alignment, Bead, Sentence


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


def realign_inputs(project: Project) -> Inputs:
    """The search's inputs from the project file (lengths of the text as read: the embeddings are of it)."""
    src, tgt = project.sides["src"], project.sides["tgt"]
    return Inputs(project.spans("src"), project.spans("tgt"),
                  np.array([len(t) for t in src.originals], dtype=np.float64),
                  np.array([len(t) for t in tgt.originals], dtype=np.float64),
                  np.array(src.paragraphs, dtype=np.int64), np.array(tgt.paragraphs, dtype=np.int64),
                  params_from_json(project.meta["params"]))


NOUN = "output format"


def export_formats() -> list[str]:
    """Every extension a project can be exported to: the memory formats and the bead formats."""
    return registry.extensions(beads=True)


def check_export(project_path: Path, path: Path, force: bool, options: WriteOptions,
                 languages: tuple[str, str] | None = None) -> None:
    check_outputs(path, (project_path,), force, languages=languages, options=options, beads=True, noun=NOUN)


def export_project(project: Project, path: str | Path, options: WriteOptions | None = None) -> WriteReport:
    """Write the project in the format `path`'s extension names: a memory, or the beads (.align)."""
    out, options = Path(path), options or WriteOptions()
    fmt = registry.for_path(out, beads=True, noun=NOUN)
    if fmt.needs_beads:
        return fmt.write_alignment(project_alignment(project), out, options)
    return fmt.write(project_memory(project, options.include_empty), out, options)


def project_alignment(project: Project) -> Alignment:
    """The beads kept for export, with the sentences as edited."""
    meta = project.meta
    sides = {side: [Sentence(t, para) for t, para in zip(s.texts, s.paragraphs)] for side, s in project.sides.items()}
    beads = [Bead(b.src, b.tgt, b.score) for b in project.beads if not b.excluded]
    return Alignment(meta["src_lang"], meta["tgt_lang"], sides["src"], sides["tgt"], beads,
                     meta.get("signature", ""), document=meta.get("document"))
