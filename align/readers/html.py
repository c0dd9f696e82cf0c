"""HTML: visible text, one paragraph per block element; navigation boilerplate skipped."""

from __future__ import annotations

import re
from collections import Counter

from tmforge.align.inline import MarkedText, collapse_marks, marks_of
from tmforge.align.readers.base import Parsed, TextReader, join_blocks, text_head

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "nav", "iframe", "object",
              "select", "option", "button", "canvas", "math"}
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
               "td", "th", "tr", "table", "caption", "blockquote", "pre", "section", "article", "main",
               "header", "footer", "aside", "address", "figure", "figcaption", "form", "fieldset",
               "legend", "details", "summary", "hr", "body", "center", "title"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Inline formatting kept as marks (TMX inline tags in the memory, align/inline.py).
_INLINE_KINDS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "a": "link",
                 "code": "code", "kbd": "code", "samp": "code", "tt": "code"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
NAV_MAX_WORDS = 6


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


# libxml2's HTML parser stops nesting at this depth even with huge_tree, silently dropping what
# lies deeper; a tree that reaches it is read again by a flat scan that has no depth at all.
PARSER_MAX_DEPTH = 2047


class _BlockCollector:
    """Blocks of visible text from a stream of start tags, text and end tags."""

    def __init__(self) -> None:
        # text (a MarkedText: its bold, links ... as marks), characters inside links, inside a heading
        self.blocks: list[tuple[str, int, bool]] = []
        self.pieces: list[str] = []
        self.length = 0                  # characters in pieces
        self.open: list[tuple[str, str, int, str]] = []   # inline elements open: tag, kind, start, opening code
        self.spans: list[tuple[int, int, str, str, str]] = []
        self.link_chars = 0
        self.heading = False

    def flush(self) -> None:
        spans = self.spans + [(start, self.length, kind, code, f"</{tag}>") for tag, kind, start, code in self.open]
        body = collapse_marks("".join(self.pieces), marks_of(spans))
        if body[0]:
            self.blocks.append((MarkedText(*body), self.link_chars, self.heading))
        self.pieces.clear()
        self.spans.clear()
        self.open = [(tag, kind, 0, code) for tag, kind, _, code in self.open]  # they go on in the next block
        self.length = 0
        self.link_chars, self.heading = 0, False

    def start(self, tag: str, attributes=None) -> None:
        if tag in _BLOCK_TAGS or tag == "br":
            self.flush()
        if tag in _HEADINGS:
            self.heading = True
        kind = _INLINE_KINDS.get(tag)
        if kind and (tag != "a" or (attributes or {}).get("href")):
            code = f'<a href="{attributes["href"]}">' if tag == "a" else f"<{tag}>"
            self.open.append((tag, kind, self.length, code))

    def end(self, tag: str) -> None:
        if tag in _INLINE_KINDS:
            at = next((k for k in range(len(self.open) - 1, -1, -1) if self.open[k][0] == tag), None)
            if at is not None:
                _, kind, start, code = self.open.pop(at)
                self.spans.append((start, self.length, kind, code, f"</{tag}>"))
        if tag in _BLOCK_TAGS:
            if tag in _HEADINGS:
                self.heading = True
            self.flush()

    def text(self, chunk: str, link: bool) -> None:
        self.pieces.append(chunk)
        self.length += len(chunk)
        if link:
            self.link_chars += len(chunk.strip())


def _walk_tree(root, out: _BlockCollector) -> int:
    """Feed an lxml tree to `out` in document order, without recursion; return its depth."""
    deepest = 0
    stack = [(root, False, False, 0)]  # element, inside a link, children done, depth
    while stack:
        el, in_link, done, depth = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if done:
            out.end(tag)
            if el.tail:
                out.text(el.tail, in_link)
            continue
        if not tag or tag in _SKIP_TAGS:  # comments, processing instructions, invisible elements
            if tag != "head" and el.tail:
                out.text(el.tail, in_link)
            continue
        deepest = max(deepest, depth)
        out.start(tag, el.attrib)
        link = in_link or tag == "a"
        if el.text:
            out.text(el.text, link)
        stack.append((el, in_link, True, depth))
        stack.extend((child, link, False, depth + 1) for child in reversed(el))
    return deepest


def _scan_flat(text: str, out: _BlockCollector) -> None:
    """Feed tags and text to `out` as they come, with no tree (so no depth limit)."""
    from html.parser import HTMLParser

    class Scanner(HTMLParser):
        skipping = 0
        links = 0

        def handle_starttag(self, tag, attrs):
            if tag in _SKIP_TAGS:
                self.skipping += 1
            elif not self.skipping:
                out.start(tag, dict(attrs))
                self.links += tag == "a"

        def handle_endtag(self, tag):
            if tag in _SKIP_TAGS:
                self.skipping = max(0, self.skipping - 1)
            elif not self.skipping:
                out.end(tag)
                if tag == "a":
                    self.links = max(0, self.links - 1)

        def handle_data(self, data):
            if not self.skipping:
                out.text(data, self.links > 0)

    scanner = Scanner(convert_charrefs=True)
    scanner.feed(text)
    scanner.close()


def html_blocks(text: str) -> tuple[list[str], int]:
    """Visible text of an HTML page, one string per block element; and how many navigation blocks were dropped.

    Navigation boilerplate ("Go back", "Back to the section", menus) is short
    text that is all link, or short text that repeats on the page; neither is
    taken for content (headings are kept even when they are links).
    """
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    try:
        # huge_tree: past 255 levels (pages with many unclosed <font> tags) libxml2 would drop the rest.
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return [], 0
    out = _BlockCollector()
    if _walk_tree(root, out) >= PARSER_MAX_DEPTH - 1:
        out = _BlockCollector()
        _scan_flat(text, out)
    out.flush()
    counts = Counter(b[0] for b in out.blocks)
    kept = [body for body, link_chars, heading in out.blocks
            if not _is_navigation(body, link_chars, heading, counts[body])]
    return kept, len(out.blocks) - len(kept)


def _is_navigation(body: str, link_chars: int, heading: bool, repeats: int) -> bool:
    if heading or len(body.split()) > NAV_MAX_WORDS or re.search(r"[.!?…:;,]$", body):
        return False
    all_link = link_chars >= len(body.replace(" ", "")) * 0.9
    return all_link or repeats > 1


class HtmlReader(TextReader):
    name = "html"
    label = "HTML"
    extensions = (".html", ".htm", ".xhtml")

    def sniff(self, data: bytes) -> float:
        head = text_head(data).lstrip().lower()
        if head.startswith(("<!doctype html", "<html", "<?xml")) or re.search(r"<(body|p|div)[\s>]", head):
            return 0.8
        return 0.0

    def declared_encoding(self, data: bytes) -> str | None:
        return declared_charset(data)

    def parse(self, text: str, source: str) -> Parsed:
        blocks, dropped = html_blocks(text)
        warnings = [f"{source}: skipped {dropped} navigation blocks (menus, 'Go back' links)"] if dropped else []
        return Parsed(*join_blocks((b, None) for b in blocks), warnings)
