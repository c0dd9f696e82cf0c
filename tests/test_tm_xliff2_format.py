"""XLIFF 2.0 as a memory format: files valid against the OASIS 2.0 schemas, read back by translate-toolkit,
and the translated segments of a CAT tool's XLIFF 2.0 project read in as memory."""

import pytest
from lxml import etree

from tmforge.errors import TmforgeError
from tmforge.tm.formats import read_memory, write_memory
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.tmx import write_tmx

from conftest import DATA
from test_tm_xliff_format import UNITS

XLIFF_DIR = DATA / "xliff"
TMX_DTD = DATA / "tmx" / "dtd" / "tmx14.dtd"


class _LocalSchemas(etree.Resolver):
    """The schemas import xml.xsd by a path of the OASIS distribution: answer from tests/data."""

    def resolve(self, url, public_id, context):
        if url.endswith("xml.xsd"):
            return self.resolve_filename(str(XLIFF_DIR / "xml.xsd"), context)
        return None


def xliff2_schema() -> etree.XMLSchema:
    """The core schema and the Metadata module together, as an XLIFF 2.0 validator loads them."""
    driver = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="urn:oasis:names:tc:xliff:document:2.0"
                 schemaLocation="{(XLIFF_DIR / 'xliff_core_2.0.xsd').as_uri()}"/>
      <xs:import namespace="urn:oasis:names:tc:xliff:metadata:2.0"
                 schemaLocation="{(XLIFF_DIR / 'metadata.xsd').as_uri()}"/>
    </xs:schema>"""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.fromstring(driver, parser, base_url=str(XLIFF_DIR) + "/"))


@pytest.fixture(scope="module")
def schema():
    return xliff2_schema()


def test_written_xliff2_is_schema_valid_round_trips_and_translate_toolkit_reads_it(tmp_path, schema):
    from translate.storage import xliff2 as ttk_xliff2

    out = tmp_path / "memory.xlf2"
    report = write_memory(TranslationMemory.from_units(UNITS), out)
    assert report.written == 3
    tree = etree.parse(str(out))
    assert schema.validate(tree), schema.error_log
    root = tree.getroot()
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "ru", "en")
    # One <file> per document; units without one go into a file that says so.
    assert [f.get("original") for f in root.findall("{*}file")] == ["guide/save.md", None]
    metas = {m.get("type"): m.text for m in root.find("{*}file/{*}unit").iter("{*}meta")}
    assert metas["score"] == "0.9312" and metas["bead"] == "1-1" and metas["x-start"] == "00:00:01,000"
    store = ttk_xliff2.Xliff2File.parsefile(str(out))
    assert [(u.source, u.target) for u in store.units if not u.isheader()] == [(u.source, u.target) for u in UNITS]
    assert list(read_memory(out).units()) == UNITS


def test_a_damaged_schema_check_would_fail(tmp_path, schema):
    # The validator is real: a unit without its required id is refused.
    out = tmp_path / "memory.xlf2"
    write_memory(TranslationMemory.from_units(UNITS[:1]), out)
    tree = etree.parse(str(out))
    del tree.getroot().find("{*}file/{*}unit").attrib["id"]
    assert not schema.validate(tree)


def test_empty_memory_and_several_directions(tmp_path, schema):
    empty = tmp_path / "empty.xlf2"
    write_memory(TranslationMemory.from_units([]), empty, srclang="ru", tgtlang="en")
    assert schema.validate(etree.parse(str(empty))), schema.error_log
    assert len(read_memory(empty)) == 0
    mixed = [UNITS[0], TranslationUnit("Hello.", "Привет.", "en", "ru")]
    with pytest.raises(TmforgeError, match="one language pair.*ru->en"):
        write_memory(TranslationMemory.from_units(mixed), tmp_path / "mixed.xlf2")
    assert not (tmp_path / "mixed.xlf2").exists()


CAT_PROJECT = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ru-RU" trgLang="en-US">
 <file id="f1" original="help/start.html">
  <group id="g1">
   <unit id="1">
    <originalData><data id="d1">&lt;br/&gt;</data></originalData>
    <segment state="translated">
     <source>Откройте <pc id="1" dispStart="&lt;b&gt;" dispEnd="&lt;/b&gt;">Мастер</pc> импорта<ph id="2" dataRef="d1"/>.</source>
     <target>Open the import <pc id="1" dispStart="&lt;b&gt;" dispEnd="&lt;/b&gt;">wizard</pc><ph id="2" dataRef="d1"/>.</target>
    </segment>
   </unit>
  </group>
  <unit id="2">
   <segment state="final">
    <source>Нажмите <sc id="1" disp="&lt;i&gt;"/>Далее<ec startRef="1" disp="&lt;/i&gt;"/> и <mrk id="m1" type="term">ОК</mrk>.</source>
    <target>Click <sc id="1" disp="&lt;i&gt;"/>Next<ec startRef="1" disp="&lt;/i&gt;"/> and <mrk id="m1" type="term">OK</mrk>.</target>
   </segment>
  </unit>
  <unit id="3"><segment><source>Ещё не переведено.</source></segment></unit>
  <unit id="4"><segment state="initial"><source>Черновик.</source><target>Draft.</target></segment></unit>
  <unit id="5" translate="no"><segment state="final"><source>Loginom</source><target>Loginom</target></segment></unit>
  <unit id="6">
   <segment id="s1" state="reviewed"><source>Первое.</source><target>First.</target></segment>
   <ignorable><source> </source></ignorable>
   <segment id="s2" state="translated"><source>Второе.</source><target>Second.</target></segment>
  </unit>
 </file>
</xliff>
"""


def test_translated_segments_of_a_cat_project_become_memory(tmp_path, schema):
    path = tmp_path / "project.xlf"      # CAT tools name XLIFF 2.0 .xlf as well: the content decides
    path.write_text(CAT_PROJECT, encoding="utf-8")
    assert schema.validate(etree.parse(str(path))), schema.error_log
    units = list(read_memory(path).units())
    assert [(u.source, u.target) for u in units] == [
        ("Откройте Мастер импорта.", "Open the import wizard."), ("Нажмите Далее и ОК.", "Click Next and OK."),
        ("Первое.", "First."), ("Второе.", "Second.")]
    assert {(u.src_lang, u.tgt_lang, u.document) for u in units} == {("ru-RU", "en-US", "help/start.html")}


def test_inline_codes_are_kept_as_tmx_tags_on_request(tmp_path):
    path = tmp_path / "project.xlf2"
    path.write_text(CAT_PROJECT, encoding="utf-8")
    kept = read_memory(path, inline="keep")
    first, second = list(kept.units())[:2]
    assert first.source == ('Откройте <bpt i="1">&lt;b&gt;</bpt>Мастер<ept i="1">&lt;/b&gt;</ept> '
                            'импорта<ph x="2"></ph>.')
    assert second.target == 'Click <bpt i="1">&lt;i&gt;</bpt>Next<ept i="1">&lt;/i&gt;</ept> and OK.'
    # As TMX: valid against the DTD, the tags paired across the two sides.
    out = tmp_path / "kept.tmx"
    write_tmx(kept, out, inline_markup=True)
    dtd = etree.DTD(str(TMX_DTD))
    tree = etree.parse(str(out))
    assert dtd.validate(tree), dtd.error_log
    seg = tree.find(".//tu/tuv/seg")
    assert [(c.tag, c.get("i") or c.get("x")) for c in seg] == [("bpt", "1"), ("ept", "1"), ("ph", "2")]


def test_tmx_tags_become_xliff2_codes(tmp_path, schema):
    from translate.storage import xliff2 as ttk_xliff2

    tagged = TranslationUnit('Нажмите <bpt i="1">&lt;b&gt;</bpt>Далее<ept i="1">&lt;/b&gt;</ept><ph x="2">&lt;br/&gt;</ph>',
                             'Click <bpt i="1">&lt;b&gt;</bpt>Next<ept i="1">&lt;/b&gt;</ept><ph x="2">&lt;br/&gt;</ph>',
                             "ru", "en")
    out = tmp_path / "tagged.xlf2"
    write_memory(TranslationMemory.from_units([tagged]), out, inline_markup=True)
    tree = etree.parse(str(out))
    assert schema.validate(tree), schema.error_log
    source, target = tree.getroot().find("{*}file/{*}unit/{*}segment")
    assert [(etree.QName(c).localname, c.get("id") or c.get("startRef"), c.get("disp")) for c in source] == [
        ("sc", "1", "<b>"), ("ec", "1", "</b>"), ("ph", "2", "<br/>")]
    assert [c.attrib for c in source] == [c.attrib for c in target]   # the same codes on both sides
    store = ttk_xliff2.Xliff2File.parsefile(str(out))
    assert store.units[0].target.startswith("Click")
    assert read_memory(out, inline="keep").units().__next__().target == tagged.target


def test_align_and_tm_convert_write_xliff2(tmp_path, cli, schema):
    tmx = tmp_path / "memory.tmx"
    write_memory(TranslationMemory.from_units(UNITS), tmx)
    out = tmp_path / "memory.xlf2"
    done = cli("tm", "convert", tmx, out)
    assert done.returncode == 0, done.stderr
    assert schema.validate(etree.parse(str(out))), schema.error_log
    back = tmp_path / "back.tmx"
    assert cli("tm", "convert", out, back).returncode == 0
    assert list(read_memory(back).units()) == UNITS


def test_align_refuses_a_format_its_output_extension_contradicts(tmp_path, cli, schema):
    # `--format` names the format of --split-output's memories; with one memory it was ignored, so
    # `-o project.xlf --format xliff2` wrote XLIFF 1.2 without a word.
    ru, en = tmp_path / "ru.txt", tmp_path / "en.txt"
    ru.write_text("Откройте файл. Сохраните его.\n", encoding="utf-8")
    en.write_text("Open the file. Save it.\n", encoding="utf-8")
    refused = cli("align", ru, en, "-o", tmp_path / "project.xlf", "--format", "xliff2", "-q")
    assert refused.returncode != 0 and not (tmp_path / "project.xlf").exists()
    assert "-o project.xlf writes xliff: name it project.xlf2 to write xliff2" in refused.stderr
    done = cli("align", ru, en, "-o", tmp_path / "project.xlf2", "--format", "xliff2", "--force-pair", "-q")
    assert done.returncode == 0, done.stderr
    assert schema.validate(etree.parse(str(tmp_path / "project.xlf2"))), schema.error_log
    split = cli("align", ru, en, "-o", tmp_path / "each", "--split-output", "--format", "xliff2", "--force-pair",
                "-q")
    assert split.returncode == 0, split.stderr
    assert [p.suffix for p in (tmp_path / "each").iterdir() if p.is_file()] == [".xlf2"]


def test_written_xliff2_uses_the_documents_prefixes(tmp_path, schema):
    # Units were written as <ns0:unit xmlns:ns0=...> with <ns1:meta>: valid, but not what a translator (or a
    # CAT tool's simple filter) reads as XLIFF 2.0.
    tagged = [TranslationUnit('Нажмите <bpt i="1">&lt;b&gt;</bpt>Сохранить<ept i="1">&lt;/b&gt;</ept>.',
                              'Click <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept>.', "ru", "en",
                              score=0.93)]
    out = tmp_path / "m.xlf2"
    write_memory(TranslationMemory.from_units(tagged), out, inline_markup=True)
    text = out.read_text(encoding="utf-8")
    assert schema.validate(etree.parse(str(out))), schema.error_log
    assert "ns0:" not in text and "ns1:" not in text
    assert '<sc id="1" disp="&lt;b&gt;"/>Save<ec startRef="1"' in text and '<mda:meta type="score">0.9300' in text
