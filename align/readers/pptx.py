"""PPTX: the text of a PowerPoint deck, slide by slide, then the speaker notes, slide by slide.

On a slide, shapes are read top to bottom, then left to right (how the eye
reads a slide; the order shapes were drawn in is often another); groups are
read inside, tables row by row. Speaker notes come after all slides, kept
apart from the slides' text (props part "notes"); every paragraph carries its
slide number.
"""

from __future__ import annotations

import io
import re
from typing import Iterable

from tmforge.align.encodings import normalize
from tmforge.align.readers.base import BlockReader, ReadingOptions
from tmforge.errors import TmforgeError


def _shape_texts(shapes) -> list[str]:
    """Paragraphs of shapes in reading order (top, then left), groups and tables included."""
    def position(shape):
        return (shape.top or 0, shape.left or 0)

    texts: list[str] = []
    for shape in sorted(shapes, key=position):
        if getattr(shape, "shape_type", None) is not None and hasattr(shape, "shapes"):  # a group
            texts += _shape_texts(shape.shapes)
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    if not cell.is_spanned:  # a merged cell is read once, from its first cell
                        texts += [p.text for p in cell.text_frame.paragraphs]
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            texts += [p.text for p in shape.text_frame.paragraphs]
    return [normalize(re.sub(r"[\v\x0b]", " ", t)) for t in texts]


def slide_texts(data: bytes, source: str) -> list[tuple[str, dict[str, str]]]:
    """(text, props) of the deck: every slide's paragraphs, then every slide's notes."""
    try:
        import pptx
    except ImportError:  # pragma: no cover - a dependency
        raise TmforgeError("reading PPTX needs python-pptx; install it with pip install python-pptx") from None
    from tmforge.inputs import check_unpacked_size

    check_unpacked_size(data, source, "PPTX")  # a 1 MB file can inflate to gigabytes
    slides, notes = [], []
    try:
        deck = pptx.Presentation(io.BytesIO(data))
        for number, slide in enumerate(deck.slides, 1):
            slides += [(t, {"slide": str(number)}) for t in _shape_texts(slide.shapes)]
            if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
                frame = slide.notes_slide.notes_text_frame
                notes += [(normalize(re.sub(r"[\v\x0b]", " ", p.text)), {"slide": str(number), "part": "notes"})
                          for p in frame.paragraphs]
    except Exception as exc:  # noqa: BLE001 - a damaged deck fails anywhere inside python-pptx and lxml
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise TmforgeError(f"{source} is not a readable PPTX file ({reason}); open and save it again in "
                           "PowerPoint or LibreOffice") from None
    return slides + notes


class PptxReader(BlockReader):
    name = "pptx"
    label = "PPTX"
    extensions = (".pptx",)

    def sniff(self, data: bytes) -> float:
        return 1.0 if data.startswith(b"PK\x03\x04") and b"ppt/" in data[:65536] else 0.0

    def blocks(self, data: bytes, source: str, options: ReadingOptions) -> Iterable[tuple]:
        return slide_texts(data, source)
