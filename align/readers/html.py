"""HTML: visible text, one paragraph per block element; the site's template left out.

What is template is decided the same way in both languages, never by how
many words a block has (a headline of six English words and its Russian
translation of seven must both stay):

- the page's structure says so: navigation, banner and footer regions
  (`nav`, a `header`/`footer` outside the article, `aside`, ARIA roles) and
  elements whose class or id names a template part (menu, breadcrumbs,
  cookie banner, sidebar, sharing buttons, pagination). A site uses one
  template for all its languages, so both pages of a pair agree;
- the page repeats it: a short block that is no sentence, twice or more on one page
  ("Back to the section" under every item);
- the batch repeats it: blocks found on many pages of one side of a batch
  (`batch_template`, passed as ReadingOptions.template).

Removing the template is what the reader is for, so it is not warned about.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from typing import Iterable

from tmforge.align.inline import MarkedText, collapse_marks, marks_of
from tmforge.align.readers.base import Parsed, ReadingOptions, TextReader, decode_text, join_blocks, text_head

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "nav", "iframe", "object",
              "select", "option", "button", "canvas", "math"}
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
               "td", "th", "tr", "table", "caption", "blockquote", "pre", "section", "article", "main",
               "header", "footer", "aside", "address", "figure", "figcaption", "form", "fieldset",
               "legend", "details", "summary", "hr", "body", "center", "title"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Regions of the site template, by element, ARIA role, or a word of the class or id (split on - and _).
_TEMPLATE_TAGS = {"aside"}
_PAGE_FRAME_TAGS = {"header", "footer"}  # template unless inside the article itself
_CONTENT_TAGS = {"article", "main"}
_TEMPLATE_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "menu", "menubar"}
_TEMPLATE_WORDS = {"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "crumbs", "cookie",
                   "cookies", "consent", "gdpr", "sidebar", "share", "sharing", "social", "pagination", "pager",
                   "footer", "skip", "toolbar", "topbar", "subscribe", "newsletter", "banner"}
_WORD_SPLIT = re.compile(r"[\s_\-]+")
# Inline formatting kept as marks (TMX inline tags in the memory, align/inline.py).
_INLINE_KINDS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "a": "link",
                 "code": "code", "kbd": "code", "samp": "code", "tt": "code"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# A block that repeats on its page is template only when short: a repeated paragraph is not.
REPEAT_MAX_CHARS = 80


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


# libxml2's HTML parser stops nesting at this depth even with huge_tree, silently dropping what
# lies deeper; a tree that reaches it is read again by a flat scan that has no depth at all.
PARSER_MAX_DEPTH = 2047


def is_template(tag: str, attributes: dict, in_content: bool) -> bool:
    """Whether an element is a region of the site template (see the module's docstring)."""
    if tag in _TEMPLATE_TAGS or (tag in _PAGE_FRAME_TAGS and not in_content):
        return True
    if (attributes.get("role") or "").strip().lower() in _TEMPLATE_ROLES:
        return True
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}".lower()
    return bool(names.strip()) and not _TEMPLATE_WORDS.isdisjoint(_WORD_SPLIT.split(names))


class _BlockCollector:
    """Blocks of visible text from a stream of start tags, text and end tags."""

    def __init__(self, code_comments: bool = True) -> None:
        self.code_comments = code_comments   # a <pre> block gives its code's comments (else nothing)
        # text (a MarkedText: its bold, links ... as marks), inside a region of the template
        self.blocks: list[tuple[str, bool]] = []
        self.pieces: list[str] = []
        self.length = 0                  # characters in pieces
        self.open: list[tuple[str, str, int, str]] = []   # inline elements open: tag, kind, start, opening code
        self.spans: list[tuple[int, int, str, str, str]] = []
        self.template = False
        self.cells = 0                   # table cells open: there a <br> is a space, as in Markdown's cells

    def flush(self) -> None:
        spans = self.spans + [(start, self.length, kind, code, f"</{tag}>") for tag, kind, start, code in self.open]
        body = collapse_marks("".join(self.pieces), marks_of(spans))
        if body[0]:
            self.blocks.append((MarkedText(*body), self.template))
        self.pieces.clear()
        self.spans.clear()
        self.open = [(tag, kind, 0, code) for tag, kind, _, code in self.open]  # they go on in the next block
        self.length = 0

    def start(self, tag: str, attributes=None) -> None:
        if tag == "br" and self.cells:   # a cell's line break is layout ("Название столбца<br>в наборе")
            self.pieces.append(" ")
            self.length += 1
        elif tag in _BLOCK_TAGS or tag == "br":
            self.flush()
        if tag in ("td", "th"):
            self.cells += 1
        kind = _INLINE_KINDS.get(tag)
        if kind and (tag != "a" or (attributes or {}).get("href")):
            code = f'<a href="{attributes["href"]}">' if tag == "a" else f"<{tag}>"
            self.open.append((tag, kind, self.length, code))

    def end(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.cells = max(0, self.cells - 1)
        elif tag == "table":
            self.cells = 0               # cells a sloppy page never closed end with their table
        if tag in _INLINE_KINDS:
            at = next((k for k in range(len(self.open) - 1, -1, -1) if self.open[k][0] == tag), None)
            if at is not None:
                _, kind, start, code = self.open.pop(at)
                self.spans.append((start, self.length, kind, code, f"</{tag}>"))
        if tag in _BLOCK_TAGS:
            self.flush()

    def point(self, kind: str, code: str) -> None:
        """A mark with no text of its own (a footnote reference) at the current position."""
        self.spans.append((self.length, self.length, kind, code, ""))

    def text(self, chunk: str, template: bool) -> None:
        """Text inside (template) or outside a template region; a change between the two ends the block."""
        if template != self.template:
            self.flush()
            self.template = template
        self.pieces.append(chunk)
        self.length += len(chunk)


_NOTE_LABEL = re.compile(r"[\[(]?(?:\d{1,3}|[*†‡§a-z]|[ivx]{1,4})[\])]?", re.I)
_NOTE_CLASSES = {"footnote-ref", "footnote-reference", "noteref", "fnref", "reference"}


def _in_page_link(el) -> bool:
    return el.tag == "a" and (el.get("href") or "").startswith("#")


def is_note_reference(el) -> bool:
    """A footnote reference: a short label (1, [2], *, iv) that is a link to a place on the page in a
    superscript (`<sup><a href="#fn1">1</a></sup>`, `<a href="#fn1"><sup>1</sup></a>`), or such a link
    marked as one (class footnote-ref, role doc-noteref). Its label is no text to translate."""
    if el.tag not in ("sup", "a"):
        return False
    label = el.text_content().strip()
    if not _NOTE_LABEL.fullmatch(label):
        return False
    if el.tag == "sup":
        links = [c for c in el if isinstance(c.tag, str)]
        return len(links) == 1 and _in_page_link(links[0]) and not (el.text or "").strip()
    if not _in_page_link(el):
        return False
    if (el.get("role") or "") == "doc-noteref" or not _NOTE_CLASSES.isdisjoint((el.get("class") or "").split()):
        return True
    children = [c for c in el if isinstance(c.tag, str)]
    return len(children) == 1 and children[0].tag == "sup" and not (el.text or "").strip()


def note_code(el) -> str:
    """The reference's own HTML, the native code of its placeholder tag."""
    from lxml import etree

    return etree.tostring(el, encoding="unicode", method="html", with_tail=False).strip()


def _walk_tree(root, out: _BlockCollector) -> int:
    """Feed an lxml tree to `out` in document order, without recursion; return its depth."""
    deepest = 0
    # element, inside the template, inside the content (article/main), children done, depth
    stack = [(root, False, False, False, 0)]
    while stack:
        el, in_template, in_content, done, depth = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if done:
            out.end(tag)
            if el.tail:
                out.text(el.tail, in_template)
            continue
        if not tag or tag in _SKIP_TAGS:  # comments, processing instructions, invisible elements
            if tag != "head" and el.tail:
                out.text(el.tail, in_template)
            continue
        deepest = max(deepest, depth)
        template = in_template or is_template(tag, el.attrib, in_content)
        content = in_content or tag in _CONTENT_TAGS
        if is_note_reference(el):
            out.point("fnote", note_code(el))
            if el.tail:
                out.text(el.tail, in_template)
            continue
        if tag == "pre" and _is_code(el):  # as a Markdown fence: only its comments are text
            out.flush()
            for comment in _pre_comments(el) if out.code_comments else ():
                out.text(comment, template)
                out.flush()
            if el.tail:
                out.text(el.tail, in_template)
            continue
        out.start(tag, el.attrib)
        if el.text:
            out.text(el.text, template)
        stack.append((el, in_template, in_content, True, depth))
        stack.extend((child, template, content, False, depth + 1) for child in reversed(el))
    return deepest


_CODE_CLASS = re.compile(r"\b(?:language-|lang-|code|highlight|sourcecode|prettyprint|brush:|hljs)", re.I)


def _is_code(pre) -> bool:
    """A <pre> that holds code: a <code> inside, or a class of a code highlighter on it or its parent.
    A bare <pre> is preformatted text (whole books on lib.ru are one): read as text."""
    parent = pre.getparent()
    classes = " ".join(e.get("class") or "" for e in (pre, parent) if e is not None)
    return any(child.tag == "code" for child in pre) or bool(_CODE_CLASS.search(classes))


def _pre_comments(el) -> list[str]:
    """The comments of a <pre> block's code; its language from a class such as `language-python`."""
    from tmforge.align.readers.markdown import code_comments

    classes = " ".join(e.get("class") or "" for e in (el, *el.iterchildren("code")))
    language = re.search(r"\b(?:language|lang)-([\w+#.-]+)", classes)
    return code_comments(el.text_content().split("\n"), language.group(1) if language else "")


def _scan_flat(text: str, out: _BlockCollector) -> None:
    """Feed tags and text to `out` as they come, with no tree (so no depth limit)."""
    from html.parser import HTMLParser

    class Scanner(HTMLParser):
        skipping = 0
        content = 0
        template: list[str] = []  # tags of the open template regions (closed by their own end tag)

        def handle_starttag(self, tag, attrs):
            if tag in _SKIP_TAGS:
                self.skipping += 1
            elif not self.skipping:
                if is_template(tag, dict(attrs), self.content > 0):
                    self.template.append(tag)
                self.content += tag in _CONTENT_TAGS
                out.start(tag, dict(attrs))

        def handle_endtag(self, tag):
            if tag in _SKIP_TAGS:
                self.skipping = max(0, self.skipping - 1)
            elif not self.skipping:
                if self.template and self.template[-1] == tag:
                    self.template.pop()
                if tag in _CONTENT_TAGS:
                    self.content = max(0, self.content - 1)
                out.end(tag)

        def handle_data(self, data):
            if not self.skipping:
                out.text(data, bool(self.template))

    scanner = Scanner(convert_charrefs=True)
    scanner.feed(text)
    scanner.close()


def raw_blocks(text: str, code_comments: bool = True) -> list[tuple[str, bool]]:
    """Blocks of visible text of an HTML page, in order, each with whether it lies in a template region.
    A <pre> block is code: its comments are read (`code_comments`), its code never."""
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    try:
        # huge_tree: past 255 levels (pages with many unclosed <font> tags) libxml2 would drop the rest.
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return []
    out = _BlockCollector(code_comments)
    if _walk_tree(root, out) >= PARSER_MAX_DEPTH - 1:
        out = _BlockCollector()
        _scan_flat(text, out)
    out.flush()
    return out.blocks


def html_blocks(text: str, template: Iterable[str] = (), code_comments: bool = True) -> tuple[list[str], int]:
    """Visible text of an HTML page, one string per block element, the site template left out (see the
    module's docstring); and how many template blocks were left out. `template`: texts a batch repeats."""
    blocks = raw_blocks(text, code_comments)
    counts = Counter(body for body, _ in blocks)
    template = set(template)
    kept = [body for body, in_template in blocks
            if not (in_template or body in template or _repeated(body, counts[body]))]
    return kept, len(blocks) - len(kept)


def _repeated(body: str, times: int) -> bool:
    """A short block that is no sentence, repeated on its page: "Back to the section" under every item."""
    return times > 1 and len(body) <= REPEAT_MAX_CHARS and not re.search(r"[.!?…:;,]$", body)


def batch_template(jobs, min_pages: int = 3, share: float = 0.5) -> tuple[str, ...]:
    """Blocks the HTML pages of a batch repeat: on `share` of one side's pages and on `min_pages` at least.

    Each side (the jobs' sources, their targets) is counted apart: a site's
    footer is on every Russian page and its translation on every English one.
    A page that cannot be read is skipped here; its job reports it.
    """
    from tmforge.align.readers import READERS, read_bytes
    from tmforge.errors import TmforgeError

    found: set[str] = set()
    for side in ("src", "tgt"):
        paths = [getattr(job, side) for job in jobs if getattr(job, side, None) is not None]
        paths = [p for p in paths if Path(p).suffix.lower() in READERS.get("html").extensions]
        needed = max(min_pages, math.ceil(share * len(paths)))
        if len(paths) < needed:
            continue
        counts: Counter = Counter()
        for path in paths:
            try:
                data = read_bytes(path)
                text, _ = decode_text(data, str(path), None, declared_charset(data))
            except TmforgeError:
                continue
            counts.update({body for body, in_template in raw_blocks(text) if not in_template})
        found.update(body for body, n in counts.items() if n >= needed)
    return tuple(sorted(found))


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
        return self.parse_with(text, source, ReadingOptions())

    def parse_with(self, text: str, source: str, options: ReadingOptions) -> Parsed:
        blocks, _ = html_blocks(text, options.template, options.code_comments)
        return Parsed(*join_blocks((b, None) for b in blocks))
