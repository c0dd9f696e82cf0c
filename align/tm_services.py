"""What the memory store's commands need from the aligner; align/cli.py hands them to tm/ (which never
imports align/) in tm.cli.Services.

The encoder for semantic lookup is the one `align` uses; pretranslation
segments a document exactly as `align` does (same readers, language
detection and sentence splitter).
"""

from __future__ import annotations

from pathlib import Path

from tmforge.align.embed import load_encoder
from tmforge.align.io import read_document
from tmforge.align.pipeline import document_language, sentences_of


def segment_document(path: Path, lang: str | None) -> tuple[str, list[tuple[str, int]]]:
    """(language, [(sentence, paragraph index)]) of a document, segmented as align segments it."""
    doc = read_document(path)
    lang = lang or document_language(doc)
    return lang, [(s.text, s.paragraph) for s in sentences_of(doc.paragraphs, lang, doc.is_subtitles)]


def encoder():
    """The bundled encoder align uses (loaded once per process)."""
    return load_encoder()
