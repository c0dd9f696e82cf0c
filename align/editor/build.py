"""Making a project: align the inputs once, keeping the span embeddings the search used."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Sequence

import numpy as np

from tmforge.align import pipeline
from tmforge.align.editor.ops import EditBead
from tmforge.align.editor.project import Project
from tmforge.align.embed import Encoder
from tmforge.align.inline import BeadMarkup, tags_to_json
from tmforge.align.search import SearchParams
from tmforge.tm.model import now_utc
from tmforge.tm.tmx import tmx_date
from tmforge.types import Alignment


class SpanRecorder:
    """An encoder that remembers the span embeddings it computed, so the project can cache them.

    The pipeline asks an encoder for spans (`spans`) when it can compose them;
    this wrapper always can: it composes through the inner encoder when that
    one knows how, and otherwise encodes the joined spans as the pipeline does.
    """

    def __init__(self, inner: Encoder):
        self.inner = inner
        self.name, self.version = inner.name, inner.version
        self.recorded: dict[tuple[str, ...], np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode(texts)

    def spans(self, texts: Sequence[str], max_span: int, *progress) -> np.ndarray:
        if hasattr(self.inner, "spans"):
            result = self.inner.spans(texts, max_span, *progress)
        else:
            result = pipeline.span_embeddings(self.inner, texts, max_span, exact=True)
        self.recorded[tuple(texts)] = result
        return result

    def spans_of(self, texts: Sequence[str], max_span: int) -> np.ndarray:
        """The spans of a whole document side: recorded if the search embedded it in one piece."""
        found = self.recorded.get(tuple(texts))
        return found if found is not None else self.spans(texts, max_span)


def params_json(params: SearchParams) -> str:
    return json.dumps(asdict(params))


def params_from_json(text: str) -> SearchParams:
    values = json.loads(text)
    known = {f.name for f in fields(SearchParams)}
    values = {k: v for k, v in values.items() if k in known}
    if "beads" in values:
        values["beads"] = tuple(tuple(b) for b in values["beads"])
    return SearchParams(**values)


def create_project(path: str | Path, alignment: Alignment, recorder: SpanRecorder, params: SearchParams,
                   sources: Sequence[str | Path], user: str) -> Project:
    """Write a project holding the alignment, its sentences and their span embeddings."""
    src_texts = [s.text for s in alignment.src]
    tgt_texts = [t.text for t in alignment.tgt]
    meta = {"src_lang": alignment.src_lang, "tgt_lang": alignment.tgt_lang,
            "document": alignment.document or Path(sources[0]).name, "signature": alignment.signature,
            "params": params_json(params), "created": tmx_date(now_utc()), "user": user,
            "sources": json.dumps([str(Path(s).resolve()) for s in sources], ensure_ascii=False)}
    tagged = BeadMarkup(alignment)
    tags = {side: {str(i): tags_to_json(t) for i, t in tagged.sentence_tags(side).items()} for side in ("src", "tgt")}
    if tags["src"] or tags["tgt"]:     # formatted input (HTML, Markdown, DOCX): the export can write tags
        meta["inline_tags"] = json.dumps(tags, ensure_ascii=False)
    beads = [EditBead(b.src, b.tgt, b.score) for b in alignment.beads]
    return Project.create(path, meta, [(s.text, s.paragraph) for s in alignment.src],
                          [(t.text, t.paragraph) for t in alignment.tgt],
                          recorder.spans_of(src_texts, params.max_span),
                          recorder.spans_of(tgt_texts, params.max_span), beads)
