"""HTML: visible text, one paragraph per block element; navigation boilerplate skipped."""

from __future__ import annotations

import re
from collections import Counter

from tmforge.align.readers.base import Parsed, TextReader, join_blocks, text_head

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "nav", "iframe", "object",
              "select", "option", "button", "canvas", "math"}
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
               "td", "th", "tr", "table", "caption", "blockquote", "pre", "section", "article", "main",
               "header", "footer", "aside", "address", "figure", "figcaption", "form", "fieldset",
               "legend", "details", "summary", "hr", "body", "center", "title"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
NAV_MAX_WORDS = 6


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


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
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return [], 0
    blocks: list[tuple[str, int, bool]] = []  # text, characters inside links, inside a heading
    pieces: list[str] = []
    state = {"link": 0, "heading": False}

    def flush() -> None:
        body = " ".join("".join(pieces).split())
        if body:
            blocks.append((body, state["link"], state["heading"]))
        pieces.clear()
        state["link"], state["heading"] = 0, False

    def walk(el, in_link: bool) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP_TAGS:  # comments, processing instructions, invisible elements
            if tag != "head" and el.tail:
                add(el.tail, in_link)
            return
        block = tag in _BLOCK_TAGS
        if block or tag == "br":
            flush()
        if tag in _HEADINGS:
            state["heading"] = True
        link = in_link or tag == "a"
        if el.text:
            add(el.text, link)
        for child in el:
            walk(child, link)
        if block:
            if tag in _HEADINGS:
                state["heading"] = True
            flush()
        if el.tail:
            add(el.tail, in_link)

    def add(chunk: str, link: bool) -> None:
        pieces.append(chunk)
        if link:
            state["link"] += len(chunk.strip())

    walk(root, False)
    flush()
    counts = Counter(b[0] for b in blocks)
    kept = [body for body, link_chars, heading in blocks
            if not _is_navigation(body, link_chars, heading, counts[body])]
    return kept, len(blocks) - len(kept)


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
