"""TMX 1.4b: what we write validates against the LISA DTD and reads back through two readers."""

from datetime import datetime, timezone

import pytest
from lxml import etree

from tmforge.errors import TmforgeError
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.tmx import TmxReader, read_tmx, write_tmx

from conftest import DATA

DTD = DATA / "tmx" / "dtd" / "tmx14.dtd"
WHEN = datetime(2024, 6, 3, 12, 0, tzinfo=timezone.utc)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Text that breaks careless exporters: markup characters, quotes, tabs, line breaks, CR, astral and odd spaces.
TRICKY = [
    ("Привет, «мир» & <друзья>!", 'Hello, "world" & <friends>!'),
    ("Кавычки 'одинарные' и \"двойные\"", "Quotes 'single' and \"double\""),
    ("Строка\tс табом\nи переносом", "Line\twith tab\nand break"),
    ("Windows\r\nстрока", "Windows\r\nline"),
    ("Эмодзи 🎉 и неразрывный\u00a0пробел", "Emoji 🎉 and non-breaking\u00a0space"),
    ("a < b > c && d ]]> e", "a < b > c && d ]]> e"),
]


def memory(*pairs, src="ru", tgt="en", **meta):
    return TranslationMemory.from_units(
        [TranslationUnit(s, t, src, tgt, score=0.9, bead="1-1", document="d.txt", seq=k, created=WHEN)
         for k, (s, t) in enumerate(pairs, 1)], meta=meta)


def assert_valid(path):
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(etree.parse(str(path))), dtd.error_log.filter_from_errors()


def test_written_tmx_is_valid_against_the_lisa_dtd(tmp_path):
    out = tmp_path / "m.tmx"
    tm = memory(*TRICKY, signature="enc:x|span:4")
    units = list(tm.units())
    units[0] = TranslationUnit(**{**units[0].__dict__, "props": {"start": "00:00:01,000", "note": "a & b"}})
    write_tmx(TranslationMemory.from_units(units, tm.meta), out)
    assert_valid(out)
    raw = out.read_text(encoding="utf-8")
    assert raw.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<seg>Hello, &quot;world&quot; &amp; &lt;friends&gt;!</seg>" in raw


@pytest.mark.parametrize("options", [dict(props=False, tuids=False, dates=False),
                                     dict(lang_codes={"ru": "ru-RU", "en": "en-GB"}, whitespace="keep")])
def test_every_option_still_gives_valid_tmx(tmp_path, options):
    out = tmp_path / "m.tmx"
    write_tmx(memory(*TRICKY), out, **options)
    assert_valid(out)


def test_optional_header_and_unit_facts_can_be_turned_off(tmp_path):
    out = tmp_path / "m.tmx"
    write_tmx(memory(("Да.", "Yes."), signature="s"), out, props=False, tuids=False, dates=False)
    root = etree.parse(str(out)).getroot()
    tu = root.find("body/tu")
    assert tu.get("tuid") is None and tu.get("creationdate") is None and tu.find("prop") is None
    assert root.find("header").get("creationdate") is None
    assert root.find("header/prop").get("type") == "x-signature"   # the signature is not a unit prop


def test_header_has_all_required_attributes_and_srclang_matches(tmp_path):
    out = tmp_path / "m.tmx"
    write_tmx(memory(("Да.", "Yes.")), out)
    root = etree.parse(str(out)).getroot()
    header = root.find("header")
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attr), attr
    assert root.get("version") == "1.4"
    assert len(header.get("creationdate")) == 16 and header.get("creationdate").endswith("Z")
    first_tuv = root.find("body/tu/tuv")
    assert first_tuv.get(XML_LANG) == header.get("srclang") == "ru"


def test_unit_props_and_tuid_as_the_aligner_knows_them(tmp_path):
    out = tmp_path / "m.tmx"
    write_tmx(memory(("Да.", "Yes."), ("Нет.", "No.")), out)
    tus = etree.parse(str(out)).getroot().findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == ["1", "2"]
    assert tus[0].get("creationdate") == "20240603T120000Z"
    props = {p.get("type"): p.text for p in tus[0].findall("prop")}
    assert props == {"x-score": "0.9000", "x-bead": "1-1", "x-source-document": "d.txt", "x-seq": "1"}


def test_regional_codes_are_written_everywhere_and_srclang_matches(tmp_path):
    out = tmp_path / "m.tmx"
    write_tmx(memory(("Да.", "Yes.")), out, lang_codes=["ru-ru", "en=EN-gb"])
    root = etree.parse(str(out)).getroot()
    assert root.find("header").get("srclang") == "ru-RU"
    assert [tuv.get(XML_LANG) for tuv in root.iter("tuv")] == ["ru-RU", "en-GB"]


@pytest.mark.parametrize("codes", [["ru=en-US"], ["english-"], ["ru=ru-RU-"]])
def test_language_codes_that_are_not_bcp47_or_name_another_language_are_refused(tmp_path, codes):
    with pytest.raises(TmforgeError):
        write_tmx(memory(("Да.", "Yes.")), tmp_path / "m.tmx", lang_codes=codes)
    assert not (tmp_path / "m.tmx").exists()


def test_several_directions_mark_the_source_of_each_unit(tmp_path):
    out = tmp_path / "m.tmx"
    units = list(memory(("Да.", "Yes.")).units()) + list(memory(("No.", "Нет."), src="en", tgt="ru").units())
    write_tmx(TranslationMemory.from_units(units), out)
    assert_valid(out)
    tus = etree.parse(str(out)).getroot().findall("body/tu")
    assert tus[0].get("srclang") is None and tus[1].get("srclang") == "en"
    back = [(u.src_lang, u.source) for u in read_tmx(out).units()]
    assert back == [("ru", "Да."), ("en", "No.")]


def test_round_trip_keeps_text_and_drops_forbidden_characters(tmp_path):
    out = tmp_path / "m.tmx"
    # A list of units, not a frame: polars (UTF-8) cannot even hold a lone surrogate.
    units = [TranslationUnit(s, t, "ru", "en", score=0.9, bead="1-1", document="d.txt", seq=k, created=WHEN)
             for k, (s, t) in enumerate([("Строка\x01 с\tтабом", "Line\x0b with\ttab"),
                                         ("Плохие\ud800 \ufffe символы\uffff\x1f", "Bad\x00 chars"),
                                         ("", "orphan")], 1)]
    report = write_tmx(units, out)
    assert report.dropped_chars == 7 and report.skipped_empty == 1 and report.written == 2
    assert "7 characters" in report.summary()
    assert_valid(out)
    units = list(read_tmx(out).units())
    assert [(u.source, u.target) for u in units] == [("Строка с\tтабом", "Line with\ttab"),
                                                     ("Плохие  символы", "Bad chars")]
    assert units[0].score == pytest.approx(0.9) and units[0].bead == "1-1" and units[0].created == WHEN
    assert units[0].seq == 1 and units[0].document == "d.txt"


def test_whitespace_is_trimmed_or_kept_by_option(tmp_path):
    out = tmp_path / "m.tmx"
    write_tmx(memory(("  Да.\t", "\n Yes. ")), out)
    assert [(u.source, u.target) for u in read_tmx(out).units()] == [("Да.", "Yes.")]
    write_tmx(memory(("  Да.\t", "\n Yes. ")), out, whitespace="keep")
    assert [(u.source, u.target) for u in read_tmx(out).units()] == [("  Да.\t", "\n Yes. ")]


def test_tricky_text_reads_back_identically_through_our_reader(tmp_path):
    out = tmp_path / "m.tmx"
    write_tmx(memory(*TRICKY), out)
    assert [(u.source, u.target) for u in read_tmx(out).units()] == TRICKY


def test_translate_toolkit_reads_back_identically(tmp_path):
    tmx_store = pytest.importorskip("translate.storage.tmx")
    out = tmp_path / "m.tmx"
    write_tmx(memory(*TRICKY), out, lang_codes=["ru-RU", "en-US"])
    store = tmx_store.tmxfile.parsefile(str(out))
    assert [(u.source, u.target) for u in store.units] == TRICKY
    assert store.sourcelanguage == "ru-RU"
    assert {u.getid() for u in store.units} == {str(k) for k in range(1, len(TRICKY) + 1)}


def test_props_dict_round_trips_as_x_props(tmp_path):
    out = tmp_path / "m.tmx"
    unit = TranslationUnit("Да.", "Yes.", "ru", "en", props={"start": "00:00:01,000", "end": "00:00:02,500"})
    write_tmx([unit], out)
    types = [p.get("type") for p in etree.parse(str(out)).getroot().iter("prop")]
    assert types == ["x-end", "x-start"]
    assert next(read_tmx(out).units()).props == {"start": "00:00:01,000", "end": "00:00:02,500"}


def test_writer_takes_a_generator_and_header_meta(tmp_path):
    out = tmp_path / "m.tmx"

    def units():
        for k in range(1000):
            yield TranslationUnit(f"Предложение {k}.", f"Sentence {k}.", "ru", "en", seq=k)

    report = write_tmx(units(), out, meta={"signature": "sig"})
    assert report.written == 1000
    back = read_tmx(out)
    assert back.meta == {"signature": "sig"} and len(back) == 1000
    assert next(back.units()).source == "Предложение 0."


# ---------------------------------------------------------------- real-world TMX

KIT = DATA / "tmx" / "lisa-compliance-kit"
TRADOS = DATA / "tmx" / "trados-samples"
REAL = sorted(KIT.glob("*.tmx")) + sorted(TRADOS.glob("*.tmx"))


def test_the_real_world_files_are_all_there():
    assert len(REAL) == 25


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_reader_reads_every_real_world_file(path, tmp_path):
    reader = TmxReader(path)
    units = list(reader)
    tus = sum(1 for _ in etree.parse(str(path), etree.XMLParser(load_dtd=False, no_network=True)).iter("tu"))
    assert len(units) + reader.skipped == tus and units
    assert all(u.source.strip() and u.target.strip() and u.src_lang and u.tgt_lang for u in units)
    assert reader.header["srclang"]
    # ... and what we write from it is valid TMX that reads back the same.
    out = tmp_path / "back.tmx"
    write_tmx(TranslationMemory.from_units(units), out, whitespace="keep")
    assert_valid(out)
    assert [(u.source, u.target) for u in read_tmx(out).units()] == [(u.source, u.target) for u in units]


@pytest.mark.parametrize("name", ["ImportTest1E.tmx", "ImportTest1F.tmx", "ImportTest1G.tmx", "ImportTest1H.tmx"])
def test_utf8_utf16le_utf16be_and_character_references_read_the_same(name):
    expected = [("à=agrave, é=eacute, æ=aelig", "à=agrave, é=eacute, æ=aelig"),
                ("ÿ=U+00FF, ™=U+2122, ’=U+2019", "ÿ=U+00FF, ™=U+2122, ’=U+2019"),
                ("“=U+201C, –=U+2013, ¤=U+00A4", "“=U+201C, –=U+2013, ¤=U+00A4")]
    assert [(u.source, u.target) for u in read_tmx(KIT / name).units()] == expected


def test_trados_utf8_bom_crlf_with_props():
    units = list(read_tmx(TRADOS / "Sample.tmx").units())
    assert len(units) == 19
    assert (units[0].src_lang, units[0].tgt_lang) == ("en-US", "de-DE")
    assert (units[0].source, units[0].target) == ("The Check Spelling Command", "Der Befehl Rechtschreibung")
    assert units[0].props["Origin"] == "TM"
    assert units[0].created == datetime(2009, 5, 4, 23, 6, 13, tzinfo=timezone.utc)


def test_trados_utf16_rtf_inline_codes_stripped_or_kept():
    stripped = list(read_tmx(TRADOS / "WorkbenchFlavor.tmx").units())
    assert stripped[1].source == "This is another test."
    assert stripped[1].target == "Dies ist ein weiterer Test."
    kept = list(read_tmx(TRADOS / "WorkbenchFlavor.tmx", inline="keep").units())
    assert kept[1].source == 'This is <bpt i="1" type="bold">{\\b </bpt>another<ept i="1">}</ept> test.'


def test_inline_tags_hi_text_stays_codes_go():
    units = list(read_tmx(KIT / "ImportTest2B.tmx").units())
    assert units[0].source == "The big black cat sleeps."
    assert units[-1].source == "Some text with a part highlighted." and units[-1].src_lang == "en-US"


def test_kept_inline_markup_is_written_back_as_tags(tmp_path):
    kept = read_tmx(KIT / "ImportTest2A.tmx", inline="keep")
    out = tmp_path / "m.tmx"
    report = write_tmx(kept, out, inline_markup=True)
    assert report.markup_errors == 0
    assert_valid(out)
    assert len(etree.parse(str(out)).getroot().findall(".//bpt")) == \
        len(etree.parse(str(KIT / "ImportTest2A.tmx")).getroot().findall(".//bpt"))
    assert [(u.source, u.target) for u in read_tmx(out).units()] == \
        [(u.source, u.target) for u in read_tmx(KIT / "ImportTest2A.tmx").units()]


def test_more_than_two_tuv_pick_the_pair_asked_for():
    units = list(read_tmx(KIT / "ImportTest1C.tmx", "ja-JP", "es").units())
    assert [(u.source, u.target) for u in units] == [
        ("First entry in Japanese", "First entry in Spanish"),
        ("Second entry in Japanese", "Second entry in Spanish"),
        ("Third entry in Japanese", "Third entry in Spanish")]
    assert units[0].tgt_lang == "es-ES"


def test_units_lacking_the_pair_asked_for_are_skipped_and_counted():
    reader = TmxReader(KIT / "ImportTest1J_many.tmx", "en-us", "en-gb")
    pairs = [(u.source, u.target) for u in reader]
    assert pairs == [("First entry in US English", "First entry in UK English"),
                     ("Second entry in US English", "Second entry in UK English")]
    assert reader.skipped == 1


def test_tu_srclang_overrides_the_header():
    units = list(read_tmx(KIT / "ImportTest1K.tmx").units())
    assert [(u.src_lang, u.tgt_lang) for u in units] == [("de-DE", "en-GB"), ("fr-CA", "en-GB")]


def test_older_lang_attribute_of_tmx_1_1(tmp_path):
    old = tmp_path / "old.tmx"
    old.write_text('<?xml version="1.0"?><tmx version="1.1"><header srclang="EN" creationtool="x" '
                   'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="EN" datatype="plaintext"/>'
                   '<body><tu><tuv lang="RU"><seg>Да</seg></tuv><tuv lang="EN"><seg>Yes</seg></tuv></tu>'
                   '</body></tmx>', encoding="utf-8")
    unit = next(read_tmx(old).units())
    assert (unit.src_lang, unit.source, unit.tgt_lang, unit.target) == ("en", "Yes", "ru", "Да")


# ---------------------------------------------------------------- hostile and broken files

def _tmx(english: str, doctype: str) -> str:
    """A one-unit TMX file whose English segment is `english` (entity references in it)."""
    return (f'<?xml version="1.0"?>{doctype}<tmx version="1.4"><header srclang="en"/><body>'
            f'<tu><tuv xml:lang="en"><seg>{english}</seg></tuv><tuv xml:lang="ru"><seg>б</seg></tuv></tu>'
            '</body></tmx>')


def test_entity_declarations_are_refused(tmp_path):
    evil = tmp_path / "evil.tmx"
    evil.write_text(_tmx("a &x; b", '<!DOCTYPE tmx [<!ENTITY x "EXPANDED">]>'), encoding="utf-8")
    with pytest.raises(TmforgeError, match="entities"):
        list(read_tmx(evil).units())


def test_xxe_reads_no_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    evil = tmp_path / "xxe.tmx"
    evil.write_text(_tmx("&xxe;", f'<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'), encoding="utf-8")
    with pytest.raises(TmforgeError) as err:
        list(read_tmx(evil).units())
    assert "TOP-SECRET" not in str(err.value)


def test_billion_laughs_is_refused(tmp_path):
    lol = "".join(f'<!ENTITY l{k} "{("&l" + str(k - 1) + ";") * 10}">' for k in range(1, 10))
    evil = tmp_path / "lol.tmx"
    evil.write_text(_tmx("&l9;", f'<!DOCTYPE tmx [<!ENTITY l0 "lol">{lol}]>'), encoding="utf-8")
    with pytest.raises(TmforgeError, match="entities"):
        list(read_tmx(evil).units())


def test_external_dtd_is_not_loaded(tmp_path):
    dtd = tmp_path / "ext.dtd"
    dtd.write_text('<!ENTITY ext "FROM-DTD">', encoding="utf-8")
    doc = tmp_path / "ext.tmx"
    doc.write_text(_tmx("a &ext; b", f'<!DOCTYPE tmx SYSTEM "{dtd.as_uri()}">'), encoding="utf-8")
    with pytest.raises(TmforgeError, match="not defined") as err:
        list(read_tmx(doc).units())
    assert "FROM-DTD" not in str(err.value)


def test_malformed_file_gives_the_line_number(tmp_path):
    broken = tmp_path / "broken.tmx"
    broken.write_text('<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="en"/>\n<body>\n'
                      '<tu><tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="ru"><seg>б</tuv></tu>\n'
                      '</body></tmx>\n', encoding="utf-8")
    with pytest.raises(TmforgeError, match=r"line 5"):
        list(read_tmx(broken).units())


def test_a_file_that_is_not_tmx_is_refused(tmp_path):
    other = tmp_path / "other.tmx"
    other.write_text('<?xml version="1.0"?><xliff><file/></xliff>', encoding="utf-8")
    with pytest.raises(TmforgeError, match="not a TMX"):
        list(read_tmx(other).units())
