from datetime import datetime, timezone

import pytest
from lxml import etree

from tm.formats import read_memory, write_memory
from tm.model import TranslationMemory, TranslationUnit
from tm.tmx import read_tmx, write_tmx

from conftest import SHARED

DTD = SHARED / "data" / "tmx" / "dtd" / "tmx14.dtd"
WHEN = datetime(2024, 6, 3, 12, 0, tzinfo=timezone.utc)


def memory(*pairs, **kw):
    return TranslationMemory.from_units(
        [TranslationUnit(s, t, "ru", "en", score=0.9, bead="1-1", document="d.txt", seq=k, created=WHEN)
         for k, (s, t) in enumerate(pairs, 1)], meta=kw)


def test_written_tmx_is_valid_against_the_lisa_dtd(tmp_path):
    out = tmp_path / "m.tmx"
    write_tmx(memory(("Привет, «мир» & <друзья>!", 'Hello, "world" & <friends>!')), out)
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(etree.parse(str(out))), dtd.error_log.filter_from_errors()


def test_header_has_all_required_attributes_and_srclang_matches(tmp_path):
    out = tmp_path / "m.tmx"
    write_tmx(memory(("Да.", "Yes.")), out)
    root = etree.parse(str(out)).getroot()
    header = root.find("header")
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attr), attr
    assert root.get("version") == "1.4"
    first_tuv = root.find("body/tu/tuv")
    assert first_tuv.get("{http://www.w3.org/XML/1998/namespace}lang") == header.get("srclang") == "ru"


def test_round_trip_keeps_text_and_drops_forbidden_characters(tmp_path):
    out = tmp_path / "m.tmx"
    report = write_tmx(memory(("Строка\x01 с\tтабом", "Line\x0b with\ttab"), ("", "orphan")), out)
    assert report.dropped_chars == 2 and report.skipped_empty == 1 and report.written == 1
    back = read_tmx(out)
    unit = next(back.units())
    assert (unit.source, unit.target) == ("Строка с\tтабом", "Line with\ttab")
    assert unit.score == pytest.approx(0.9) and unit.bead == "1-1" and unit.created == WHEN


def test_translate_toolkit_reads_what_we_write(tmp_path):
    tmx_store = pytest.importorskip("translate.storage.tmx")
    out = tmp_path / "m.tmx"
    pairs = [("Один & два", "One & two"), ("<b>три</b>", "<b>three</b>")]
    write_tmx(memory(*pairs), out)
    store = tmx_store.tmxfile.parsefile(str(out))
    assert [(u.source, u.target) for u in store.units] == pairs


@pytest.mark.parametrize("suffix", [".tsv", ".jsonl", ".parquet", ".tmx"])
def test_formats_round_trip(tmp_path, suffix):
    tm = memory(("А\tБ", "A\tB"), ("В\nГ", "C\nD"))
    out = tmp_path / f"m{suffix}"
    write_memory(tm, out)
    back = read_memory(out)
    assert back.frame.select("source", "target", "src_lang", "tgt_lang", "bead").rows() == \
        tm.frame.select("source", "target", "src_lang", "tgt_lang", "bead").rows()


def test_entities_are_not_expanded(tmp_path):
    evil = tmp_path / "evil.tmx"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x "EXPANDED">]>'
                    '<tmx version="1.4"><header srclang="en"/><body><tu>'
                    '<tuv xml:lang="en"><seg>a &x; b</seg></tuv><tuv xml:lang="ru"><seg>б</seg></tuv>'
                    '</tu></body></tmx>', encoding="utf-8")
    unit = next(read_tmx(evil).units())
    assert "EXPANDED" not in unit.source
