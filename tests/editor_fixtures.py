"""A real editor project built from the bundled sample pair, for the editor's tests."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLES
from tmforge.align import pipeline
from tmforge.align.editor.build import SpanRecorder, create_project
from tmforge.align.editor.project import Project
from tmforge.align.search import SearchParams


def sample_project(path: Path, encoder) -> Project:
    """Align the sample (English source, Russian target, one sentence per line) into a project at `path`."""
    recorder = SpanRecorder(encoder)
    folder = SAMPLES / "parallel"
    params = SearchParams()
    alignment = pipeline.align_files(folder / "en.sent", folder / "ru.sent", segmented=True, encoder=recorder,
                                     params=params, src_lang="en", tgt_lang="ru")
    return create_project(path, alignment, recorder, params, [folder / "en.sent", folder / "ru.sent"], "tester")
