"""XLIFF 1.2 as a memory format: schema-valid files translate-toolkit reads, and a CAT project's units read in."""

import subprocess
import sys
from datetime import datetime, timezone

import pytest
from lxml import etree

from tmforge.errors import TmforgeError
from tmforge.tm.formats import read_memory, write_memory
from tmforge.tm.model import TranslationMemory, TranslationUnit

from conftest import DATA
from test_tm_pretranslate import xliff_schema

WHEN = datetime(2024, 6, 3, 12, 0, 5, tzinfo=timezone.utc)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
UNITS = [
    TranslationUnit("Нажмите «Сохранить» & <Enter>.", 'Click "Save" & <Enter>.', "ru", "en", score=0.9312,
                    bead="1-1", document="guide/save.md", seq=1, created=WHEN, props={"start": "00:00:01,000"}),
    TranslationUnit("Узел строит отчёт.\nИ таблицу.", "The node builds a report.\nAnd a table.", "ru", "en",
                    score=0.41, bead="2-1", document="guide/save.md", seq=2),
    TranslationUnit("Цена: 1 000 руб.", "Price: 1,000 RUB", "ru", "en"),          # no document, no facts
]


def test_written_xliff_is_schema_valid_and_translate_toolkit_reads_both_sides(tmp_path):
    from translate.storage import xliff as ttk_xliff

    out = tmp_path / "memory.xlf"
    report = write_memory(TranslationMemory.from_units(UNITS), out)
    assert report.written == 3
    schema = xliff_schema()
    assert schema.validate(etree.parse(str(out))), schema.error_log
    store = ttk_xliff.xlifffile.parsefile(str(out))
    units = [u for u in store.units if not u.isheader()]
    assert [(u.source, u.target) for u in units] == [(u.source, u.target) for u in UNITS]
    # Translated but not approved: an alignment is found by a machine, a reviewer approves it in the CAT tool.
    assert all(not u.isapproved() and u.istranslatable() for u in units)
    assert {t.get("state") for t in etree.parse(str(out)).getroot().iter("{*}target")} == {"translated"}
    assert "score: 0.9312" in units[0].getnotes() and "bead: 1-1" in units[0].getnotes()
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("ru", "en")
    files = etree.parse(str(out)).getroot().findall("{*}file")
    assert [f.get("original") for f in files] == ["guide/save.md", "memory.xlf"]
    assert list(read_memory(out).units()) == UNITS


def test_units_translated_in_a_cat_project_become_memory(tmp_path):
    # As CAT tools write them: groups, inline codes, untranslated and locked units, a segmented unit.
    path = tmp_path / "project.xliff"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="help/start.html" source-language="ru-RU" target-language="en-US" datatype="html">
  <body>
   <group id="p1">
    <trans-unit id="1">
     <source>Откройте <g id="1">Мастер</g> импорта<x id="2"/>.</source>
     <target state="translated">Open the import <g id="1">wizard</g><x id="2"/>.</target>
    </trans-unit>
    <trans-unit id="2">
     <source>Нажмите <bpt id="1">&lt;b&gt;</bpt>Далее<ept id="1">&lt;/b&gt;</ept>.</source>
     <target state="final">Click <bpt id="1">&lt;b&gt;</bpt>Next<ept id="1">&lt;/b&gt;</ept>.</target>
    </trans-unit>
   </group>
   <trans-unit id="3"><source>Ещё не переведено.</source><target state="new">Ещё не переведено.</target></trans-unit>
   <trans-unit id="4"><source>Без перевода.</source></trans-unit>
   <trans-unit id="5" translate="no"><source>Loginom</source><target>Loginom</target></trans-unit>
   <trans-unit id="6">
    <source>Первое. Второе.</source>
    <seg-source><mrk mtype="seg" mid="a">Первое.</mrk> <mrk mtype="seg" mid="b">Второе.</mrk></seg-source>
    <target><mrk mtype="seg" mid="a">First.</mrk> <mrk mtype="seg" mid="b">Second.</mrk></target>
   </trans-unit>
  </body>
 </file>
</xliff>
""", encoding="utf-8")
    units = list(read_memory(path).units())
    assert [(u.source, u.target) for u in units] == [
        ("Откройте Мастер импорта.", "Open the import wizard."), ("Нажмите Далее.", "Click Next."),
        ("Первое.", "First."), ("Второе.", "Second.")]
    assert {(u.src_lang, u.tgt_lang, u.document) for u in units} == {("ru-RU", "en-US", "help/start.html")}


def test_unknown_xliff_versions_and_other_xml_are_refused_clearly(tmp_path):
    later = tmp_path / "later.xlf"
    later.write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:3.0" version="3.0" srcLang="ru"/>',
                     encoding="utf-8")
    with pytest.raises(TmforgeError, match="XLIFF 3.0 .* is not read; export XLIFF 1.2 or 2.0"):
        read_memory(later)
    other = tmp_path / "other.xlf"
    other.write_text("<tmx version='1.4'/>", encoding="utf-8")
    with pytest.raises(TmforgeError, match="not an XLIFF file"):
        read_memory(other)


def test_tm_convert_between_tmx_and_xliff(tmp_path):
    tmx = tmp_path / "memory.tmx"
    write_memory(TranslationMemory.from_units(UNITS), tmx)
    xlf = tmp_path / "memory.xliff"
    done = subprocess.run([sys.executable, "-m", "tmforge", "tm", "convert", str(tmx), str(xlf)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert xliff_schema().validate(etree.parse(str(xlf)))
    back = tmp_path / "back.tmx"
    done = subprocess.run([sys.executable, "-m", "tmforge", "tm", "convert", str(xlf), str(back)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert list(read_memory(back).units()) == UNITS


def test_inline_codes_of_xliff_1_2_are_kept_as_tmx_tags_on_request(tmp_path):
    path = tmp_path / "tags.xlf"
    path.write_text("""<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="a.html" source-language="ru" target-language="en" datatype="html"><body>
  <trans-unit id="1">
   <source>Откройте <g id="1">Мастер</g><x id="2"/> и <bpt id="3">&lt;i&gt;</bpt>отчёт<ept id="3">&lt;/i&gt;</ept>.</source>
   <target state="translated">Open the <g id="1">wizard</g><x id="2"/> and <bpt id="3">&lt;i&gt;</bpt>report<ept id="3">&lt;/i&gt;</ept>.</target>
  </trans-unit>
 </body></file>
</xliff>""", encoding="utf-8")
    unit = next(read_memory(path, inline="keep").units())
    assert unit.target == ('Open the <bpt i="1"></bpt>wizard<ept i="1"></ept><ph x="2"></ph> and '
                           '<bpt i="3">&lt;i&gt;</bpt>report<ept i="3">&lt;/i&gt;</ept>.')
    out = tmp_path / "tags.tmx"
    write_memory(read_memory(path, inline="keep"), out, inline_markup=True)
    tree = etree.parse(str(out))
    dtd = etree.DTD(str(DATA / "tmx" / "dtd" / "tmx14.dtd"))
    assert dtd.validate(tree), dtd.error_log
    source, target = tree.iterfind(".//tuv/seg")
    assert [(c.tag, c.get("i") or c.get("x")) for c in source] == [(c.tag, c.get("i") or c.get("x")) for c in target]
    assert next(read_memory(out).units()).source == "Откройте Мастер и отчёт."


def test_tm_convert_low_flags_units_under_the_score_for_review(tmp_path, cli):
    tmx = tmp_path / "memory.tmx"
    write_memory(TranslationMemory.from_units(UNITS), tmx)
    for out in (tmp_path / "review.xlf", tmp_path / "review.xlf2"):
        done = cli("tm", "convert", tmx, out, "--low", "0.5", "--lang-code", "en=en-US")
        assert done.returncode == 0, done.stderr
    tree = etree.parse(str(tmp_path / "review.xlf"))
    assert xliff_schema().validate(tree)
    states = [t.get("state") for t in tree.iter("{*}target")]
    # scores 0.9312, 0.41 and none: only the unit under 0.5 needs review
    assert states == ["translated", "needs-review-translation", "translated"]
    assert {t.get(XML_LANG) for t in tree.iter("{*}target")} == {"en-US"}
    segments = etree.parse(str(tmp_path / "review.xlf2")).iter("{*}segment")
    assert [s.get("subState") for s in segments] == [None, "tmforge:needs-review", None]
    assert cli("tm", "convert", tmx, tmp_path / "bad.xlf", "--low", "2").returncode == 2


def test_tmx_tags_of_every_kind_become_schema_valid_xliff_1_2_codes(tmp_path):
    tmx = tmp_path / "tags.tmx"
    tmx.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en"
 srclang="ru" datatype="html"/><body>
<tu><tuv xml:lang="ru"><seg><it pos="begin" x="7">&lt;span&gt;</it>Нажмите <bpt i="1" x="1" type="ulined">&lt;u&gt;</bpt>Пуск<ept i="1">&lt;/u&gt;</ept><ph>&lt;br/&gt;</ph> и <hi>ждите</hi> &amp; смотрите.</seg></tuv>
<tuv xml:lang="en"><seg><it pos="begin" x="7">&lt;span&gt;</it>Press <bpt i="1" x="1" type="ulined">&lt;u&gt;</bpt>Start<ept i="1">&lt;/u&gt;</ept><ph>&lt;br/&gt;</ph> and <hi>wait</hi> &amp; watch.</seg></tuv></tu>
</body></tmx>""", encoding="utf-8")
    out = tmp_path / "tags.xlf"
    write_memory(read_memory(tmx, inline="keep"), out, inline_markup=True)
    tree = etree.parse(str(out))
    assert xliff_schema().validate(tree), xliff_schema().error_log
    target = next(tree.iter("{*}target"))
    assert [(etree.QName(c).localname, c.get("ctype")) for c in target] == [
        ("it", None), ("bpt", "underlined"), ("ept", None), ("ph", None)]
    assert target.find("{*}it").get("pos") == "open"
    assert "".join(target.itertext()).endswith(" and wait & watch.")     # hi keeps its text, & is text
    unit = next(read_memory(out).units())
    assert unit.target == "Press Start and wait & watch."
    kept = next(read_memory(out, inline="keep").units()).target
    assert '<bpt i="1" type="ulined">&lt;u&gt;</bpt>Start' in kept


def test_scores_are_written_with_four_decimals_as_in_tmx(tmp_path):
    # An aligner's score is a float of 16 digits; the TMX writes x-score 0.9984, the XLIFF notes and
    # XLIFF 2.0 metadata wrote "score: 0.9984030120347086" for the CAT tool to show.
    unit = TranslationUnit("Нажмите «Сохранить».", "Click Save.", "ru", "en", score=0.9984030120347086,
                           bead="1-1", seq=1)
    memory = TranslationMemory.from_units([unit])
    for name in ("m.tmx", "m.xlf", "m.xlf2"):
        write_memory(memory, tmp_path / name)
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "0.9984" in text and "0.99840" not in text, name
        assert read_memory(tmp_path / name).frame["score"].to_list() == [0.9984]


# A Trados Studio bilingual file as Studio saves it: the original document embedded in the header, tag
# definitions, a structure unit not to translate, segments as <mrk mtype="seg"> with their confirmation
# level in sdl:seg-defs, one segment not started (its target segment empty).
SDLXLIFF = """<?xml version="1.0" encoding="utf-8"?>
<xliff xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" xmlns="urn:oasis:names:tc:xliff:document:1.2"
 version="1.2" sdl:version="1.0">
<file original="C:\\Projects\\Guide\\ru-RU\\guide.docx" datatype="x-sdlfilterframework2" source-language="ru-RU"
 target-language="en-US">
<header><file-info xmlns="http://sdl.com/FileTypes/SdlXliff/1.0"><value key="SDL:FileId">1</value></file-info>
<reference><internal-file form="base64">UEsDBBQAAAAIAA==</internal-file></reference>
<tag-defs xmlns="http://sdl.com/FileTypes/SdlXliff/1.0"><tag id="pt1"><bpt name="b">&lt;b&gt;</bpt>
<ept name="b">&lt;/b&gt;</ept></tag></tag-defs></header>
<body>
<trans-unit translate="no" id="s1"><source><x id="0"/></source></trans-unit>
<group><trans-unit id="u1">
<source>Нажмите <g id="pt1">Сохранить</g>. Файл будет записан. Готово.</source>
<seg-source><mrk mtype="seg" mid="1">Нажмите <g id="pt1">Сохранить</g>.</mrk>
<mrk mtype="seg" mid="2">Файл будет записан.</mrk> <mrk mtype="seg" mid="3">Готово.</mrk></seg-source>
<target><mrk mtype="seg" mid="1">Click <g id="pt1">Save</g>.</mrk>
<mrk mtype="seg" mid="2">The file will be written.</mrk> <mrk mtype="seg" mid="3"/></target>
<sdl:seg-defs><sdl:seg id="1" conf="ApprovedTranslation" origin="interactive"/><sdl:seg id="2" conf="Translated"/>
<sdl:seg id="3"/></sdl:seg-defs>
</trans-unit></group>
</body></file></xliff>
"""
# memoQ's bilingual export: XLIFF 1.2 with its status in mq: attributes, a segment not started.
MQXLIFF = """<?xml version="1.0" encoding="utf-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:mq="MQXliff" version="1.2">
<file original="guide.docx" source-language="ru" target-language="en" datatype="x-docx"><body>
<trans-unit id="1" mq:status="ManuallyConfirmed"><source>Закройте окно.</source><target>Close the window.</target>
</trans-unit>
<trans-unit id="2" mq:status="NotStarted"><source>Новый раздел.</source><target/></trans-unit>
</body></file></xliff>
"""


def test_trados_and_memoq_bilingual_files_are_read_and_never_written(tmp_path, cli):
    sdl, mq = tmp_path / "guide.docx.sdlxliff", tmp_path / "guide.mqxliff"
    sdl.write_text(SDLXLIFF, encoding="utf-8")
    mq.write_text(MQXLIFF, encoding="utf-8")
    assert [(u.source, u.target, u.src_lang, u.tgt_lang) for u in read_memory(sdl).units() if u.target] == [
        ("Нажмите Сохранить.", "Click Save.", "ru-RU", "en-US"),
        ("Файл будет записан.", "The file will be written.", "ru-RU", "en-US")]
    store = tmp_path / "project.tmdb"
    done = cli("tm", "import", store, sdl, mq)
    assert done.returncode == 0, done.stderr
    assert "guide.docx.sdlxliff: 2 units added" in done.stdout and "guide.mqxliff: 1 units added" in done.stdout
    out = tmp_path / "project.tsv"
    assert cli("tm", "convert", mq, out).returncode == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].split("\t")[:2] == ["Закройте окно.", "Close the window."]
    refused = cli("tm", "convert", out, tmp_path / "back.sdlxliff")
    assert refused.returncode == 2 and not (tmp_path / "back.sdlxliff").exists()
    assert "back.sdlxliff: Trados files are read, not written" in refused.stderr and "back.xlf" in refused.stderr
