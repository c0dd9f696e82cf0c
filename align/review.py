"""A self-contained HTML page to review an alignment: both texts side by side, bead by bead.

One file, no network: inline CSS and a little JavaScript (jump to the next
problem, show only problems). Every text is escaped. Beads are coloured by
score; low-confidence beads, beads that are not 1-1 and sentences left without
a counterpart are listed at the top as links. Subtitle cues show their
timecodes (start → end, in their file's notation) above their text.
"""

from __future__ import annotations

import html
import io
import shutil
import tempfile
from pathlib import Path
from typing import Sequence, TextIO

from tmforge.atomic import atomic_write

LOW_SCORE = 0.5   # below: low confidence
HIGH_SCORE = 0.8  # at or above: confident

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #d5d9e0;padding:8px 16px;z-index:2}
h1{font-size:18px;margin:0 0 4px} h2{font-size:16px;margin:20px 16px 6px}
.meta{color:#59626e;font-size:13px}
.jumps{margin:6px 0 0;font-size:13px} .jumps b{display:inline-block;min-width:150px}
.jumps a{margin-right:6px;text-decoration:none;color:#0b57d0} .jumps div{margin:2px 0}
.tools{margin-top:6px;font-size:13px} button{font:inherit;margin-right:6px}
table{border-collapse:collapse;width:calc(100% - 32px);margin:0 16px;table-layout:fixed;background:#fff}
td,th{border-bottom:1px solid #e4e7ec;padding:5px 8px;vertical-align:top;text-align:left}
th{font-size:12px;color:#59626e;font-weight:600;background:#eef0f3}
col.n{width:52px} col.k{width:48px} col.s{width:58px}
td.n a{color:#59626e;text-decoration:none;font-size:12px}
td.score{font-variant-numeric:tabular-nums;font-weight:600}
tr.s-high td.score{color:#17733a} tr.s-mid td.score{color:#9a6700} tr.s-low td.score{color:#b42318}
tr.s-high{border-left:4px solid #2da44e} tr.s-mid{border-left:4px solid #d4a72c}
tr.s-low{border-left:4px solid #cf222e;background:#fff1f0}
tr.multi td.kind{font-weight:700;color:#6639ba}
tr.unaligned{background:#f3f0ff} tr.unaligned td.kind{color:#6639ba;font-weight:700}
tr.untranslated td.tgt{background:#fff8c5;text-decoration:underline wavy #bf8700}
tr.notext td.src,tr.notext td.tgt{color:#6e7781}
span.sent+span.sent{border-left:2px solid #c9cdd4;margin-left:4px;padding-left:6px}
span.missing{color:#8c959f;font-style:italic}
span.tc{display:block;font-size:12px;color:#59626e;font-variant-numeric:tabular-nums}
tr.bead{scroll-margin-top:190px}
tr.current{outline:3px solid #0b57d0;outline-offset:-3px}
body.only-problems tr.bead:not(.problem){display:none}
"""

_JS = """
(function(){
  var problems = Array.prototype.slice.call(document.querySelectorAll('tr.problem'));
  var at = -1, label = document.getElementById('position');
  function go(step){
    if(!problems.length) return;
    if(at >= 0) problems[at].classList.remove('current');
    at = (at + step + problems.length) % problems.length;
    problems[at].classList.add('current');
    problems[at].scrollIntoView({block:'center'});
    label.textContent = (at + 1) + ' of ' + problems.length;
  }
  document.getElementById('next').onclick = function(){ go(1); };
  document.getElementById('prev').onclick = function(){ go(-1); };
  document.getElementById('only').onchange = function(e){
    document.body.classList.toggle('only-problems', e.target.checked); };
  document.addEventListener('keydown', function(e){
    if(e.target.tagName === 'INPUT') return;
    if(e.key === 'j' || e.key === 'n') go(1);
    if(e.key === 'k' || e.key === 'p') go(-1);
  });
  label.textContent = problems.length + ' to review';
  document.body.setAttribute('data-problems', String(problems.length));
})();
"""


def score_class(score: float | None, low: float = LOW_SCORE) -> str:
    if score is None or score < low:
        return "s-low"
    return "s-high" if score >= HIGH_SCORE else "s-mid"


def _sentences(texts: list[str], times: list[str | None] | None = None) -> str:
    """The sentences of one side of a bead; a subtitle cue's timecode before its text."""
    if not texts:
        return '<span class="missing">no counterpart</span>'
    times = times or [None] * len(texts)
    return "".join(f'<span class="sent">{f"<span class=tc>{html.escape(tc)}</span>" if tc else ""}'
                   f'{html.escape(t)}</span>' for t, tc in zip(texts, times))


def _timecodes(sentences, paragraphs, indices) -> list[str | None]:
    """'start → end' of the cue each sentence comes from (subtitles), None for text without timing."""
    out = []
    for i in indices:
        k = sentences[i].paragraph
        props = paragraphs[k].props if k < len(paragraphs) else None
        out.append(f"{props['start']} → {props['end']}" if props and "start" in props and "end" in props
                   else None)
    return out


def _links(ids: list[tuple[str, str]], limit: int = 300) -> str:
    shown = "".join(f'<a href="#{i}">{html.escape(label)}</a>' for i, label in ids[:limit])
    more = f" … and {len(ids) - limit} more" if len(ids) > limit else ""
    return shown + more if ids else "none"


class ReviewPage:
    """The review page built one alignment at a time, in the order given.

    Sections are rendered as alignments come and spooled to a temporary file,
    so a batch never holds its alignments for the page; the header, which
    lists the problems of every section, is written once all are in. The one
    alignment held is the first, until a second shows whether labels need a
    document number (`3:12`) or not (`12`).
    """

    def __init__(self, low: float = LOW_SCORE, title: str = "tmforge alignment review"):
        self.low, self.title = low, title
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._first = None
        self._count = self._total = 0
        self._signature = ""
        self._low_ids: list[tuple[str, str]] = []
        self._multi_ids: list[tuple[str, str]] = []
        self._unaligned_ids: list[tuple[str, str]] = []
        self._untranslated_ids: list[tuple[str, str]] = []
        self._no_text_ids: list[tuple[str, str]] = []

    def add(self, alignment) -> None:
        if self._count == 0:
            self._first, self._signature = alignment, html.escape(alignment.signature)
        elif self._count == 1:
            self._render(self._first, 0, numbered=True)
            self._first = None
        if self._count >= 1:
            self._render(alignment, self._count, numbered=True)
        self._count += 1

    def _render(self, al, d: int, numbered: bool) -> None:
        rows = []
        untranslated = set(getattr(al, "untranslated", ()))
        no_text = set(getattr(al, "no_text", ()))
        src_paras, tgt_paras = getattr(al, "src_paragraphs", []), getattr(al, "tgt_paragraphs", [])
        for b, bead in enumerate(al.beads, 1):
            rid = f"d{d}-b{b}"
            label = f"{d + 1}:{b}" if numbered else f"{b}"
            classes = ["bead", score_class(bead.score, self.low)]
            problem = False
            if not (bead.src and bead.tgt):
                classes.append("unaligned")
                self._unaligned_ids.append((rid, label))
                problem = True
            else:
                if bead.score is None or bead.score < self.low:
                    self._low_ids.append((rid, label))
                    problem = True
                if bead.kind != "1-1":
                    classes.append("multi")
                    self._multi_ids.append((rid, label))
                    problem = True
                if b - 1 in untranslated:
                    classes.append("untranslated")
                    self._untranslated_ids.append((rid, label))
                    problem = True
                if b - 1 in no_text:  # left out of the memory too, but nothing a reviewer has to fix
                    classes.append("notext")
                    self._no_text_ids.append((rid, label))
            if problem:
                classes.append("problem")
            score = "" if bead.score is None or not (bead.src and bead.tgt) else f"{bead.score:.2f}"
            rows.append(
                f'<tr id="{rid}" class="{" ".join(classes)}" data-kind="{bead.kind}" data-score="{score}">'
                f'<td class="n"><a href="#{rid}">{label}</a></td><td class="kind">{bead.kind}</td>'
                f'<td class="score">{score}</td>'
                f'<td class="src" lang="{html.escape(al.src_lang)}">'
                f'{_sentences([al.src[i].text for i in bead.src], _timecodes(al.src, src_paras, bead.src))}</td>'
                f'<td class="tgt" lang="{html.escape(al.tgt_lang)}">'
                f'{_sentences([al.tgt[j].text for j in bead.tgt], _timecodes(al.tgt, tgt_paras, bead.tgt))}</td>'
                "</tr>")
        self._total += len(al.beads)
        files = ", ".join(f"{html.escape(Path(p).name)} ({html.escape(e)})" for p, e in al.encodings.items())
        self._spool.write(
            f'<section class="doc" id="d{d}"><h2>{html.escape(str(al.document or f"pair {d + 1}"))}</h2>'
            f'<p class="meta" style="margin:0 16px 6px">{files} · {len(al.src)} {html.escape(al.src_lang)} and '
            f'{len(al.tgt)} {html.escape(al.tgt_lang)} sentences · {len(al.beads)} beads</p>'
            '<table><colgroup><col class="n"><col class="k"><col class="s"><col><col></colgroup>'
            f'<thead><tr><th>#</th><th>bead</th><th>score</th><th>{html.escape(al.src_lang)}</th>'
            f'<th>{html.escape(al.tgt_lang)}</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>')

    def write_to(self, out: TextIO) -> None:
        """The whole page; call once, after the last add."""
        if self._first is not None:
            self._render(self._first, 0, numbered=False)
            self._first = None
        title, low = html.escape(self.title), self.low
        out.write(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{title}</title><style>{_CSS}</style></head><body>"
            f'<header><h1>{title}</h1>'
            f'<div class="meta">{self._count} document(s), {self._total} beads · colour by score: green ≥ '
            f'{HIGH_SCORE:.2f}, amber, red &lt; {low:.2f} · keys j/k jump between problems · {self._signature}</div>'
            '<div class="jumps">'
            f'<div id="jump-low"><b>Low confidence ({len(self._low_ids)})</b>{_links(self._low_ids)}</div>'
            f'<div id="jump-multi"><b>Not 1-1 ({len(self._multi_ids)})</b>{_links(self._multi_ids)}</div>'
            f'<div id="jump-unaligned"><b>Unaligned ({len(self._unaligned_ids)})</b>'
            f'{_links(self._unaligned_ids)}</div>'
            f'<div id="jump-untranslated"><b>Untranslated ({len(self._untranslated_ids)})</b>'
            f'{_links(self._untranslated_ids)}</div>'
            f'<div id="jump-notext"><b>No text ({len(self._no_text_ids)})</b>{_links(self._no_text_ids)}</div></div>'
            '<div class="tools"><button id="prev" type="button">◀ previous problem</button>'
            '<button id="next" type="button">next problem ▶</button><span id="position"></span> '
            '<label><input type="checkbox" id="only"> show only problems</label></div></header>')
        self._spool.seek(0)
        shutil.copyfileobj(self._spool, out)
        out.write(f"<script>{_JS}</script></body></html>\n")

    def write(self, path: str | Path) -> None:
        """Write the page atomically."""
        with atomic_write(path) as fh:
            self.write_to(fh)
        self.close()

    def close(self) -> None:
        self._spool.close()


def review_html(alignments: Sequence, low: float = LOW_SCORE, title: str = "tmforge alignment review") -> str:
    """The review page for alignments (align.pipeline.Alignment), one section each."""
    page = ReviewPage(low, title)
    for alignment in alignments:
        page.add(alignment)
    out = io.StringIO()
    page.write_to(out)
    page.close()
    return out.getvalue()


def write_review(alignments: Sequence, path: str | Path, low: float = LOW_SCORE) -> None:
    """Write the review page atomically."""
    page = ReviewPage(low)
    for alignment in alignments:
        page.add(alignment)
    page.write(path)
