"""The text of a Word paragraph with its inline formatting as marks (align/inline.py).

Bold, italic, underline and inline code come from the runs' own properties
(a monospaced font or a character style named like "Code" is code),
hyperlinks from the paragraph's w:hyperlink elements, footnote and endnote
references from the runs that hold them (a point: a TMX ph). Word splits a
word's formatting over several runs at will (spell checking, revisions), so
neighbouring runs with the same formatting make one mark. The native codes
are written in HTML notation (`<b>`, `<a href="...">`), which CAT tools show
as tags.
"""

from __future__ import annotations

from tmforge.align.encodings import normalize
from tmforge.align.inline import MarkedText, marks_of

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MONOSPACED = ("consolas", "courier", "courier new", "menlo", "monaco", "lucida console", "source code pro",
              "dejavu sans mono", "liberation mono", "roboto mono", "fira code", "jetbrains mono")
_CODES = {"bold": ("<b>", "</b>"), "italic": ("<i>", "</i>"), "underline": ("<u>", "</u>"),
          "code": ("<code>", "</code>")}


def _kinds(run) -> set[str]:
    kinds = {kind for kind, on in (("bold", run.bold), ("italic", run.italic), ("underline", run.underline))
             if on}
    font = (run.font.name or "").lower()
    style = (run.style.name if run.style is not None else "") or ""
    if font in MONOSPACED or "code" in style.lower():
        kinds.add("code")
    return kinds


# What holds a paragraph's runs besides the paragraph itself, which python-docx does not look into:
# tracked insertions and moves, content controls, smart tags, simple fields (their shown result).
# Deleted and moved-away text (w:del, w:moveFrom) is not the document's text.
_RUN_WRAPPERS = {_W + name for name in ("ins", "moveTo", "smartTag", "customXml", "fldSimple", "sdtContent")}


def showing_placeholder(sdt) -> bool:
    """A content control left empty shows its placeholder ("Место для ввода текста."): not the document's text."""
    return any(props.find(_W + "showingPlcHdr") is not None for props in sdt.iterchildren(_W + "sdtPr"))


def inline_elements(element):
    """The runs (w:r) and hyperlinks of a paragraph in document order, also inside _RUN_WRAPPERS and w:sdt."""
    for child in element:
        if child.tag in (_W + "r", _W + "hyperlink"):
            yield child
        elif child.tag in _RUN_WRAPPERS or (child.tag == _W + "sdt" and not showing_placeholder(child)):
            yield from inline_elements(child)


def docx_paragraph(paragraph) -> MarkedText:
    """`paragraph.text` (normalised run by run) with its marks."""
    from docx.text.hyperlink import Hyperlink
    from docx.text.run import Run

    pieces: list[str] = []
    length = 0
    spans: list[list] = []                 # [start, end, kind, open, close], extended while runs continue
    current: dict[str, list] = {}          # kind -> its open span

    def add_run(run, link: str | None) -> None:
        nonlocal length
        for ref in run._r.iter(_W + "footnoteReference", _W + "endnoteReference"):
            name = ref.tag[len(_W):]
            spans.append([length, length, "fnote", f'<w:{name} w:id="{ref.get(_W + "id")}"/>', ""])
        text = normalize(run.text)
        if not text:
            return
        kinds = _kinds(run)
        for kind in list(current):
            if kind not in kinds:
                del current[kind]
        for kind in kinds:
            if kind in current and current[kind][1] == length:
                current[kind][1] = length + len(text)
            else:
                current[kind] = [length, length + len(text), kind, *_CODES[kind]]
                spans.append(current[kind])
        pieces.append(text)
        length += len(text)

    for element in inline_elements(paragraph._p):
        if element.tag == _W + "hyperlink":
            item = Hyperlink(element, paragraph)
            start = length
            for run in item.runs:
                add_run(run, item.address)
            if length > start and item.address:
                spans.append([start, length, "link", f'<a href="{item.address}">', "</a>"])
        else:
            add_run(Run(element, paragraph), None)
    return MarkedText("".join(pieces), sorted(marks_of(tuple(s) for s in spans), key=lambda m: (m.start, -m.end)))
