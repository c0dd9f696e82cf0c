"""Markdown: the text a reader sees, markup removed; headings, list items and table cells apart, code skipped.

Tables as GitHub and real documentation write them: with or without leading
pipes, delimiter rows of any number of dashes (`|:-|:-:|`), `<br>` inside
cells. Comments inside fenced code blocks are read, since translators
translate them (ReadingOptions.code_comments turns that off); the code is not.
"""

from __future__ import annotations

import re

from tmforge.align.inline import (MAX_MARKS, closer as close_sentinel, has_sentinels, opener as open_sentinel,
                                  take_sentinels)
from tmforge.align.readers.base import MAX_PARAGRAPH, Parsed, ReadingOptions, TextReader, join_blocks, text_head

_FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w+#.-]*)")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# A table's delimiter row: cells of one or more dashes, colons for alignment ("|:-|:-:|", "--- | ---").
_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
_THEMATIC_BREAK = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")  # an escaped \| is a pipe inside a cell
# Constructs plain prose does not have; a file without an extension showing
# two different ones is taken for Markdown (one alone, e.g. a "# " line, is not enough).
_SIGNS = (re.compile(r"^#{1,6}\s+\S", re.M), re.compile(r"^\s*(```|~~~)", re.M),
          re.compile(r"\[[^\]\n]+\]\((https?://|/|#|\.)[^)\s]*\)"), re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.M),
          re.compile(r"(\*\*|__)\S[^\n]*?\S\1"))
_HEADING = re.compile(r"^\s{0,3}#{1,6}[ \t]+(.*)$")
# `[id]: address "title"`: a link reference definition, an address and no text to translate.
_LINK_DEFINITION = re.compile(r"^\[(?!\^)[^\[\]]+\]:[ \t]*(?:<[^<>\s]*>|\S+)"
                              r"""(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^()]*\)))?\s*$""")
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\[\]\s]+\]:[ \t]*")   # `[^1]: text`: the note's text is read
# Links, images and tags in linear time: each bracket class excludes its own opener, so a
# paragraph of many '[' (or '<', '(') without a closer is scanned once, not once per opener.
_INLINE = [
    (re.compile(r"\[([^\[\]]+)\]\([^()]*\)"), r"\1"),        # link: keep its text
    (re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]"), r"\1"),      # reference link
    (re.compile(r"`([^`]+)`"), lambda m: _code_text(m.group(1))),  # code: its * and _ are not emphasis
]
_IMAGE = re.compile(r"!\[([^\[\]]*)\](?:\([^()]*\)|\[[^\[\]]*\])")  # ![alt](address) or ![alt][id]
_EMPTY_LINK = re.compile(r"\[\s*\]\([^()]*\)")  # what a linked image leaves: [](target)
# Raw HTML blocks in Markdown (a table written as <table>, a <div> of notes): each cell, row,
# heading, list item or block is a paragraph of its own, as the HTML reader makes it.
_HTML_BLOCK_TAG = re.compile(r"</?(?:table|thead|tbody|tfoot|tr|td|th|caption|p|div|li|ul|ol|dl|dt|dd|h[1-6]"
                             r"|blockquote|pre|section|details|summary)\b[^<>\n]*>", re.I)
_BREAK_TAG = re.compile(r"<(br|p|/p|div|/div|li|/li)\b[^<>\n]*>", re.I)  # tags that separate words
_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()]*)\)")
_REFERENCE_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_CODE = re.compile(r"`([^`]+)`")
_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]\s]+\](?!:)")     # [^1]: a footnote reference, not its definition
# Inline HTML as CommonMark reads it: a tag name starts with an ASCII letter, so a placeholder
# such as "<Не задано>" or a comparison "X < 5 и Y > 3" is text, not a tag to drop.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>|<[!?][^<>\n]*>")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")  # <https://...>: the address is the text
# Emphasis markers inside inline code are the code's own characters: held apart from the
# emphasis pass by private-use stand-ins (next to inline.py's sentinels, not among them).
_CODE_STAND_INS = {"*": "\ue002", "_": "\ue003"}
_FROM_STAND_INS = str.maketrans({v: k for k, v in _CODE_STAND_INS.items()})


def _code_text(inner: str) -> str:
    return inner.translate(str.maketrans(_CODE_STAND_INS))
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

    def marker(start: int, end: int, kind: str, can_open: bool, can_close: bool) -> None:
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

    for match in _DELIMITERS.finditer(text):
        start, end = match.span()
        kind = match.group()
        if len(kind) > 3:
            continue  # **** and longer: left as written
        before = text[start - 1] if start else " "
        after = text[end] if end < n else " "
        if len(kind) >= 2:
            can_open, can_close = not after.isspace(), not before.isspace()
        elif kind == "*":
            can_open = not after.isspace() and not (before.isalnum() or before in "*_")
            can_close = not before.isspace() and not (after.isalnum() or after in "*_")
        else:
            can_open = not after.isspace() and not (before.isalnum() or before == "_")
            can_close = not before.isspace() and not (after.isalnum() or after == "_")
        if len(kind) < 3:
            marker(start, end, kind, can_open, can_close)
            continue
        # *** is a single and a double marker (CommonMark: "***a***", "**a *b***"). Closing, the
        # one opened last closes first; opening, the single comes first, as CommonMark nests them.
        one, two = kind[0], kind[:2]
        closes_single_first = can_close and bool(openers[one]) and (
            not openers[two] or openers[one][-1] > openers[two][-1])
        if closes_single_first or not (can_close and openers[two]):
            marker(start, start + 1, one, can_open, can_close)
            marker(start + 1, end, two, can_open, can_close)
        else:
            marker(start, start + 2, two, can_open, can_close)
            marker(start + 2, end, one, can_open, can_close)
    _stray_strong(text, runs, drop, pairs)
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


def _stray_strong(text: str, runs: list[tuple[int, int]], drop: set[int], pairs: dict[int, int]) -> None:
    """`**` and `__` that CommonMark leaves unmatched: bold written with a space inside the markers
    (`** Note **`, `**Note: text **`). Renderers that documentation sites use (marked, GitBook's)
    show it bold, and as text it is no word of the sentence: unmatched markers of one kind pair up
    in order as bold, as those renderers pair them. One left over is dropped when it touches a word
    (`**Note:` never closed); between spaces it stays text ("2 ** 3"). Markers inside a word
    ("2**3", "MAX__SIZE") are text. A pair that would cross a matched one is dropped."""
    left = {"**": [], "__": []}
    for index, (start, end) in enumerate(runs):
        if index not in drop and end - start == 2 and text[start:end] in left \
                and not (text[start - 1:start].isalnum() and text[end:end + 1].isalnum()):
            left[text[start:end]].append(index)
    matched = sorted(pairs.items())
    for stray in left.values():
        for k in range(0, len(stray), 2):
            pair = stray[k:k + 2]
            if len(pair) == 1:
                start, end = runs[pair[0]]
                if (text[start - 1:start] or " ").isspace() and (text[end:end + 1] or " ").isspace():
                    continue
            for index, inner in zip(pair, ("after", "before")):  # `** Note **`: the inner spaces go too
                start, end = runs[index]
                if inner == "after" and len(pair) == 2:
                    end += len(text[end:]) - len(text[end:].lstrip(" "))
                else:
                    start -= len(text[:start]) - len(text[:start].rstrip(" "))
                runs[index] = (start, end)
            drop.update(pair)
            if len(pair) == 2 and not any(a < first < b < last or first < a < last < b
                                          for a, b in [pair] for first, last in matched):
                pairs[pair[0]] = pair[1]


def _images(text: str) -> str:
    """Text without its images; an image's alt text only where the images are all there is.

    Documentation puts an icon before the word it shows (`![Add](add.svg) **Add**`):
    keeping both alt text and word doubled the word, which the translation does not.
    """
    if "![" not in text:
        return text
    alts: list[str] = []
    rest = _EMPTY_LINK.sub(" ", _IMAGE.sub(lambda m: alts.append(m.group(1)) or " ", text))
    if re.search(r"\w", _TAG.sub("", rest)):
        return rest
    return " ".join(a.strip() for a in alts if a.strip())


def _markdown_inline(text: str) -> str:
    """The text of inline Markdown, as a MarkedText whose marks are its links, inline code, emphasis
    and footnote references (align/inline.py); `<br>` separates words, icons are not read twice."""
    text = _AUTOLINK.sub(r"\1", _BREAK_TAG.sub(" ", _images(text)))
    if has_sentinels(text):       # private-use characters of our own in the input: no marks
        for pattern, repl in _INLINE:
            text = pattern.sub(repl, text)
        return " ".join(_TAG.sub("", _emphasis(text)).split()).translate(_FROM_STAND_INS)
    kinds: list[tuple[str, str, str]] = []

    def mark(kind: str, open_code: str, close_code: str, inner: str) -> str:
        if len(kinds) >= MAX_MARKS:      # a block of thousands of marks: the rest are text only
            return inner
        kinds.append((kind, open_code, close_code))
        return open_sentinel(len(kinds) - 1) + inner + close_sentinel(len(kinds) - 1)

    text = _LINK.sub(lambda m: mark("link", "[", f"]({m.group(2)})", m.group(1)), text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _CODE.sub(lambda m: mark("code", "`", "`", _code_text(m.group(1))), text)
    text = _FOOTNOTE_REF.sub(lambda m: mark("fnote", m.group(), "", ""), text)
    # White space collapses with the sentinels still in place, so the marks move along with it.
    return take_sentinels(" ".join(_TAG.sub("", _emphasis(text, kinds)).split()).translate(_FROM_STAND_INS), kinds)


def _cells(row: str) -> list[str]:
    """The cells of a table row, with or without outer pipes; an escaped \\| stays in its cell."""
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(row)]


def _is_delimiter_row(line: str) -> bool:
    """A table's delimiter row: pipes and cells of dashes. Without a pipe, only `---` or longer counts
    (a thematic break, also dropped), so a lone "-" or "--" stays text."""
    if "|" not in line:
        return bool(re.fullmatch(r"\s*:?-{3,}:?\s*", line))
    cells = _cells(line)
    return bool(cells) and all(_DELIMITER_CELL.match(c) for c in cells)


# Line comments of the languages documentation shows, by the fence's info string; other or no
# language: "#" and "//". A comment after code needs white space before it (not "a//b", "x#1").
_COMMENT_MARKERS = {
    "#": ("python", "py", "sh", "bash", "shell", "zsh", "console", "r", "ruby", "rb", "perl", "yaml", "yml",
          "toml", "ini", "conf", "powershell", "ps1", "dockerfile", "makefile", "cmake", "nim", "julia"),
    "//": ("js", "javascript", "ts", "typescript", "java", "c", "cpp", "c++", "cs", "csharp", "go", "rust",
           "kotlin", "swift", "php", "scala", "dart", "groovy", "json5", "jsonc", "pascal", "delphi"),
    "--": ("sql", "lua", "haskell", "hs", "plsql", "tsql", "mysql", "postgresql", "psql", "ada", "elm"),
    "'": ("vb", "vbnet", "vbscript", "vba", "basic"),
}


def _comment_markers(language: str) -> tuple[str, ...]:
    language = language.lower()
    found = tuple(marker for marker, names in _COMMENT_MARKERS.items() if language in names)
    return found or ("#", "//")


def _line_comment(line: str, markers: tuple[str, ...]) -> str | None:
    """The text of a line's comment (after its marker), or None; markers inside quotes are not comments."""
    quote = None
    for k, ch in enumerate(line):
        if quote:
            if ch == quote and line[k - 1:k] != "\\":
                quote = None
            continue
        if ch in "\"'`" and not (ch == "'" and "'" in markers):
            quote = ch
            continue
        for marker in markers:
            if line.startswith(marker, k) and (k == 0 or line[k - 1].isspace()):
                body = line[k + len(marker):].lstrip(marker[0]).strip()
                return body if re.search(r"[^\W\d_]", body) else None
    return None


def code_comments(code: list[str], language: str) -> list[str]:
    """Comments of a fenced code block, one paragraph per comment: line comments in a row join;
    /* ... */ blocks are one comment each."""
    markers = _comment_markers(language)
    comments: list[str] = []
    run: list[str] = []
    block: list[str] | None = None
    for line in code:
        if block is not None:
            end = line.find("*/")
            block.append((line if end < 0 else line[:end]).strip().lstrip("*").strip())
            if end >= 0:
                comments.append(" ".join(b for b in block if b))
                block = None
            continue
        start = line.find("/*") if "//" in markers else -1
        if start >= 0 and (start == 0 or line[start - 1].isspace()):
            if run:
                comments.append(" ".join(run))
                run = []
            end = line.find("*/", start + 2)
            if end >= 0:
                comments.append(line[start + 2:end].strip().strip("*").strip())
            else:
                block = [line[start + 2:].strip().lstrip("*").strip()]
            continue
        comment = _line_comment(line, markers)
        if comment is None:
            if run:
                comments.append(" ".join(run))
                run = []
            continue
        if line.lstrip().startswith(comment) or not line.split(comment)[0].strip(" #/-'"):
            run.append(comment)  # a comment line of its own continues the comment above
        else:
            if run:
                comments.append(" ".join(run))
                run = []
            comments.append(comment)  # a comment after code stands alone
    if run:
        comments.append(" ".join(run))
    if block:
        comments.append(" ".join(b for b in block if b))
    return [c for c in comments if re.search(r"[^\W\d_]", c)]


# Front matter fields that site generators (Jekyll, Hugo, Docusaurus, MkDocs) show
# to readers as the page's text, so translators translate them; the rest
# (layout, dates, slugs, menu weights) is configuration. They are read at the top level
# and inside nested settings (`seo: {title: ...}`, Hugo's `params:`).
FRONT_MATTER_TEXT = ("title", "linkTitle", "sidebar_label", "subtitle", "description", "summary", "excerpt")
# Lists of terms shown on the page or to search engines, translated per language (Hugo keeps a
# taxonomy per language): each item is a paragraph; a string is a comma-separated list.
FRONT_MATTER_TERMS = ("keywords", "tags")
MAX_FRONT_MATTER = 65536  # characters; a larger block is no page header, and is skipped unread
MAX_FRONT_MATTER_DEPTH = 3  # mappings nested deeper are data, not page settings


def _front_matter_fields(fields: dict, depth: int = 0) -> list[str]:
    out: list[str] = []
    for name in FRONT_MATTER_TEXT:
        value = fields.get(name)
        if isinstance(value, str):
            out.append(value)
    for name in FRONT_MATTER_TERMS:
        value = fields.get(name)
        items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
        out += [item for item in items if isinstance(item, str)]
    if depth < MAX_FRONT_MATTER_DEPTH:
        for value in fields.values():
            if isinstance(value, dict):
                out += _front_matter_fields(value, depth + 1)
    return out


def front_matter_text(yaml_text: str) -> list[str]:
    """The translatable fields of a page's YAML front matter: FRONT_MATTER_TEXT in that order, then
    the items of FRONT_MATTER_TERMS, then the same inside nested mappings.

    Only string values are taken. Front matter that is not valid YAML
    is skipped, as it was before fields were read: it is the page's settings,
    not its text, and a site generator would refuse it anyway.
    """
    if len(yaml_text) > MAX_FRONT_MATTER:
        return []
    import yaml

    try:
        fields = yaml.load(yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError, ValueError):
        return []
    if not isinstance(fields, dict):
        return []
    values = _front_matter_fields(fields)
    return [" ".join(v.split()) for v in values if re.search(r"[^\W\d_]", v)]


def markdown_blocks(text: str, comments: bool = True) -> list[str]:
    """Paragraphs of Markdown as plain text: headings, list items and table cells apart; code skipped,
    its comments read (unless not `comments`)."""
    blocks: list[str] = []
    current: list[str] = []
    fence: str | None = None  # the fence that opened the code block we are in
    language, code = "", []
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter: its page title and description are text
        end = next((k for k in range(1, len(lines)) if lines[k].strip() in ("---", "...")), None)
        if end is not None:
            blocks += front_matter_text("\n".join(lines[1:end]))
            lines = lines[end + 1:]

    def flush() -> None:
        if current:
            joined = " ".join(current)
            # A paragraph over the limit is refused after reading (Reader.document) whatever its
            # markup: passed on as it is, it costs no inline work first.
            if len(joined) > MAX_PARAGRAPH:
                blocks.append(joined)
            else:
                pieces = (_markdown_inline(piece) for piece in _HTML_BLOCK_TAG.split(joined))
                blocks.extend(piece for piece in pieces if piece.strip())
            current.clear()

    def unquoted(line: str) -> str:
        return re.sub(r"^\s*(>\s?)+", "", line).strip()

    in_table = in_list = in_comment = False
    for k, line in enumerate(lines):
        if in_comment:  # an HTML comment over several lines (a TODO, a hidden draft): not text
            in_comment = "-->" not in line
            continue
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence) \
                    and not line.strip()[len(opener.group(1)):].strip():
                fence = None
                if comments:
                    blocks.extend(code_comments(code, language))
            else:
                code.append(line)
            continue
        if opener:
            flush()
            rest = line.strip()[len(opener.group(1)):]
            if opener.group(1)[0] == "`" and "`" in rest:  # ```code``` on one line: inline code, not a block
                current.append(unquoted(line))
                continue
            fence, language, code, in_table = opener.group(1), opener.group(2), [], False
            continue
        indented = line.startswith(("    ", "\t"))
        if indented and not current and not in_table and not in_list:
            continue  # indented code (inside a list, indented lines are its items and their text)
        stripped = unquoted(line)
        if stripped and not indented and not _LIST_ITEM.match(stripped) and not current:
            in_list = False
        if not stripped or stripped.startswith("<!--"):
            flush()
            in_table = False
            in_comment = stripped.startswith("<!--") and "-->" not in stripped[4:]
        elif in_table or ("|" in stripped and k + 1 < len(lines) and "|" in lines[k + 1]
                          and _is_delimiter_row(unquoted(lines[k + 1]))):
            flush()  # a table: its header row, then rows until a blank line
            if not in_table:
                in_table = True
            if not _is_delimiter_row(stripped):
                blocks.extend(_markdown_inline(c) for c in _cells(stripped))
        elif _is_delimiter_row(stripped) or _THEMATIC_BREAK.match(stripped):
            if current and _SETEXT.match(stripped):
                flush()  # underline of the heading just read
            else:
                flush()  # a thematic break
        elif _SETEXT.match(stripped) and current:
            flush()  # underline of the heading just read
        elif _LINK_DEFINITION.match(stripped):
            flush()
        elif note := _FOOTNOTE_DEFINITION.match(stripped):
            flush()
            current.append(stripped[note.end():])
        elif heading := _HEADING.match(stripped):
            flush()
            blocks.append(_markdown_inline(heading.group(1).rstrip().rstrip("#").rstrip()))
        elif stripped.startswith("|"):
            flush()  # a row with leading pipes but no delimiter row: still a row of cells
            blocks.extend(_markdown_inline(c) for c in _cells(stripped))
        elif _LIST_ITEM.match(stripped):
            flush()
            in_list = True
            current.append(_LIST_ITEM.sub("", stripped, count=1))
        else:
            current.append(stripped)
    flush()
    if fence is not None and comments:
        blocks.extend(code_comments(code, language))
    return [b for b in blocks if b.strip()]


class MarkdownReader(TextReader):
    name = "markdown"
    label = "Markdown"
    extensions = (".md", ".markdown")

    def sniff(self, data: bytes) -> float:
        head = text_head(data)
        return 0.5 if sum(1 for sign in _SIGNS if sign.search(head)) >= 2 else 0.0

    def parse(self, text: str, source: str) -> Parsed:
        return Parsed(*join_blocks((b, None) for b in markdown_blocks(text)))

    def parse_with(self, text: str, source: str, options: ReadingOptions) -> Parsed:
        return Parsed(*join_blocks((b, None) for b in markdown_blocks(text, options.code_comments)))
