"""Every format carries every column both ways; Moses carries the text; bad files give one clear error."""

from datetime import datetime, timezone

import polars as pl
import pytest

from tmforge.errors import TmforgeError
from tmforge.tm.formats import read_memory, write_memory
from tmforge.tm.model import TranslationMemory, TranslationUnit

WHEN = datetime(2024, 6, 3, 12, 0, 5, tzinfo=timezone.utc)
UNITS = [
    TranslationUnit("Да, «так»\tи\nтак.", 'Yes, "so",\tand\nso.', "ru", "en", score=0.91, bead="1-2",
                    document="a, b.txt", seq=1, created=WHEN, props={"start": "00:00:01,000", "note": 'x "y"'}),
    TranslationUnit("Нет.", "No.", "ru", "en"),                                  # every optional field null
    TranslationUnit("Пусто", "", "ru", "en", score=0.1, seq=3, created=WHEN),   # an empty side
]


def memory():
    return TranslationMemory.from_units(UNITS, meta={"signature": "enc:x|span:4"})


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".jsonl", ".parquet"])
def test_table_formats_round_trip_every_column(tmp_path, suffix):
    out = tmp_path / f"m{suffix}"
    write_memory(memory(), out, include_empty=True)
    back = read_memory(out)
    assert back.frame.to_dicts() == memory().frame.to_dicts()
    assert list(back.units()) == UNITS


def test_tmx_round_trips_every_field(tmp_path):
    out = tmp_path / "m.tmx"
    write_memory(memory(), out, include_empty=True)
    back = read_memory(out)
    assert list(back.units()) == UNITS
    assert back.meta == {"signature": "enc:x|span:4"}


@pytest.mark.parametrize("suffix", [".tsv", ".jsonl", ".parquet", ".tmx"])
def test_empty_units_are_left_out_unless_asked_for(tmp_path, suffix):
    out = tmp_path / f"m{suffix}"
    report = write_memory(memory(), out)
    assert report.written == 2 and report.skipped_empty == 1
    assert len(read_memory(out)) == 2


def test_parquet_keeps_the_header_facts(tmp_path):
    out = tmp_path / "m.parquet"
    write_memory(memory(), out)
    assert read_memory(out).meta == {"signature": "enc:x|span:4"}


def test_jsonl_props_are_a_nested_object(tmp_path):
    import json

    out = tmp_path / "m.jsonl"
    write_memory(memory(), out)
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["props"] == {"start": "00:00:01,000", "note": 'x "y"'}
    assert first["created"] == "20240603T120005Z"


def test_moses_pair_both_ways(tmp_path):
    out = tmp_path / "corpus.moses"
    write_memory(memory(), out, lang_codes=["en-GB"])
    ru, en = tmp_path / "corpus.ru", tmp_path / "corpus.en-GB"
    assert ru.read_text(encoding="utf-8") == "Да, «так»\tи так.\nНет.\n"    # one line per segment
    assert en.read_text(encoding="utf-8") == 'Yes, "so",\tand so.\nNo.\n'
    back = read_memory(out, src_lang="ru", tgt_lang="en-gb")
    assert back.frame.select("source", "target", "src_lang", "tgt_lang", "seq").rows() == [
        ("Да, «так»\tи так.", 'Yes, "so",\tand so.', "ru", "en-GB", 1), ("Нет.", "No.", "ru", "en-GB", 2)]


def test_moses_needs_the_direction_and_equal_line_counts(tmp_path):
    (tmp_path / "c.ru").write_text("а\nб\n", encoding="utf-8")
    (tmp_path / "c.en").write_text("a\n", encoding="utf-8")
    with pytest.raises(TmforgeError, match="c.en, c.ru"):
        read_memory(tmp_path / "c.moses")
    with pytest.raises(TmforgeError, match="2 lines"):
        read_memory(tmp_path / "c.moses", src_lang="ru", tgt_lang="en")


def test_moses_refuses_a_memory_of_several_directions(tmp_path):
    tm = TranslationMemory.from_units([UNITS[1], TranslationUnit("No.", "Нет.", "en", "ru")])
    with pytest.raises(TmforgeError, match="several language directions"):
        write_memory(tm, tmp_path / "x.moses")


def test_frames_from_elsewhere_gain_missing_columns(tmp_path):
    out = tmp_path / "plain.csv"
    pl.DataFrame({"source": ["Да"], "target": ["Yes"], "src_lang": ["ru"], "tgt_lang": ["en"]}).write_csv(out)
    unit = next(read_memory(out).units())
    assert (unit.source, unit.target, unit.score, unit.props) == ("Да", "Yes", None, None)


@pytest.mark.parametrize("name, content, message", [
    ("bad.csv", "source,target\nДа,Yes\n", "src_lang"),
    ("bad.jsonl", '{"source": "a", "target": "b", "src_lang": "en", "tgt_lang": "ru"}\nnot json\n', "line 2"),
    ("bad.tsv", "source\ttarget\tsrc_lang\ttgt_lang\tscore\nа\tb\tru\ten\thigh\n", "cannot read"),
])
def test_bad_files_give_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TmforgeError, match=message):
        read_memory(path)


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(TmforgeError, match="unknown memory format"):
        write_memory(memory(), tmp_path / "m.xlsx")
    with pytest.raises(TmforgeError, match="not found"):
        read_memory(tmp_path / "missing.tmx")


def test_moses_flattens_every_line_separator_so_a_pair_reads_back(tmp_path):
    # str.splitlines (the reader) also splits on \v, \f, \x1c-\x1e, \x85, U+2028 and U+2029.
    odd = "a\x0bb\x0cc\x1cd\x1de\x1ef\x85g\u2028h\u2029i\r\nj"
    out = tmp_path / "odd.moses"
    write_memory(TranslationMemory.from_units([TranslationUnit(odd, "ok", "ru", "en"),
                                               TranslationUnit("два", "two", "ru", "en")]), out)
    back = read_memory(out, src_lang="ru", tgt_lang="en")
    assert [u.source for u in back.units()] == ["a b c d e f g h i j", "два"]


def test_tsv_is_one_unquoted_line_per_unit_with_documented_escapes(tmp_path):
    # Quotes stay as they are (CSV quoting tripled them); tabs, line breaks and backslashes are escaped.
    tricky = [TranslationUnit('Он сказал: "да" — «нет».', 'He said "yes" - \'no\'.', "ru", "en"),
              TranslationUnit("Путь C:\\new\\table\tи\r\nперенос\\", "Path C:\\new\\table\tand\r\nbreak\\",
                              "ru", "en", props={"note": 'a "b"\tc'}),
              TranslationUnit("\\n не перенос", "\\t not a tab", "ru", "en")]
    out = tmp_path / "m.tsv"
    write_memory(TranslationMemory.from_units(tricky), out)
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 1 + len(tricky) + 1       # header, one line per unit, final newline
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:-1]]
    assert rows[0]["source"] == 'Он сказал: "да" — «нет».' and rows[0]["target"] == 'He said "yes" - \'no\'.'
    assert rows[1]["source"] == "Путь C:\\\\new\\\\table\\tи\\r\\nперенос\\\\"
    assert rows[2]["target"] == "\\\\t not a tab"
    assert list(read_memory(out).units()) == tricky


def test_tsv_written_by_a_pipeline_reads_without_quoting(tmp_path):
    path = tmp_path / "pipe.tsv"
    path.write_text('source\ttarget\tsrc_lang\ttgt_lang\n"Кавычки" в начале\t"Quotes" first\tru\ten\n'
                    "Два\\nряда\tTwo\\nrows\tru\ten\n", encoding="utf-8")
    units = list(read_memory(path).units())
    assert [(u.source, u.target) for u in units] == [('"Кавычки" в начале', '"Quotes" first'),
                                                     ("Два\nряда", "Two\nrows")]
