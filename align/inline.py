"""Inline formatting carried from the documents to the memory as TMX inline tags.

Readers that see formatting (HTML, Markdown, DOCX) give each paragraph its
marks: bold, italic, links and inline code as spans of the paragraph's plain
text, footnote references as points in it, each with the native code that
opens and closes it (`<b>`, `**`, a DOCX run's properties). The aligner never
sees them: sentences are embedded and aligned as plain text. Afterwards each
sentence gets the marks that fall inside it (a span crossing a sentence
boundary is closed at the end of one and reopened in the next), and a unit's
two sides are written as TMX markup: `<bpt>`/`<ept>` around a span, `<ph>`
for a point, the native code as the tag's content and a TMX `type` (bold,
italic, link, fnote; x-code for inline code). Tags of the same kind are
paired across the two sides in their order, a pair sharing its `x` and `i`,
so a CAT tool's match carries the tags to the right words; a tag found on one
side only gets a number of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from tmforge.types import InlineMark, Paragraph, Sentence

TMX_TYPES = {"bold": "bold", "italic": "italic", "link": "link", "code": "x-code", "fnote": "fnote",
             "underline": "ulined", "image": "image"}


@dataclass(frozen=True)
class _Tag:
    """One mark as it falls in a sentence: offsets into the sentence's text."""

    start: int
    end: int
    mark: InlineMark


def sentence_offsets(sentences: Sequence[Sentence], paragraphs: Sequence[Paragraph]) -> list[int | None]:
    """Where each sentence starts in its paragraph's text, found in order; None where its text is not there."""
    offsets: list[int | None] = []
    cursor: dict[int, int] = {}
    for sentence in sentences:
        k = sentence.paragraph
        if k >= len(paragraphs) or not paragraphs[k].marks:
            offsets.append(None)
            continue
        at = paragraphs[k].text.find(sentence.text, cursor.get(k, 0))
        offsets.append(at if at >= 0 else None)
        if at >= 0:
            cursor[k] = at + len(sentence.text)
    return offsets


def inline_marks(paragraph: Paragraph) -> list[InlineMark]:
    """The paragraph's marks without those that enclose all of its text: a paragraph set in bold or a
    list item that is one link is formatted as a block, and CAT tools (OmegaT) take such tags out of
    the segment, so a unit that kept them would never be an exact match."""
    length = len(paragraph.text)
    return [m for m in paragraph.marks if m.start == m.end or m.start > 0 or m.end < length]


def sentence_tags(sentence: Sentence, paragraph: Paragraph, offset: int | None) -> list[_Tag]:
    """The marks of `paragraph` inside `sentence`, clipped to it, in the order they start."""
    if offset is None:
        return []
    end = offset + len(sentence.text)
    tags = []
    for mark in inline_marks(paragraph):
        if mark.start == mark.end:
            if offset <= mark.start <= end:
                tags.append(_Tag(mark.start - offset, mark.start - offset, mark))
        elif mark.start < end and mark.end > offset:
            tags.append(_Tag(max(mark.start, offset) - offset, min(mark.end, end) - offset, mark))
    return sorted(tags, key=lambda t: (t.start, -t.end))


def pair_numbers(src: Sequence[_Tag], tgt: Sequence[_Tag]) -> tuple[list[int], list[int]]:
    """Numbers for the tags of both sides: the k-th source tag of a kind and the k-th target tag of the
    same kind share theirs (links with the same target first); the others get numbers of their own."""
    src_numbers = list(range(1, len(src) + 1))
    tgt_numbers: list[int] = []
    free = list(range(len(src)))
    next_number = len(src) + 1
    for tag in tgt:
        same = [k for k in free if src[k].mark.kind == tag.mark.kind]
        exact = [k for k in same if src[k].mark.open == tag.mark.open]
        chosen = (exact or same or [None])[0]
        if chosen is None:
            tgt_numbers.append(next_number)
            next_number += 1
        else:
            free.remove(chosen)
            tgt_numbers.append(src_numbers[chosen])
    return src_numbers, tgt_numbers


def tmx_markup(text: str, tags: Sequence[_Tag], numbers: Sequence[int]) -> str:
    """`text` escaped for a TMX seg, with its tags as bpt/ept/ph (`numbers` are their i and x)."""
    # position, then at one position: closings (the innermost first), points, openings (the outermost
    # first), so tags that nest in the document nest in the segment: <b>..<i>..</i></b>, never </b></i>.
    events: list[tuple[int, int, int, int, str]] = []
    for k, (tag, n) in enumerate(zip(tags, numbers)):
        kind = quoteattr(TMX_TYPES.get(tag.mark.kind, "x-" + tag.mark.kind))
        if tag.start == tag.end:
            events.append((tag.start, 1, 0, k, f'<ph x="{n}" type={kind}>{escape(tag.mark.open)}</ph>'))
        else:
            events.append((tag.start, 2, -tag.end, k, f'<bpt i="{n}" x="{n}" type={kind}>{escape(tag.mark.open)}</bpt>'))
            events.append((tag.end, 0, -tag.start, -k, f'<ept i="{n}">{escape(tag.mark.close)}</ept>'))
    events.sort(key=lambda e: e[:4])
    parts, pos = [], 0
    for at, _, _, _, markup in events:
        parts.append(escape(text[pos:at]))
        parts.append(markup)
        pos = at
    parts.append(escape(text[pos:]))
    return "".join(parts)


def _side(indices: Iterable[int], sentences: Sequence[Sentence], paragraphs: Sequence[Paragraph],
          offsets: Sequence[int | None]) -> tuple[str, list[_Tag]]:
    """One side of a bead as one text (sentences joined by a space) with its tags shifted into it."""
    pieces = []
    for i in indices:
        sentence = sentences[i]
        paragraph = paragraphs[sentence.paragraph] if sentence.paragraph < len(paragraphs) else None
        pieces.append((sentence.text, sentence_tags(sentence, paragraph, offsets[i]) if paragraph else []))
    return join_tagged(pieces)


def join_tagged(pieces: Iterable[tuple[str, Sequence[_Tag]]]) -> tuple[str, list[_Tag]]:
    """Sentences with their tags joined by a space into one side of a unit, the tags shifted along."""
    text, tags = "", []
    for piece, piece_tags in pieces:
        if text:
            text += " "
        tags += [_Tag(t.start + len(text), t.end + len(text), t.mark) for t in piece_tags]
        text += piece
    return text, tags


def pair_markup(src: tuple[str, Sequence[_Tag]], tgt: tuple[str, Sequence[_Tag]]) -> tuple[str, str]:
    """Both sides of a unit as TMX markup, their tags paired (pair_numbers)."""
    src_numbers, tgt_numbers = pair_numbers(src[1], tgt[1])
    return tmx_markup(src[0], src[1], src_numbers), tmx_markup(tgt[0], tgt[1], tgt_numbers)


def tags_to_json(tags: Sequence[_Tag]) -> list[list]:
    return [[t.start, t.end, t.mark.kind, t.mark.open, t.mark.close] for t in tags]


def tags_from_json(rows: Iterable[Sequence]) -> list[_Tag]:
    return [_Tag(int(s), int(e), InlineMark(int(s), int(e), str(k), str(o), str(c))) for s, e, k, o, c in rows]


class BeadMarkup:
    """The TMX markup of each bead's two sides for one alignment (offsets found once)."""

    def __init__(self, alignment) -> None:
        self.alignment = alignment
        self.src_offsets = sentence_offsets(alignment.src, alignment.src_paragraphs)
        self.tgt_offsets = sentence_offsets(alignment.tgt, alignment.tgt_paragraphs)

    def __call__(self, bead) -> tuple[str, str]:
        al = self.alignment
        return pair_markup(_side(bead.src, al.src, al.src_paragraphs, self.src_offsets),
                           _side(bead.tgt, al.tgt, al.tgt_paragraphs, self.tgt_offsets))

    def sentence_tags(self, side: str) -> dict[int, list[_Tag]]:
        """Each sentence's tags (sentences that have some), by index: what a saved project keeps."""
        al = self.alignment
        sentences, paragraphs, offsets = ((al.src, al.src_paragraphs, self.src_offsets) if side == "src"
                                          else (al.tgt, al.tgt_paragraphs, self.tgt_offsets))
        found = {}
        for i, sentence in enumerate(sentences):
            if sentence.paragraph < len(paragraphs):
                tags = sentence_tags(sentence, paragraphs[sentence.paragraph], offsets[i])
                if tags:
                    found[i] = tags
        return found


def clip_marks(marks: Sequence[InlineMark], start: int, end: int) -> tuple[InlineMark, ...]:
    """The marks of text[start:end], clipped to it and counted from its start (a piece of a paragraph)."""
    clipped = []
    for m in marks:
        if m.start == m.end:
            if start <= m.start <= end:
                clipped.append(InlineMark(m.start - start, m.start - start, m.kind, m.open, m.close))
        elif m.start < end and m.end > start:
            clipped.append(InlineMark(max(m.start, start) - start, min(m.end, end) - start, m.kind, m.open, m.close))
    return tuple(clipped)


def marks_of(spans: Iterable[tuple[int, int, str, str, str]]) -> tuple[InlineMark, ...]:
    """Marks from (start, end, kind, open, close) tuples, empty spans of paired kinds dropped."""
    return tuple(InlineMark(s, e, kind, o, c) for s, e, kind, o, c in spans if e > s or kind in POINT_KINDS)


POINT_KINDS = {"fnote", "image"}


def collapse_spaces(text: str, spans: Sequence[tuple[int, int, str, str, str]]
                    ) -> tuple[str, list[tuple[int, int, str, str, str]]]:
    """`" ".join(text.split())` with span offsets moved along (readers normalise white space so);
    a span's own leading and trailing spaces are left outside it."""
    new_pos = [0] * (len(text) + 1)
    out: list[str] = []
    length, pending = 0, False
    for k, ch in enumerate(text):
        if ch.isspace():
            pending = length > 0
            new_pos[k] = length
            continue
        if pending:
            out.append(" ")
            length += 1
            pending = False
        new_pos[k] = length
        out.append(ch)
        length += 1
    new_pos[len(text)] = length
    joined = "".join(out)
    moved = []
    for s, e, kind, o, c in spans:
        start, end = min(new_pos[s], length), min(new_pos[e], length)
        while start < end and joined[start] == " ":
            start += 1
        while end > start and joined[end - 1] == " ":
            end -= 1
        moved.append((start, end, kind, o, c))
    return joined, moved


def collapse_marks(text: str, marks: Sequence[InlineMark]) -> tuple[str, tuple[InlineMark, ...]]:
    """`" ".join(text.split())` and the marks moved along with it."""
    if not marks:          # most blocks: no per-character work
        return " ".join(text.split()), ()
    joined, spans = collapse_spaces(text, [(m.start, m.end, m.kind, m.open, m.close) for m in marks])
    return joined, marks_of(spans)


class MarkedText(str):
    """A block's text that knows its inline marks: readers return it where they returned text, so the
    code between a reader's parser and join_blocks needs no change; any operation that makes a new
    string (strip, replace) gives plain text, and the marks are then dropped, never misplaced."""

    marks: tuple[InlineMark, ...]

    def __new__(cls, text: str, marks: Sequence[InlineMark] = ()) -> "MarkedText":
        obj = super().__new__(cls, text)
        obj.marks = tuple(marks)
        return obj


def marks_in(text: str) -> tuple[InlineMark, ...]:
    return getattr(text, "marks", ())


def same_text(before: str, after: str) -> str:
    """`after` (a normalised `before`) keeping `before`'s marks when normalising changed nothing."""
    return before if after == before else after


# Readers that rewrite text with regular expressions (Markdown) let marks ride along as private-use
# characters: an opener and a closer, each followed by the mark's number. They survive substitutions
# and white-space collapsing, and are taken out (their positions becoming the marks) at the end.
OPEN, CLOSE, NUMBER_BASE = "\ue000", "\ue001", 0xE100
MAX_MARKS = 0xF8FF - NUMBER_BASE + 1     # numbers run to the end of the private-use area; later marks are text
_SENTINELS = re.compile("[\ue000\ue001][\ue100-\uf8ff]")


def opener(k: int) -> str:
    return OPEN + chr(NUMBER_BASE + k)


def closer(k: int) -> str:
    return CLOSE + chr(NUMBER_BASE + k)


def has_sentinels(text: str) -> bool:
    return OPEN in text or CLOSE in text


def take_sentinels(text: str, kinds: Sequence[tuple[str, str, str]]) -> MarkedText:
    """Text without its sentinels, the marks they delimited (`kinds[k]` = kind, open, close of mark k);
    a mark whose closer was lost (its construct removed) is dropped."""
    plain: list[str] = []
    length, pos = 0, 0
    starts: dict[int, int] = {}
    spans: list[tuple[int, int, str, str, str]] = []
    for match in _SENTINELS.finditer(text):
        chunk = text[pos:match.start()]
        plain.append(chunk)
        length += len(chunk)
        pos = match.end()
        k = ord(match.group()[1]) - NUMBER_BASE
        if match.group()[0] == OPEN:
            starts[k] = length
        elif k in starts and k < len(kinds):
            spans.append((starts.pop(k), length, *kinds[k]))
    plain.append(text[pos:])
    joined = "".join(plain)
    # Spaces at a span's edges stay outside it (as collapse_spaces leaves them).
    cleaned = []
    for s, e, kind, o, c in spans:
        while s < e and joined[s] == " ":
            s += 1
        while e > s and joined[e - 1] == " ":
            e -= 1
        cleaned.append((s, e, kind, o, c))
    return MarkedText(joined, sorted(marks_of(cleaned), key=lambda m: (m.start, -m.end)))
