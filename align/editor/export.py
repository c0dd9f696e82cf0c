"""From a project to a translation memory: the edited text, deleted units left out, people's changes marked."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

import tmforge.align.beads  # noqa: F401  (registers the .align bead format)
from tmforge.align.confidence import reference_mean
from tmforge.align.editor.build import params_from_json
from tmforge.align.editor.ops import EditBead
from tmforge.align.editor.project import Project
from tmforge.align.editor.realign import Inputs
from tmforge.align.inline import join_tagged, pair_markup, tags_from_json
from tmforge.align.pipeline import signature_encoder
from tmforge.tm.formats import check_outputs, registry
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.options import WriteOptions, WriteReport
from tmforge.tm.tmx import parse_tmx_date
from tmforge.types import Alignment, Bead, Sentence


def project_memory(project: Project, include_empty: bool = False, tags: bool = False) -> TranslationMemory:
    """One unit per bead kept for export; confirmed and edited ones carry status, changedate and changeid.
    tags: segments as TMX markup with the inline tags the project kept from formatted input; a sentence
    whose text was edited in the editor has lost where its tags go and is written without them."""
    meta = project.meta
    src, tgt = project.sides["src"].texts, project.sides["tgt"].texts
    created = parse_tmx_date(meta.get("created"))
    markup = _TaggedSides(project) if tags and meta.get("inline_tags") else None
    units = []
    for seq, bead in enumerate(project.beads, 1):
        if bead.excluded or not (include_empty or (bead.src and bead.tgt)):
            continue
        props = None
        if bead.status != "auto":
            props = {"status": bead.status, "changeid": meta.get("user", "")}
            if bead.changed:
                props["changedate"] = bead.changed
        if markup is not None:
            source, target = markup(bead)
        else:
            source, target = " ".join(src[i] for i in bead.src), " ".join(tgt[j] for j in bead.tgt)
        units.append(TranslationUnit(
            source=source, target=target,
            src_lang=meta["src_lang"], tgt_lang=meta["tgt_lang"], score=bead.score, bead=bead.kind,
            document=meta.get("document"), seq=seq, created=created, props=props))
    return TranslationMemory.from_units(units, meta={"signature": meta.get("signature", "")})


class _TaggedSides:
    """A bead's two sides as TMX markup from the sentence tags stored in the project (build.py)."""

    def __init__(self, project: Project) -> None:
        stored = json.loads(project.meta["inline_tags"])
        self.sides = {}
        for side in ("src", "tgt"):
            s = project.sides[side]
            tags = {int(i): tags_from_json(rows) for i, rows in stored.get(side, {}).items()}
            # only where the text is still as read: an edited sentence's offsets mean nothing any more
            self.sides[side] = [(text, tags.get(i, []) if text == original else [])
                                for i, (text, original) in enumerate(zip(s.texts, s.originals))]

    def __call__(self, bead: EditBead) -> tuple[str, str]:
        return pair_markup(join_tagged(self.sides["src"][i] for i in bead.src),
                           join_tagged(self.sides["tgt"][j] for j in bead.tgt))


def realign_inputs(project: Project) -> Inputs:
    """The search's inputs from the project file (lengths of the text as read: the embeddings are of it;
    the languages' reference means of the encoder the signature names, as the first alignment had)."""
    src, tgt = project.sides["src"], project.sides["tgt"]
    encoder = signature_encoder(project.meta.get("signature", ""))
    references = (reference_mean(encoder, project.meta["src_lang"]), reference_mean(encoder, project.meta["tgt_lang"]))
    return Inputs(project.spans("src"), project.spans("tgt"),
                  np.array([len(t) for t in src.originals], dtype=np.float64),
                  np.array([len(t) for t in tgt.originals], dtype=np.float64),
                  np.array(src.paragraphs, dtype=np.int64), np.array(tgt.paragraphs, dtype=np.int64),
                  params_from_json(project.meta["params"]), references)


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
    tags = options.inline_markup and fmt.inline_tags and bool(project.meta.get("inline_tags"))
    # Segments are markup only when they come out of the stored tags: plain text is never parsed as markup.
    options = replace(options, inline_markup=tags)
    return fmt.write(project_memory(project, options.include_empty, tags=tags), out, options)


def project_alignment(project: Project) -> Alignment:
    """The beads kept for export, with the sentences as edited."""
    meta = project.meta
    sides = {side: [Sentence(t, para) for t, para in zip(s.texts, s.paragraphs)] for side, s in project.sides.items()}
    beads = [Bead(b.src, b.tgt, b.score) for b in project.beads if not b.excluded]
    return Alignment(meta["src_lang"], meta["tgt_lang"], sides["src"], sides["tgt"], beads,
                     meta.get("signature", ""), document=meta.get("document"))
