"""The data every step shares: paragraphs, sentences, beads, alignments.

Plain dataclasses, so a reader, the segmenter, the search, the memory writers
and the editor can pass them along without importing each other.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class InlineMark:
    """Inline formatting of a paragraph (align/inline.py): a span of its text, or a point when start == end."""

    start: int   # offsets into Paragraph.text
    end: int
    kind: str    # bold, italic, link, code, underline (spans); fnote, image (points)
    open: str = ""    # the native code that opens it (HTML "<b>", Markdown "**"); a point's whole code
    close: str = ""   # the native code that closes it


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: int  # character offsets into Document.text
    end: int
    props: dict[str, str] | None = field(default=None, compare=False)  # e.g. subtitle cue timing
    marks: tuple[InlineMark, ...] = field(default=(), compare=False)  # bold, links ... (readers that see them)


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # index of the paragraph it came from


@dataclass(frozen=True)
class Bead:
    """Source sentence indices paired with target sentence indices; one side may be empty."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None = None  # confidence in [0, 1], None for gold beads

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass
class Alignment:
    src_lang: str
    tgt_lang: str
    src: list[Sentence]
    tgt: list[Sentence]
    beads: list[Bead]
    signature: str
    document: str | None = None
    warnings: list[str] = field(default_factory=list)
    # The paragraphs Sentence.paragraph indexes, per side (cue timing for subtitles), and input encodings.
    src_paragraphs: list[Paragraph] = field(default_factory=list)
    tgt_paragraphs: list[Paragraph] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)
    # Beads (indices into `beads`) whose target is in the source language or copies the source.
    untranslated: list[int] = field(default_factory=list)
    untranslated_kept: bool = False  # asked to write them all the same (--keep-untranslated)
    # Beads with a side without a letter (numbers, bullets, table signs: nothing to translate), see align/notext.py.
    no_text: list[int] = field(default_factory=list)
    no_text_kept: bool = False  # asked to write them all the same (--keep-no-text)

    def pairs(self) -> list[tuple[str, str, Bead]]:
        """(source text, target text, bead) for every bead; sentences of one side joined by a space."""
        return [(" ".join(self.src[i].text for i in b.src), " ".join(self.tgt[j].text for j in b.tgt), b)
                for b in self.beads]

    def kinds(self) -> Counter:
        return Counter(b.kind for b in self.beads)
