"""Inline formatting of HTML, Markdown and DOCX inputs written as TMX inline tags, paired across the sides.

The pair each test builds is a small piece of product help with bold, italic,
a link and inline code in both languages; the written TMX must validate
against the TMX 1.4 DTD, read back through translate-toolkit, and carry the
same tags (same x) on both sides of a unit, while the alignment runs on text.
"""

import re

import pytest
from lxml import etree

from tmforge.align.inline import BeadMarkup, collapse_marks, pair_numbers, sentence_tags, tmx_markup
from tmforge.align.export import write_alignment
from tmforge.align.pipeline import align_files
from tmforge.tm.formats import read_memory
from tmforge.tm.options import WriteOptions
from tmforge.types import Alignment, Bead, InlineMark, Paragraph, Sentence

from conftest import DATA

TMX_DTD = DATA / "tmx" / "dtd" / "tmx14.dtd"


def test_marks_clip_to_sentences_and_pair_by_kind_across_sides():
    ru = Paragraph("Нажмите Сохранить. Потом откройте отчёт.", 0, 41,
                   marks=(InlineMark(8, 17, "bold", "<b>", "</b>"), InlineMark(25, 39, "link", '<a href="r">', "</a>")))
    en = Paragraph("Click Save. Then open the report.", 0, 33,
                   marks=(InlineMark(6, 10, "bold", "<b>", "</b>"), InlineMark(17, 32, "link", '<a href="r">', "</a>")))
    al = Alignment("ru", "en", [Sentence("Нажмите Сохранить.", 0), Sentence("Потом откройте отчёт.", 0)],
                   [Sentence("Click Save.", 0), Sentence("Then open the report.", 0)],
                   [Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.9)], "sig", src_paragraphs=[ru], tgt_paragraphs=[en])
    markup = BeadMarkup(al)
    src, tgt = markup(al.beads[1])
    assert src == ('Потом <bpt i="1" x="1" type="link">&lt;a href="r"&gt;</bpt>откройте отчёт'
                   '<ept i="1">&lt;/a&gt;</ept>.')
    assert tgt == 'Then <bpt i="1" x="1" type="link">&lt;a href="r"&gt;</bpt>open the report<ept i="1">&lt;/a&gt;</ept>.'
    assert markup(al.beads[0])[1] == 'Click <bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept>.'


def test_a_tag_on_one_side_only_gets_its_own_number():
    text = Paragraph("a b c d", 0, 7, marks=(InlineMark(0, 1, "bold", "**", "**"), InlineMark(2, 3, "code", "`", "`")))
    other = Paragraph("a b c d", 0, 7, marks=(InlineMark(0, 1, "italic", "*", "*"), InlineMark(4, 5, "bold", "**", "**")))
    src = sentence_tags(Sentence("a b c d", 0), text, 0)
    tgt = sentence_tags(Sentence("a b c d", 0), other, 0)
    assert pair_numbers(src, tgt) == ([1, 2], [3, 1])
    # A footnote reference is a point: a ph of its own.
    note = Paragraph("Text.", 0, 5, marks=(InlineMark(4, 4, "fnote", '<w:footnoteReference w:id="2"/>'),))
    tags = sentence_tags(Sentence("Text.", 0), note, 0)
    assert tmx_markup("Text.", tags, [1]) == 'Text<ph x="1" type="fnote">&lt;w:footnoteReference w:id="2"/&gt;</ph>.'


def test_nested_tags_close_in_reverse_order_and_block_formatting_is_no_tag():
    # "<b>кнопку <i>Пуск</i></b>": both end on the same character; the inner one closes first.
    para = Paragraph("Нажмите кнопку Пуск внизу.", 0, 26,
                     marks=(InlineMark(8, 19, "bold", "<b>", "</b>"), InlineMark(15, 19, "italic", "<i>", "</i>")))
    tags = sentence_tags(Sentence(para.text, 0), para, 0)
    assert tmx_markup(para.text, tags, [1, 2]) == (
        'Нажмите <bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>кнопку <bpt i="2" x="2" type="italic">&lt;i&gt;</bpt>'
        'Пуск<ept i="2">&lt;/i&gt;</ept><ept i="1">&lt;/b&gt;</ept> внизу.')
    # "<b><i>Start</i> button</b>": both open on the same character; the outer one opens first.
    para = Paragraph("Click the Start button now.", 0, 27,
                     marks=(InlineMark(10, 15, "italic", "<i>", "</i>"), InlineMark(10, 22, "bold", "<b>", "</b>")))
    tags = sentence_tags(Sentence(para.text, 0), para, 0)
    assert [t.mark.kind for t in tags] == ["bold", "italic"]
    assert '<bpt i="1" x="1" type="bold">&lt;b&gt;</bpt><bpt i="2"' in tmx_markup(para.text, tags, [1, 2])
    # A paragraph set in bold (a list item that is one link) is a block's formatting: no tag in the unit
    # (CAT tools take it out of the segment); the same bold on one sentence of two stays.
    whole = Paragraph("Раздел устарел. Читайте новый.", 0, 30, marks=(InlineMark(0, 30, "bold", "<b>", "</b>"),))
    assert sentence_tags(Sentence("Раздел устарел.", 0), whole, 0) == []
    part = Paragraph("Раздел устарел. Читайте новый.", 0, 30, marks=(InlineMark(0, 15, "bold", "<b>", "</b>"),))
    assert len(sentence_tags(Sentence("Раздел устарел.", 0), part, 0)) == 1


def test_marks_follow_collapsed_white_space():
    text, marks = collapse_marks("  Press \n <the>   key  ", (InlineMark(9, 18, "bold", "<b>", "</b>"),))
    assert text == "Press <the> key"
    assert text[marks[0].start:marks[0].end] == "<the>"


# ---------------------------------------------------------------- documents, aligned and written

RU_HTML = """<html><body><h1>Отчёты</h1>
<p>Нажмите <b>Сохранить</b>, чтобы записать отчёт на диск.</p>
<p>Подробности смотрите в <a href="/help/reports">руководстве по отчётам</a>.</p>
<p>Скрипт <code>export.sh</code> выгружает данные каждую ночь.<sup id="fnref1"><a href="#fn1">1</a></sup></p>
<p>Узел <i>Фильтр</i> отбирает строки по условию.</p>
<p>Таблица обновляется автоматически.</p>
<p id="fn1">По времени сервера.</p></body></html>"""
EN_HTML = """<html><body><h1>Reports</h1>
<p>Click <b>Save</b> to write the report to disk.</p>
<p>For details, see the <a href="/help/reports">reports guide</a>.</p>
<p>The <code>export.sh</code> script exports the data every night.<a href="#fn1" class="footnote-ref">[1]</a></p>
<p>The <i>Filter</i> node selects rows by a condition.</p>
<p>The table is updated automatically.</p>
<p id="fn1">Server time.</p></body></html>"""
RU_MD = """# Отчёты

Нажмите **Сохранить**, чтобы записать отчёт на диск.

Подробности смотрите в [руководстве по отчётам](/help/reports).

Скрипт `export.sh` выгружает данные каждую ночь.[^1]

Узел *Фильтр* отбирает строки по условию.

[^1]: По времени сервера.
"""
EN_MD = """# Reports

Click **Save** to write the report to disk.

For details, see the [reports guide](/help/reports).

The `export.sh` script exports the data every night.[^1]

The *Filter* node selects rows by a condition.

[^1]: Server time.
"""


def _docx(path, parts):
    """A Word document: each paragraph a list of (text, formatting) runs; 'link' makes a hyperlink."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for runs in parts:
        paragraph = document.add_paragraph()
        for text, style in runs:
            if style == "link":
                rid = document.part.relate_to("https://example.com/help/reports", RELATIONSHIP_TYPE.HYPERLINK,
                                              is_external=True)
                link = OxmlElement("w:hyperlink")
                link.set(qn("r:id"), rid)
                run = OxmlElement("w:r")
                t = OxmlElement("w:t")
                t.text = text
                run.append(t)
                link.append(run)
                paragraph._p.append(link)
            elif style == "fnote":
                run = paragraph.add_run()
                ref = OxmlElement("w:footnoteReference")
                ref.set(qn("w:id"), text)
                run._r.append(ref)
            else:
                run = paragraph.add_run(text)
                run.bold, run.italic = style == "bold", style == "italic"
                if style == "code":
                    run.font.name = "Consolas"
    document.save(str(path))


RU_DOCX = [[("Нажмите ", None), ("Сохр", "bold"), ("анить", "bold"), (", чтобы записать отчёт на диск.", None)],
           [("Подробности смотрите в ", None), ("руководстве по отчётам", "link"), (".", None)],
           [("Скрипт ", None), ("export.sh", "code"), (" выгружает данные каждую ночь.", None), ("1", "fnote")],
           [("Узел ", None), ("Фильтр", "italic"), (" отбирает строки по условию.", None)]]
EN_DOCX = [[("Click ", None), ("Save", "bold"), (" to write the report to disk.", None)],
           [("For details, see the ", None), ("reports guide", "link"), (".", None)],
           [("The ", None), ("export.sh", "code"), (" script exports the data every night.", None), ("1", "fnote")],
           [("The ", None), ("Filter", "italic"), (" node selects rows by a condition.", None)]]


@pytest.fixture(scope="module", params=["html", "md", "docx"])
def pair(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    ru, en = folder / f"help.ru.{request.param}", folder / f"help.en.{request.param}"
    if request.param == "docx":
        _docx(ru, RU_DOCX)
        _docx(en, EN_DOCX)
    else:
        ru.write_text(RU_HTML if request.param == "html" else RU_MD, encoding="utf-8")
        en.write_text(EN_HTML if request.param == "html" else EN_MD, encoding="utf-8")
    return ru, en


@pytest.fixture(scope="module")
def aligned(pair, encoder):
    return align_files(*pair, src_lang="ru", tgt_lang="en", encoder=encoder)


def _words(seg):
    """A seg's text without the native codes inside its tags."""
    return (seg.text or "") + "".join(c.tail or "" for c in seg)


def _tags(seg):
    return [(c.tag, c.get("x") or c.get("i"), c.get("type")) for c in seg if c.tag != "ept"]


def test_formatting_becomes_paired_tmx_tags_valid_and_read_by_translate_toolkit(pair, aligned, tmp_path):
    from translate.storage import tmx as ttk_tmx

    ru, _ = pair
    # The aligner saw plain text: no markup in its sentences.
    assert all("<" not in s.text and "**" not in s.text for s in aligned.src + aligned.tgt)
    out = tmp_path / "memory.tmx"
    write_alignment(aligned, out, WriteOptions(inline_markup=True))
    tree = etree.parse(str(out))
    dtd = etree.DTD(str(TMX_DTD))
    assert dtd.validate(tree), dtd.error_log
    units = {_words(tu.find("tuv[1]/seg")): tu for tu in tree.iterfind(".//tu")}
    save = units["Нажмите Сохранить, чтобы записать отчёт на диск."]
    src, tgt = save.iterfind("tuv/seg")
    assert _tags(src) == _tags(tgt) == [("bpt", "1", "bold")]
    assert src.find("bpt").tail == "Сохранить" and tgt.find("bpt").tail == "Save"
    link = units[next(k for k in units if k.startswith("Подробности"))]
    src, tgt = link.iterfind("tuv/seg")
    assert _tags(src) == _tags(tgt) == [("bpt", "1", "link")]
    code = units[next(k for k in units if k.startswith("Скрипт"))]
    src, tgt = code.iterfind("tuv/seg")
    assert [t for t in _tags(src) if t[2] == "x-code"] == [t for t in _tags(tgt) if t[2] == "x-code"] != []
    # footnote references: [^1] in Markdown, w:footnoteReference in DOCX, <sup><a href="#fn1"> in HTML;
    # their label (1, [1]) is no text of the sentence
    assert ("ph", "2", "fnote") in _tags(src) and ("ph", "2", "fnote") in _tags(tgt)
    assert _words(src).endswith("каждую ночь.") and _words(tgt).endswith("every night.")
    # translate-toolkit reads the tagged memory; its text is the words, tags apart.
    store = ttk_tmx.tmxfile.parsefile(str(out))
    sources = [u.source for u in store.units]
    assert any("Сохранить" in s for s in sources) and not any("&lt;" in s for s in sources)
    # tmforge reads it back: plain text by default, the tags with --inline keep.
    assert "Нажмите Сохранить, чтобы записать отчёт на диск." in [u.source for u in read_memory(out).units()]
    kept = [u.target for u in read_memory(out, inline="keep").units()]
    assert any('<bpt i="1" x="1" type="bold">' in t for t in kept)


def test_without_tags_the_same_alignment_is_plain_text(aligned, tmp_path):
    out = tmp_path / "plain.tmx"
    write_alignment(aligned, out, WriteOptions(inline_markup=False))
    tree = etree.parse(str(out))
    assert not list(tree.iterfind(".//seg/*"))
    assert "Click Save to write the report to disk." in [s.text for s in tree.iterfind(".//seg")]


def test_align_command_tags_and_no_tags(tmp_path, cli):
    ru, en = tmp_path / "ru.html", tmp_path / "en.html"
    ru.write_text(RU_HTML, encoding="utf-8")
    en.write_text(EN_HTML, encoding="utf-8")
    tagged, plain, tsv = tmp_path / "tagged.tmx", tmp_path / "plain.tmx", tmp_path / "m.tsv"
    for out, extra in ((tagged, []), (plain, ["--no-tags"]), (tsv, [])):
        done = cli("align", ru, en, "-o", out, "--src-lang", "ru", "--tgt-lang", "en", *extra)
        assert done.returncode == 0, done.stderr
    assert list(etree.parse(str(tagged)).iterfind(".//seg/bpt"))
    assert not list(etree.parse(str(plain)).iterfind(".//seg/*"))
    assert "Click Save to write the report to disk." in tsv.read_text(encoding="utf-8")   # TSV stays text


def test_tags_help_names_exactly_the_outputs_that_get_tags(tmp_path, cli):
    # The help said ".tmx and .xlf2" while .xlf got XLIFF 1.2 codes too.
    ru, en = tmp_path / "ru.md", tmp_path / "en.md"
    ru.write_text(RU_MD, encoding="utf-8")
    en.write_text(EN_MD, encoding="utf-8")
    helped = " ".join(cli("align", "--help").stdout.split())
    named = re.search(r"paired across the two sides\) in (.*?) output", helped).group(1)
    for ext in (".tmx", ".xlf", ".xliff", ".xlf2", ".tsv", ".jsonl"):
        out = tmp_path / f"m{ext}"
        done = cli("align", ru, en, "-o", out, "--src-lang", "ru", "--tgt-lang", "en", "-q")
        assert done.returncode == 0, done.stderr
        tagged = re.search(r"<(bpt|sc|ns0:sc)\b|&lt;b&gt;", out.read_text(encoding="utf-8")) is not None
        assert tagged == (ext in re.findall(r"\.\w+", named)), (ext, named)


def test_xliff2_output_gets_the_tags_as_codes(pair, aligned, tmp_path):
    from test_tm_xliff2_format import xliff2_schema

    out = tmp_path / "m.xlf2"
    write_alignment(aligned, out, WriteOptions(inline_markup=True))
    schema = xliff2_schema()
    tree = etree.parse(str(out))
    assert schema.validate(tree), schema.error_log
    for unit in tree.iter("{*}segment"):
        source, target = unit
        assert [c.get("id") for c in source.iter("{*}sc")] == [c.get("id") for c in target.iter("{*}sc")]
    native = {"**", "`", "["} if pair[0].suffix == ".md" else {"<b>", "<code>"}
    assert {c.get("disp") for c in tree.iter("{*}sc")} >= native


def test_xliff12_output_gets_the_tags_as_codes_and_flags_low_confidence(pair, aligned, tmp_path):
    from translate.storage import xliff as ttk_xliff

    from test_tm_pretranslate import xliff_schema

    scores = sorted(b.score for b in aligned.beads)
    low = scores[len(scores) // 2]          # half the units under it: both states present
    out = tmp_path / "m.xlf"
    write_alignment(aligned, out, WriteOptions(inline_markup=True, review_below=low))
    tree = etree.parse(str(out))
    schema = xliff_schema()
    assert schema.validate(tree), schema.error_log
    xlf = "{urn:oasis:names:tc:xliff:document:1.2}"
    for tu in tree.iter(f"{xlf}trans-unit"):
        source, target = tu.find(f"{xlf}source"), tu.find(f"{xlf}target")
        codes = [(c.tag, c.get("id"), c.get("ctype")) for c in source]
        assert codes == [(c.tag, c.get("id"), c.get("ctype")) for c in target]
        score = float(next(n.text for n in tu.iter(f"{xlf}note") if n.text.startswith("score: "))[7:])
        assert target.get("state") == ("needs-review-translation" if score < low else "translated")
    save = next(tu for tu in tree.iter(f"{xlf}trans-unit") if "Сохранить" in "".join(tu.find(f"{xlf}source").itertext()))
    bold = save.find(f"{xlf}target/{xlf}bpt")
    assert bold.get("ctype") == "bold" and bold.tail == "Save" and bold.get("rid") == bold.getnext().get("rid")
    if pair[0].suffix != ".docx":           # the native code: <b> or **
        assert bold.text in ("<b>", "**")
    assert {c.get("ctype") for c in tree.iter(f"{xlf}ph")} == {"x-fnote"}
    # translate-toolkit reads it: states, and the text around the codes
    store = ttk_xliff.xlifffile.parsefile(str(out))
    flagged = [u for u in store.units if u.get_state_n() == u.S_NEEDS_REVIEW]
    assert len(flagged) == sum(round(s, 4) < low for s in scores) > 0   # judged on the score written
    assert any("Save" in u.target for u in store.units)
    # tmforge reads the codes back as TMX tags (type kept) and the text as plain text by default
    kept = [u.target for u in read_memory(out, inline="keep").units()]
    assert any('type="bold">' in t and "Save<ept" in t for t in kept)
    assert any(u.target.startswith("Click Save") for u in read_memory(out).units())


def test_xliff2_output_flags_low_confidence_with_a_substate(aligned, tmp_path):
    from translate.storage import xliff2 as ttk_xliff2

    from test_tm_xliff2_format import xliff2_schema

    scores = sorted(b.score for b in aligned.beads)
    low = scores[len(scores) // 2]
    out = tmp_path / "m.xlf2"
    write_alignment(aligned, out, WriteOptions(inline_markup=True, review_below=low))
    tree = etree.parse(str(out))
    schema = xliff2_schema()
    assert schema.validate(tree), schema.error_log
    states = []
    for unit in tree.iter("{*}unit"):
        score = float(next(m.text for m in unit.iter("{*}meta") if m.get("type") == "score"))
        segment = unit.find("{*}segment")
        states.append((segment.get("state"), segment.get("subState"), score < low))
    assert {(s, sub) for s, sub, under in states if under} == {("translated", "tmforge:needs-review")}
    assert {(s, sub) for s, sub, under in states if not under} == {("translated", None)}
    assert len(ttk_xliff2.Xliff2File.parsefile(str(out)).units) >= len(states)
    assert len(list(read_memory(out).units())) == len(states)     # flagged units are still read as translated


def test_editor_export_writes_the_tags_of_a_project_made_from_formatted_input(tmp_path, encoder):
    from tmforge.align.editor.build import SpanRecorder, create_project
    from tmforge.align.editor.export import export_project
    from tmforge.align.editor.project import text_change
    from tmforge.align.search import SearchParams

    ru, en = tmp_path / "ru.html", tmp_path / "en.html"
    ru.write_text(RU_HTML, encoding="utf-8")
    en.write_text(EN_HTML, encoding="utf-8")
    recorder, params = SpanRecorder(encoder), SearchParams()
    alignment = align_files(ru, en, src_lang="ru", tgt_lang="en", encoder=recorder, params=params)
    project = create_project(tmp_path / "help.tmfproj", alignment, recorder, params, [ru, en], "tester")
    try:
        direct = tmp_path / "direct.tmx"
        write_alignment(alignment, direct, WriteOptions(inline_markup=True))
        exported = tmp_path / "edited.tmx"
        export_project(project, exported, WriteOptions(inline_markup=True))
        # Before any edit the project's export carries the same tags as align's own output.
        segs = lambda path: [etree.tostring(s, encoding="unicode", with_tail=False)
                             for s in etree.parse(str(path)).iterfind(".//seg")]
        assert segs(exported) == segs(direct)
        # A sentence edited in the editor has no tags any more (its offsets are gone); the others keep theirs.
        k = next(i for i, t in enumerate(project.sides["tgt"].texts) if t.startswith("Click Save"))
        project.commit("text", [text_change("tgt", k, project.sides["tgt"].texts[k], "Press Save & go.")])
        export_project(project, exported, WriteOptions(inline_markup=True))
        tree = etree.parse(str(exported))
        assert etree.DTD(str(TMX_DTD)).validate(tree)
        targets = {_words(s): s for s in tree.iterfind(".//tuv[2]/seg")}
        assert not len(targets["Press Save & go."])
        assert _tags(targets["For details, see the reports guide."]) == [("bpt", "1", "link")]
        # XLIFF 1.2 export gets them as codes; --no-tags and a plain format give text.
        xlf = tmp_path / "edited.xlf"
        export_project(project, xlf, WriteOptions(inline_markup=True))
        assert "<bpt " in xlf.read_text(encoding="utf-8")
        plain = tmp_path / "plain.tmx"
        export_project(project, plain, WriteOptions(inline_markup=False))
        assert not list(etree.parse(str(plain)).iterfind(".//seg/*"))
    finally:
        project.close()


MIXED_MD = """# Отчёты / Reports

Нажмите **Сохранить**, чтобы записать отчёт на диск. / Click **Save** to write the report to disk.

Подробности смотрите в [руководстве по отчётам](/help/reports).

For details, see the [reports guide](/help/reports).

Узел *Фильтр* отбирает строки по условию.

The *Filter* node selects rows by a condition.
"""


def test_a_mixed_document_keeps_its_tags_in_the_pieces_it_is_cut_into(tmp_path, encoder):
    from tmforge.align.pipeline import align_mixed

    path = tmp_path / "help.md"
    path.write_text(MIXED_MD, encoding="utf-8")
    alignment = align_mixed(path, src_lang="ru", encoder=encoder)
    out = tmp_path / "mixed.tmx"
    write_alignment(alignment, out, WriteOptions(inline_markup=True))
    tree = etree.parse(str(out))
    assert etree.DTD(str(TMX_DTD)).validate(tree)
    units = {_words(tu.find("tuv[1]/seg")): [s for s in tu.iterfind("tuv/seg")] for tu in tree.iterfind(".//tu")}
    # a bilingual line cut in two: each half keeps its bold
    src, tgt = units["Нажмите Сохранить, чтобы записать отчёт на диск."]
    assert _tags(src) == _tags(tgt) == [("bpt", "1", "bold")]
    assert src.find("bpt").tail == "Сохранить" and tgt.find("bpt").tail == "Save"
    # whole paragraphs of either language keep their links and italics
    src, tgt = units["Подробности смотрите в руководстве по отчётам."]
    assert _tags(src) == _tags(tgt) == [("bpt", "1", "link")]
    src, tgt = units["Узел Фильтр отбирает строки по условию."]
    assert _tags(src) == _tags(tgt) == [("bpt", "1", "italic")]
