"""Markdown: the text a reader sees, markup removed; headings, list items and table cells apart, code skipped."""

from __future__ import annotations

import re

from tmforge.align.readers.base import Parsed, TextReader, join_blocks, text_head

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),          # image: keep its alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),           # link: keep its text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),          # reference link
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"<[^>\n]+>"), ""),                          # inline HTML tags
]
# Constructs plain prose does not have; a file without an extension showing
# two different ones is taken for Markdown (one alone, e.g. a "# " line, is not enough).
_SIGNS = (re.compile(r"^#{1,6}\s+\S", re.M), re.compile(r"^\s*(```|~~~)", re.M),
          re.compile(r"\[[^\]\n]+\]\((https?://|/|#|\.)[^)\s]*\)"), re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.M),
          re.compile(r"(\*\*|__)\S[^\n]*?\S\1"))


def _markdown_inline(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text


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
            blocks.append(_markdown_inline(" ".join(current)))
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
            blocks.append(_markdown_inline(heading.group(1)))
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
