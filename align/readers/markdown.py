"""Markdown: the text a reader sees, markup removed; headings, list items and table cells apart, code skipped."""

from __future__ import annotations

import re

from tmforge.align.inline import (MAX_MARKS, closer as close_sentinel, has_sentinels, opener as open_sentinel,
                                  take_sentinels)
from tmforge.align.readers.base import MAX_PARAGRAPH, Parsed, TextReader, join_blocks, text_head

_FENCE = re.compile(r"^\s*(```|~~~)")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
# Constructs plain prose does not have; a file without an extension showing
# two different ones is taken for Markdown (one alone, e.g. a "# " line, is not enough).
_SIGNS = (re.compile(r"^#{1,6}\s+\S", re.M), re.compile(r"^\s*(```|~~~)", re.M),
          re.compile(r"\[[^\]\n]+\]\((https?://|/|#|\.)[^)\s]*\)"), re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.M),
          re.compile(r"(\*\*|__)\S[^\n]*?\S\1"))
_HEADING = re.compile(r"^\s{0,3}#{1,6}[ \t]+(.*)$")
# Links, images and tags in linear time: each bracket class excludes its own opener, so a
# paragraph of many '[' (or '<', '(') without a closer is scanned once, not once per opener.
_INLINE = [
    (re.compile(r"!\[([^\[\]]*)\]\([^()]*\)"), r"\1"),       # image: keep its alt text
    (re.compile(r"\[([^\[\]]+)\]\([^()]*\)"), r"\1"),        # link: keep its text
    (re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]"), r"\1"),      # reference link
    (re.compile(r"`([^`]+)`"), r"\1"),
]
_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()]*)\)")
_CODE = re.compile(r"`([^`]+)`")
_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]\s]+\](?!:)")     # [^1]: a footnote reference, not its definition
_TAG = re.compile(r"<[^<>\n]+>")                            # inline HTML tags
_DELIMITERS = re.compile(r"\*+|_+")


def _emphasis(text: str, kinds: list | None = None) -> str:
    """Remove the markers of *emphasis*, _emphasis_, **strong** and __strong__ in one pass.

    With `kinds` (a list of marks being collected, see align/inline.py), each
    pair of markers becomes sentinels of a bold or italic mark instead.

    A delimiter stack as in CommonMark, one stack per kind: each marker is
    pushed and popped at most once, so the time is linear in the text (the
    lazy regular expressions this replaces were quadratic on unmatched markers).
    """
    openers: dict[str, list[int]] = {"*": [], "_": [], "**": [], "__": []}
    runs: list[tuple[int, int]] = []  # (start, end) of each marker run considered
    drop: set[int] = set()            # indices in runs whose marker is removed
    pairs: dict[int, int] = {}        # opener -> closer, in runs
    n = len(text)
    for match in _DELIMITERS.finditer(text):
        start, end = match.span()
        kind = match.group()
        if len(kind) > 2:
            continue  # *** and longer: left as written
        before = text[start - 1] if start else " "
        after = text[end] if end < n else " "
        if len(kind) == 2:
            can_open, can_close = not after.isspace(), not before.isspace()
        elif kind == "*":
            can_open = not after.isspace() and not (before.isalnum() or before in "*_")
            can_close = not before.isspace() and not (after.isalnum() or after in "*_")
        else:
            can_open = not after.isspace() and not (before.isalnum() or before == "_")
            can_close = not before.isspace() and not (after.isalnum() or after == "_")
        index = len(runs)
        runs.append((start, end))
        stack = openers[kind]
        if can_close and stack:
            opener = stack.pop()
            drop.update((opener, index))
            pairs[opener] = index
            for other in openers.values():  # markers opened inside this span can no longer close
                while other and other[-1] > opener:
                    other.pop()
        elif can_open:
            stack.append(index)
    if not drop:
        return text
    numbers: dict[int, str] = {}      # run index -> the sentinel that replaces it
    if kinds is not None:
        for first, last in pairs.items():
            if len(kinds) >= MAX_MARKS:
                break
            marker = text[runs[first][0]:runs[first][1]]
            numbers[first], numbers[last] = open_sentinel(len(kinds)), close_sentinel(len(kinds))
            kinds.append(("bold" if len(marker) == 2 else "italic", marker, marker))
    parts, pos = [], 0
    for index in sorted(drop):
        start, end = runs[index]
        parts.append(text[pos:start])
        parts.append(numbers.get(index, ""))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _markdown_inline(text: str) -> str:
    """The text of inline Markdown, as a MarkedText whose marks are its links, inline code, emphasis
    and footnote references (align/inline.py)."""
    if has_sentinels(text):       # private-use characters of our own in the input: no marks
        for pattern, repl in _INLINE:
            text = pattern.sub(repl, text)
        return _TAG.sub("", _emphasis(text))
    kinds: list[tuple[str, str, str]] = []

    def mark(kind: str, open_code: str, close_code: str, inner: str) -> str:
        if len(kinds) >= MAX_MARKS:      # a block of thousands of marks: the rest are text only
            return inner
        kinds.append((kind, open_code, close_code))
        return open_sentinel(len(kinds) - 1) + inner + close_sentinel(len(kinds) - 1)

    text = _INLINE[0][0].sub(_INLINE[0][1], text)      # images: their alt text
    text = _LINK.sub(lambda m: mark("link", "[", f"]({m.group(2)})", m.group(1)), text)
    text = _INLINE[2][0].sub(_INLINE[2][1], text)      # reference links
    text = _CODE.sub(lambda m: mark("code", "`", "`", m.group(1)), text)
    text = _FOOTNOTE_REF.sub(lambda m: mark("fnote", m.group(), "", ""), text)
    return take_sentinels(_TAG.sub("", _emphasis(text, kinds)), kinds)


def markdown_blocks(text: str) -> list[str]:
    """Paragraphs of Markdown as plain text: headings, list items and table cells apart; code skipped."""
    blocks: list[str] = []
    current: list[str] = []
    fenced = False
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next((k for k in range(1, len(lines)) if lines[k].strip() in ("---", "...")), None)
        if end is not None:
            lines = lines[end + 1:]

    def flush() -> None:
        if current:
            joined = " ".join(current)
            # A paragraph over the limit is refused after reading (Reader.document) whatever its
            # markup: passed on as it is, it costs no inline work first.
            blocks.append(joined if len(joined) > MAX_PARAGRAPH else _markdown_inline(joined))
            current.clear()

    for line in lines:
        if _FENCE.match(line):
            flush()
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")) and not current:
            continue  # code
        stripped = re.sub(r"^\s*(>\s?)+", "", line).strip()
        if not stripped or stripped.startswith("<!--"):
            flush()
        elif _SETEXT.match(stripped) and current:
            flush()  # underline of the heading just read
        elif heading := _HEADING.match(stripped):
            flush()
            blocks.append(_markdown_inline(heading.group(1).rstrip().rstrip("#").rstrip()))
        elif stripped.startswith("|") or _TABLE_RULE.match(stripped):
            flush()
            if not _TABLE_RULE.match(stripped):
                blocks.extend(_markdown_inline(c.strip()) for c in stripped.strip("|").split("|"))
        elif _LIST_ITEM.match(stripped):
            flush()
            current.append(_LIST_ITEM.sub("", stripped, count=1))
        else:
            current.append(stripped)
    flush()
    return blocks


class MarkdownReader(TextReader):
    name = "markdown"
    label = "Markdown"
    extensions = (".md", ".markdown")

    def sniff(self, data: bytes) -> float:
        head = text_head(data)
        return 0.5 if sum(1 for sign in _SIGNS if sign.search(head)) >= 2 else 0.0

    def parse(self, text: str, source: str) -> Parsed:
        return Parsed(*join_blocks((b, None) for b in markdown_blocks(text)))
