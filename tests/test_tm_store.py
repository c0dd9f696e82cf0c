"""The SQLite store: import (dedupe, incremental, transactions), lookup, concordance, bad stores."""

import functools
import json
import multiprocessing
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from tmforge.errors import TmforgeError
from tmforge.tm.concordance import concordance
from tmforge.tm.formats import iter_memory, write_memory
from tmforge.tm.lookup import lookup
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.options import ReadOptions
from tmforge.tm import postings
from tmforge.tm.store import Store

WHEN = datetime(2024, 6, 3, tzinfo=timezone.utc)
PAIRS = [
    ("Проверьте настройки термостата перед запуском системы.",
     "Check the thermostat settings before starting the system."),
    ("Термостат поддерживает температуру 20 градусов.", "The thermostat keeps the temperature at 20 degrees."),
    ("Закройте кран перед запуском насоса.", "Close the valve before starting the pump."),
    ("Откройте крышку и замените фильтр.", "Open the cover and replace the filter."),
    ("Нажмите кнопку питания.", "Press the power button."),
    ("Термостатический клапан установлен на трубе.", "The thermostatic valve is mounted on the pipe."),
]


def tmforge(*args):
    """The real command line in a process of its own (exit codes, stderr as users see them)."""
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True, text=True)


def memory(path, pairs, src="ru", tgt="en", document="manual.txt"):
    units = [TranslationUnit(s, t, src, tgt, score=0.9, bead="1-1", document=document, seq=k, created=WHEN)
             for k, (s, t) in enumerate(pairs, 1)]
    write_memory(TranslationMemory.from_units(units), path)
    return path


def counts(path):
    with sqlite3.connect(path) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("units", "imports", "units_fts", "postings"))


def test_import_dedupes_and_is_incremental(tmp_path, cli):
    store = tmp_path / "m.tmdb"
    tmx = memory(tmp_path / "a.tmx", PAIRS + PAIRS[:2])          # two repeated units inside the file
    run = cli("tm", "import", store, tmx)
    assert run.returncode == 0, run.stderr
    assert f"{len(PAIRS)} units added, 2 duplicates skipped" in run.stdout
    tsv = memory(tmp_path / "b.tsv", PAIRS[:3] + [("Новая строка.", "A new line.")])
    run = cli("tm", "import", store, tsv, "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["units"] == len(PAIRS) + 1
    assert report["files"][0]["added"] == 1 and report["files"][0]["duplicates"] == 3
    run = cli("tm", "import", store, tmx, tsv)                 # everything known already
    assert run.returncode == 0 and "0 units added" in run.stdout
    assert counts(store)[0] == len(PAIRS) + 1
    info = json.loads(cli("tm", "info", store, "--json").stdout)
    assert info["pairs"] == [{"source": "ru", "target": "en", "units": len(PAIRS) + 1}]


def test_damaged_file_adds_nothing_and_names_file_and_line(tmp_path):
    store = tmp_path / "m.tmdb"
    good = memory(tmp_path / "good.tmx", PAIRS[:2])
    bad = memory(tmp_path / "bad.tmx", [("Раз.", "One."), ("Два.", "Two."), ("Три.", "Three.")])
    text = bad.read_text(encoding="utf-8")
    bad.write_text(text[: text.rindex("<tu ")] + "<tu><tuv xml:lang='ru'><seg>Обрыв", encoding="utf-8")
    run = tmforge("tm", "import", store, good, bad)
    assert run.returncode == 1
    error = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "bad.tmx" in error[0] and "line" in error[0]
    with Store.open(store) as st:
        sources = {r[0] for r in st.conn.execute("SELECT source FROM units")}
    assert sources == {s for s, _ in PAIRS[:2]}            # nothing from bad.tmx, not even its first units
    assert counts(store)[2] == 2


def test_damaged_tabular_files_add_nothing_name_their_line_and_the_others_are_imported(tmp_path, cli):
    """TSV, CSV and JSONL are read whole, not streamed: their damage must still cost only that file (it used
    to end the whole import with nothing stored); a TSV line short of fields is damage, not a unit with an
    empty side, and the line is named."""
    store = tmp_path / "m.tmdb"
    header = "source\ttarget\tsrc_lang\ttgt_lang\n"
    short = tmp_path / "short.tsv"
    short.write_text(header + "Раз.\tOne.\tru\ten\nДва. Two. (tab lost)\n", encoding="utf-8")
    long = tmp_path / "long.tsv"
    long.write_text(header + "Раз.\tOne.\tru\ten\nДва.\tTwo.\tru\ten\textra\n", encoding="utf-8")
    quote = tmp_path / "quote.csv"
    quote.write_text('source,target,src_lang,tgt_lang\nРаз.,One.,ru,en\n"Два.,Two.,ru,en\nТри.,Three.,ru,en\n',
                     encoding="utf-8")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"source": "Раз.", "target": "One.", "src_lang": "ru", "tgt_lang": "en"}\n{"source": \n',
                      encoding="utf-8")
    excel = tmp_path / "excel.tsv"                         # Excel's "Unicode text": UTF-16 with a BOM
    excel.write_bytes((header + "Раз.\tOne.\tru\ten\n").encode("utf-16"))
    windows = tmp_path / "windows.csv"
    windows.write_bytes("source,target,src_lang,tgt_lang\nРаз.,One.,ru,en\n".encode("cp1251"))
    good = memory(tmp_path / "good.tsv", PAIRS[:2])
    run = cli("tm", "import", store, short, long, quote, broken, excel, windows, good)
    assert run.returncode == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 6
    for path, line in ((short, 3), (long, 3), (quote, 3), (broken, 2), (excel, 1), (windows, 2)):
        assert any(path.name in e and f"line {line}" in e and "nothing imported" in e for e in errors), errors
    assert all("UTF-8" in e for e in errors if "excel" in e or "windows" in e)
    assert "2 units added" in run.stdout
    with Store.open(store) as st:
        assert {r[0] for r in st.conn.execute("SELECT source FROM units")} == {s for s, _ in PAIRS[:2]}


def test_units_differing_only_in_whitespace_are_one_unit(tmp_path, cli):
    """The TMX reader trims segments, a TSV keeps them as written: the same memory imported from both (or a
    translator's stray trailing space) must not give two units, nor two alike suggestions in a lookup."""
    store = tmp_path / "m.tmdb"
    tsv = tmp_path / "a.tsv"
    tsv.write_text("source\ttarget\tsrc_lang\ttgt_lang\nТочка.\tDot \tru\ten\n", encoding="utf-8")
    tmx = memory(tmp_path / "a.tmx", [("Точка.", "Dot")])
    assert cli("tm", "import", store, tsv).returncode == 0
    run = cli("tm", "import", store, tmx, "--json")
    report = json.loads(run.stdout)["files"][0]
    assert (report["added"], report["duplicates"]) == (0, 1)
    # A store made before: its units hashed as written. Its next import rekeys them, and adds nothing.
    from tmforge.tm.import_reader import text_key

    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE units SET unit_key = ?", (text_key("Точка.", "Dot "),))
        conn.execute("DELETE FROM meta WHERE key = 'dedupe_keys'")
    run = cli("tm", "import", store, tmx, "--json")
    assert json.loads(run.stdout)["files"][0]["added"] == 0 and counts(store)[0] == 1
    # An old store holding both already: lookup lists them once.
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE units SET unit_key = unit_key + 1")
    assert cli("tm", "import", store, tmx).returncode == 0
    assert counts(store)[0] == 2
    with Store.open(store) as st:
        matches = lookup(st, "Точка.", "ru", "en")
    assert [(m.source, m.target.strip(), m.quality) for m in matches] == [("Точка.", "Dot", 100)]


def test_a_store_another_process_is_writing_is_one_error_line(tmp_path, cli):
    """SQLite's "database is locked" (a second import while the first runs) was reported as "internal error
    ... this is a bug in tmforge", exit 3."""
    store = tmp_path / "m.tmdb"
    assert cli("tm", "import", store, memory(tmp_path / "a.tmx", PAIRS[:2])).returncode == 0
    other = sqlite3.connect(store, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")                        # another process's import, at its commit
    try:
        run = cli("tm", "import", store, memory(tmp_path / "b.tmx", PAIRS[2:]))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert run.returncode == 2 and run.stderr.startswith("error:") and run.stderr.count("\n") == 1, run.stderr
    assert "busy" in run.stderr and "another process" in run.stderr
    assert counts(store)[0] == 2


def test_a_store_named_like_a_memory_is_refused_before_anything_is_written(tmp_path, cli):
    """`tm import out.tmx in.tsv` (import taken for convert) wrote an SQLite file named out.tmx."""
    tsv = memory(tmp_path / "in.tsv", PAIRS[:2])
    run = cli("tm", "import", tmp_path / "out.tmx", tsv)
    assert run.returncode == 2 and run.stderr.startswith("error:") and "tm convert" in run.stderr
    assert not (tmp_path / "out.tmx").exists()
    before = tsv.read_bytes()
    assert cli("tm", "import", tsv, memory(tmp_path / "b.tmx", PAIRS[:1])).returncode == 2   # order swapped
    assert tsv.read_bytes() == before


def test_crash_mid_import_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "m.tmdb"
    with Store.create_or_open(path) as st:
        st.import_units([("first", lambda: [TranslationUnit(s, t, "ru", "en") for s, t in PAIRS[:2]])])
    before = counts(path)

    def crashing():
        for s, t in PAIRS[2:]:
            yield TranslationUnit(s, t, "ru", "en")
        raise KeyboardInterrupt   # Ctrl-C in the middle of a file

    with Store.create_or_open(path) as st, pytest.raises(KeyboardInterrupt):
        st.import_units([("second", lambda: [TranslationUnit("Ещё.", "More.", "ru", "en")]), ("third", crashing)])
    assert counts(path) == before


def _damaged(path, pairs):
    bad = memory(path, pairs)
    text = bad.read_text(encoding="utf-8")
    bad.write_text(text[: text.rindex("<tu ")] + "<tu><tuv xml:lang='ru'><seg>Обрыв", encoding="utf-8")
    return bad


def _rows(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, pair_id, source, target, unit_key, src_key, n_words, score, bead, document, "
                            "seq, created, props FROM units ORDER BY id").fetchall()


def test_reading_in_a_child_process_stores_the_same_rows_and_stays_crash_safe(tmp_path):
    """Large imports read their files in a second process: the same rows as reading in one; a damaged file
    adds nothing; an interrupt, or the reader failing, leaves the store as it was and ends the child."""
    files = [memory(tmp_path / "a.tmx", PAIRS[:4] + PAIRS[:1]),
             _damaged(tmp_path / "bad.tmx", [("Раз.", "One."), ("Два.", "Two.")]),
             memory(tmp_path / "b.tsv", PAIRS[3:], src="ru", tgt="en-GB")]
    sources = [(str(p), functools.partial(iter_memory, p, ReadOptions())) for p in files]
    with Store.create_or_open(tmp_path / "here.tmdb") as st:
        here = st.import_units(sources)
    with Store.create_or_open(tmp_path / "child.tmdb") as st:
        child = st.import_units(sources, read_in_child=True)
    assert [r.__dict__ for r in child] == [r.__dict__ for r in here]
    assert child[1].added == 0 and "bad.tmx" in child[1].error and "line" in child[1].error
    assert child[0].added == 4 and child[0].duplicates == 1 and child[2].added == 3
    assert _rows(tmp_path / "child.tmdb") == _rows(tmp_path / "here.tmdb")
    before = counts(tmp_path / "child.tmdb")
    more = memory(tmp_path / "c.tmx", [("Новая строка.", "A new line."), ("Ещё одна.", "One more.")])

    def interrupt(name, read):
        raise KeyboardInterrupt          # Ctrl-C while the child is reading

    with Store.create_or_open(tmp_path / "child.tmdb") as st, pytest.raises(KeyboardInterrupt):
        st.import_units([(str(more), functools.partial(iter_memory, more, ReadOptions()))], interrupt,
                        read_in_child=True)
    failing = ("broken", functools.partial(int, "not a memory"))      # raises ValueError in the child
    with Store.create_or_open(tmp_path / "child.tmdb") as st, pytest.raises(RuntimeError, match="ValueError"):
        st.import_units([(str(more), functools.partial(iter_memory, more, ReadOptions())), failing],
                        read_in_child=True)
    assert counts(tmp_path / "child.tmdb") == before
    assert multiprocessing.active_children() == []


def test_a_file_the_writer_rejects_half_way_does_not_spill_into_the_next(tmp_path, monkeypatch):
    """The writer refuses a file at its first batch (a language tag that is no tag) while the reader process
    has sent more of it: those batches are dropped, and the next file gets exactly its own rows."""
    from tmforge.tm import import_reader

    monkeypatch.setattr(import_reader, "BATCH", 2)         # handed to the reader process: several batches
    bad = memory(tmp_path / "bad.tmx", PAIRS[:5], src="ru", tgt="en")
    bad.write_text(bad.read_text(encoding="utf-8").replace('xml:lang="en"', 'xml:lang="12!!"', 1),
                   encoding="utf-8")
    good = memory(tmp_path / "good.tmx", [("Новая строка.", "A new line."), ("Ещё одна.", "One more.")])
    sources = [(str(p), functools.partial(iter_memory, p, ReadOptions())) for p in (bad, good)]
    with Store.create_or_open(tmp_path / "here.tmdb") as st:
        here = st.import_units(sources)
    with Store.create_or_open(tmp_path / "child.tmdb") as st:
        child = st.import_units(sources, read_in_child=True)
    assert "12!!" in child[0].error and child[1].added == 2 and child[1].error is None
    assert [r.__dict__ for r in child] == [r.__dict__ for r in here]
    assert _rows(tmp_path / "child.tmdb") == _rows(tmp_path / "here.tmdb")


def test_not_a_store_and_newer_schema_give_one_error_line(tmp_path, cli):
    text = tmp_path / "notes.tmdb"
    text.write_text("just text", encoding="utf-8")
    run = cli("tm", "lookup", text, "Привет")
    assert run.returncode == 2 and run.stderr.startswith("error:") and run.stderr.count("\n") == 1
    other = tmp_path / "other.tmdb"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    run = cli("tm", "info", other)
    assert run.returncode == 2 and "not a tmforge store" in run.stderr and run.stderr.count("\n") == 1
    newer = tmp_path / "newer.tmdb"
    with Store.create_or_open(newer) as st:
        st.conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    run = cli("tm", "import", newer, memory(tmp_path / "a.tmx", PAIRS[:1]))
    assert run.returncode == 2 and "newer" in run.stderr and run.stderr.count("\n") == 1
    run = cli("tm", "info", tmp_path / "missing.tmdb")
    assert run.returncode == 2 and "does not exist" in run.stderr


@pytest.fixture()
def store(tmp_path):
    path = tmp_path / "m.tmdb"
    with Store.create_or_open(path) as st:
        st.import_units([("manual.tmx", lambda: [TranslationUnit(s, t, "ru", "en", document="manual.txt", seq=k)
                                                  for k, (s, t) in enumerate(PAIRS, 1)]),
                         ("reverse.tmx", lambda: [TranslationUnit("Press the power button.",
                                                                  "Нажмите кнопку питания.", "en-GB", "ru")])])
    st = Store.open(path)
    yield st
    st.close()


def test_lookup_exact_then_fuzzy_best_first_with_origin(store):
    matches = lookup(store, "Проверьте настройки термостата перед запуском насоса.", "ru", "en", min_quality=50)
    assert matches[0].kind == "fuzzy" and matches[0].source == PAIRS[0][0]
    assert matches[0].quality == 83        # six words, one replaced by an unrelated one: 100 * 5/6
    assert matches[0].origin == "manual.tmx (manual.txt #1)"
    exact = lookup(store, "Нажмите  кнопку питания.", "ru", "en")
    assert [(m.kind, m.quality, m.target) for m in exact] == [("exact", 100, "Press the power button.")]


def test_lookup_respects_direction_and_region(store):
    # Stored both ways (en-GB -> ru, and ru -> en): listed once, the unit stored in the asked direction.
    found = lookup(store, "Press the power button.", "en", "ru")
    assert [(m.target, m.reversed) for m in found] == [("Нажмите кнопку питания.", False)]
    assert [m.target for m in lookup(store, "Press the power button.", "en-GB", "ru")] == ["Нажмите кнопку питания."]
    # en-US: not the en-GB unit; the ru -> en one (en, no region) answers, read the other way round.
    found = lookup(store, "Press the power button.", "en-US", "ru")
    assert [(m.source, m.target, m.src_lang, m.tgt_lang, m.reversed) for m in found] == [
        ("Press the power button.", "Нажмите кнопку питания.", "en", "ru", True)]
    assert lookup(store, "Нажмите кнопку питания.", "ru", "de") == []


def test_units_stored_the_other_way_answer_exact_and_fuzzy_lookups(store):
    """A ru -> en memory answers en -> ru lookups: its English targets are searched, read as sources."""
    exact = lookup(store, "Close the valve  before starting the pump.", "en", "ru")
    assert [(m.kind, m.quality, m.source, m.target, m.reversed) for m in exact] == [
        ("exact", 100, PAIRS[2][1], PAIRS[2][0], True)]
    fuzzy = lookup(store, "Check the thermostat settings before starting the pump.", "en", "ru", min_quality=60)
    assert fuzzy[0].kind == "fuzzy" and fuzzy[0].target == PAIRS[0][0] and fuzzy[0].reversed
    assert 60 <= fuzzy[0].quality < 100
    assert lookup(store, "Check the thermostat settings before starting the pump.", "en", "ru",
                  min_quality=95) == []


def test_concordance_finds_word_forms_with_offsets(store):
    hits = concordance(store, "термостат")
    texts = [h.unit.source for h in hits]
    assert PAIRS[0][0] in texts and PAIRS[1][0] in texts          # термостата, Термостат
    assert PAIRS[5][0] not in texts                               # термостатический is another word
    first = next(h for h in hits if h.unit.source == PAIRS[0][0])
    start, end = first.source_spans[0]
    assert PAIRS[0][0][start:end] == "термостата"
    english = concordance(store, "valves", side="tgt", src="ru")
    assert [h.unit.target for h in english] == [PAIRS[2][1], PAIRS[5][1]]
    assert all(h.unit.target[s:e].lower() == "valve" for h in english for s, e in h.target_spans)
    regex = concordance(store, r"\d+ (градус|degree)", side="both", regex=True)
    assert len(regex) == 1 and regex[0].source_spans and regex[0].target_spans


def test_concordance_finds_russian_forms_with_a_fleeting_vowel(tmp_path):
    """Snowball stems узел to узел but узла to узл, кнопка to кнопк but кнопок to кнопок: a translator
    searching a product's "узел" (node) or "кнопка" (button) missed most of their occurrences."""
    texts = ["Добавьте узел в сценарий.", "Настройки узла сохраняются.", "Соедините порты узлов.",
             "Нажмите одну из кнопок.", "Кнопка неактивна.", "Список настроек пуст.", "Откройте настройку.",
             "Узор таблицы изменён.", "Узкий столбец."]
    path = tmp_path / "m.tmdb"
    with Store.create_or_open(path) as st:
        st.import_units([("a.tmx", lambda: [TranslationUnit(t, f"Text {k}.", "ru", "en")
                                            for k, t in enumerate(texts)])])
    with Store.open(path) as st:
        def found(term):
            return {h.unit.source[s:e] for h in concordance(st, term, limit=100) for s, e in h.source_spans}

        assert found("узел") == found("узлов") == {"узел", "узла", "узлов"}
        assert found("кнопка") == found("кнопок") == {"кнопок", "Кнопка"}
        assert found("настройка") == {"Настройки", "настроек", "настройку"}     # й and е alternate too
        assert found("настройки узла") == {"Настройки узла"}


def test_cli_lookup_json_and_concordance(tmp_path, cli):
    store = tmp_path / "m.tmdb"
    assert cli("tm", "import", store, memory(tmp_path / "a.tmx", PAIRS)).returncode == 0
    run = cli("tm", "lookup", store, "Закройте кран перед запуском системы.", "--src", "ru", "--tgt", "en",
                  "--json", "--no-semantic")
    assert run.returncode == 0, run.stderr
    matches = json.loads(run.stdout)
    assert matches and {"source", "target", "quality", "kind", "origin"} <= set(matches[0])
    assert matches[0]["target"] == PAIRS[2][1] and matches[0]["kind"] == "fuzzy"
    assert [m["quality"] for m in matches] == sorted((m["quality"] for m in matches), reverse=True)
    run = cli("tm", "concordance", store, "термостат", "--json")
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)) == 2
    run = cli("tm", "concordance", store, "(", "--regex")
    assert run.returncode == 2 and run.stderr.startswith("error:")


def test_cli_lookup_without_matches_names_the_threshold(tmp_path, cli):
    store = tmp_path / "m.tmdb"
    assert cli("tm", "import", store, memory(tmp_path / "a.tmx", PAIRS)).returncode == 0
    run = cli("tm", "lookup", store, "Совершенно другое предложение о погоде.", "--min", "95", "--no-semantic")
    assert run.returncode == 0, run.stderr
    assert "95 %" in run.stdout and "--min" in run.stdout
    # An English sentence in a ru -> en memory without --src/--tgt: only sources are searched; say so.
    run = cli("tm", "lookup", store, PAIRS[0][1], "--no-semantic")
    assert "no matches" in run.stdout and "--src and --tgt" in run.stdout
    run = cli("tm", "lookup", store, PAIRS[0][1], "--src", "en", "--tgt", "ru", "--no-semantic", "--json")
    assert json.loads(run.stdout)[0]["quality"] == 100


def test_cli_counts_out_of_range_are_one_error_line(tmp_path, cli):
    """--limit 0 printed "no matches", --limit -1 dropped the last match, concordance --limit 0 printed one
    unit, pretranslate --alternatives -1 filled no segment at all and --min 0 filled every one: refused."""
    store = tmp_path / "m.tmdb"
    assert cli("tm", "import", store, memory(tmp_path / "a.tmx", PAIRS)).returncode == 0
    doc = tmp_path / "doc.txt"
    doc.write_text(PAIRS[0][0], encoding="utf-8")
    for args in (("lookup", store, PAIRS[0][0], "--limit", "0"), ("lookup", store, PAIRS[0][0], "--limit", "-1"),
                 ("lookup", store, PAIRS[0][0], "--semantic-min", "101"),
                 ("concordance", store, "термостат", "--limit", "0"),
                 ("pretranslate", doc, "--tm", store, "-o", tmp_path / "d.xlf", "--alternatives", "-1"),
                 ("pretranslate", doc, "--tm", store, "-o", tmp_path / "d.xlf", "--min", "0"),
                 ("pretranslate", doc, "--tm", store, "-o", tmp_path / "d.xlf", "--min", "101")):
        run = cli("tm", *args)
        assert run.returncode == 2 and run.stderr.startswith("error:") and run.stderr.count("\n") == 1, args
        assert args[-2] in run.stderr
    assert not (tmp_path / "d.xlf").exists()


def test_cli_languages_the_store_does_not_hold_are_one_error_line(tmp_path, cli):
    """A typo in --tgt read as "no matches of 70 %", and `pretranslate --tgt de` from a ru -> en store wrote
    an XLIFF without one translation, exit 0."""
    store = tmp_path / "m.tmdb"
    assert cli("tm", "import", store, memory(tmp_path / "a.tmx", PAIRS)).returncode == 0
    doc = tmp_path / "doc.txt"
    doc.write_text(PAIRS[0][0], encoding="utf-8")
    for args in (("lookup", store, PAIRS[0][0], "--src", "ru", "--tgt", "de"),
                 ("lookup", store, PAIRS[0][1], "--src", "en"),
                 ("concordance", store, "термостат", "--src", "de"),
                 ("pretranslate", doc, "--tm", store, "-o", tmp_path / "d.xlf", "--tgt", "de")):
        run = cli("tm", *args)
        assert run.returncode == 2 and run.stderr.startswith("error:") and run.stderr.count("\n") == 1, args
        assert "ru -> en" in run.stderr
    assert not (tmp_path / "d.xlf").exists()
    run = cli("tm", "lookup", store, PAIRS[0][1], "--src", "en", "--tgt", "ru", "--json", "--no-semantic")
    assert json.loads(run.stdout)[0]["reversed"] is True                  # the other way round still answers
    empty = tmp_path / "empty.tmdb"
    with Store.create_or_open(empty):
        pass
    run = cli("tm", "lookup", empty, "Привет", "--src", "ru", "--tgt", "en")
    assert run.returncode == 2 and "tm import" in run.stderr


def test_cli_concordance_without_hits_points_at_the_other_side(tmp_path, cli):
    store = tmp_path / "m.tmdb"
    assert cli("tm", "import", store, memory(tmp_path / "a.tmx", PAIRS)).returncode == 0
    run = cli("tm", "concordance", store, "thermostat")          # English, in a ru -> en memory's sources
    assert run.returncode == 0 and "--side tgt" in run.stdout
    assert "3 units" in cli("tm", "concordance", store, "thermostat", "--side", "both").stdout  # thermostatic too


def test_store_is_read_only_for_lookups(store):
    with pytest.raises(TmforgeError):
        store.import_units([("x", lambda: [])])


def test_semantic_lookup_finds_a_paraphrase_edit_distance_misses(tmp_path, encoder, cli):
    from tmforge.tm.vectors import SemanticIndex, index_store

    path = tmp_path / "m.tmdb"
    with Store.create_or_open(path) as st:
        st.import_units([("manual.tmx", lambda: [TranslationUnit(s, t, "ru", "en") for s, t in PAIRS])])
        assert index_store(st, encoder) == len(PAIRS)
        assert index_store(st, encoder) == 0                       # incremental: nothing new to encode
    with Store.open(path) as st:
        index = SemanticIndex(st, encoder)
        query = "Перед запуском насоса кран нужно закрыть."          # the same instruction, reworded
        assert lookup(st, query, "ru", "en", min_quality=70) == []   # too few shared words for a fuzzy match
        matches = lookup(st, query, "ru", "en", semantic=index, semantic_min=50)
        assert matches and matches[0].kind == "semantic" and matches[0].target == PAIRS[2][1]
        assert 50 <= matches[0].quality < 100
    # On screen, a table of paraphrases alone is not taken for fuzzy matches: the missing ones are named.
    run = cli("tm", "lookup", path, query, "--src", "ru", "--tgt", "en", "--semantic-min", "50")
    assert run.returncode == 0, run.stderr
    assert "no exact or fuzzy matches of 70 %" in run.stdout and "semantic matches" in run.stdout


def test_large_stores_search_an_hnsw_graph_kept_beside_the_store(tmp_path, encoder, monkeypatch):
    from tmforge.tm import vectors

    monkeypatch.setattr(vectors, "BRUTE_FORCE_LIMIT", 3)       # this store counts as large
    path = tmp_path / "m.tmdb"
    with Store.create_or_open(path) as st:
        st.import_units([("manual.tmx", lambda: [TranslationUnit(s, t, "ru", "en") for s, t in PAIRS])])
        vectors.index_store(st, encoder)
    assert vectors.ann_path(Store.open(path)).is_file()
    with Store.open(path) as st:
        index = vectors.SemanticIndex(st, encoder)
        assert index._ann is not None and index._ann.expansion_search == vectors.ANN_EXPANSION_SEARCH
        hits = index.search("Перед запуском насоса кран нужно закрыть.", st.pair_ids("ru", "en"), 1)
        assert [st.units_by_id([hits[0][0]])[hits[0][0]].target] == [PAIRS[2][1]]
    with Store.create_or_open(path) as st:                      # new units make the graph stale
        st.import_units([("more.tmx", lambda: [TranslationUnit("Новая строка.", "A new line.", "ru", "en")])])
        vectors.index_store(st, encoder)
        assert st.meta("ann_generation") == st.meta("vector_generation")


def _units(pairs, src="ru", tgt="en"):
    return lambda: [TranslationUnit(s, t, src, tgt) for s, t in pairs]


def test_fuzzy_candidates_ignore_numbers_which_cost_no_word_edit(tmp_path):
    # The query's numbers are its rarest terms, but a changed number is no word edit: a search that
    # spent its rare-term budget on them missed the unit differing only in its numbers.
    path = tmp_path / "n.tmdb"
    with Store.create_or_open(path) as st:
        st.import_units([("n.tmx", _units([
            ("Клапан 4712 открыт 9933.", "Valve 4712 is open 9933."),
            ("Код 4711.", "Code 4711."), ("Код 9932.", "Code 9932."),
            ("Клапан закрыт.", "The valve is closed."), ("Клапан заменён.", "The valve was replaced."),
            ("Кран открыт.", "The tap is open."), ("Люк открыт.", "The hatch is open.")]))])
        matches = lookup(st, "Клапан 4711 открыт 9932.", "ru", "en")
    assert [m.source for m in matches][:1] == ["Клапан 4712 открыт 9933."]
    assert matches[0].quality == 96          # no word edit; two numbers differ, 2 points each


def _check_lists(st, after_rebuild=True):
    """The counts and lists as stored, checked against SQLite's own full-text index (its tokenizer, not
    tm.terms', decides which terms a text holds): every count right, every list complete, and after a
    rebuild a list for every term in LONG_LIST units or more (written since, a term may lack one)."""
    stored, truth = {}, {}
    for side in ("source", "target"):
        for term, ids in postings.all_lists(st.conn, side):
            stored[side, term] = ids.tolist()
    for side, term in st.conn.execute("SELECT col, term FROM units_vocab"):
        ids = st.conn.execute("SELECT rowid FROM units_fts WHERE units_fts MATCH ? ORDER BY rowid",
                              ("{" + side + '} : "' + term.replace('"', '""') + '"',)).fetchall()
        truth[side, term] = [i for (i,) in ids]
    counts = {(("source", "target")[c], t): n for c, t, n in st.conn.execute("SELECT col, term, docs FROM term_docs")}
    assert counts == {key: len(ids) for key, ids in truth.items()}
    assert stored == {key: truth[key] for key in stored}
    long = {key for key, ids in truth.items() if len(ids) >= postings.LONG_LIST}
    assert set(stored) == long if after_rebuild else set(stored) <= long
    return stored, truth


# Texts whose tokens test tm.terms against SQLite's tokenizer: Latin diacritics (folded), ё and й (kept),
# digits, underscores, apostrophes, hyphens, mixed scripts, a repeated word.
ODD = [("Кафе «Ёлка» и café_naïve: 3-й этаж, №12б.", "Café «Yolka» and naïve_café: the 3rd floor, no. 12b."),
       ("Это O'Brien-ов ёж, ёж и ЁЖ.", "That's O'Brien's hedgehog, HEDGEHOG and hedgehog."),
       ("Straße 7½ — Zürich; über 10,5 км.", "Straße 7½ — Zürich; over 10.5 km.")]


def test_posting_lists_follow_every_import_and_older_stores_gain_them(tmp_path, monkeypatch):
    path = tmp_path / "t.tmdb"
    many = [(f"{s} Раздел {k}, пункт {k % 3}.", f"{t} Section {k}.") for k in range(7) for s, t in PAIRS] + ODD
    monkeypatch.setattr(postings, "LONG_LIST", 5)       # long and short lists in a small store
    with Store.create_or_open(path) as st:
        st.import_units([("many.tmx", _units(many))])                     # rebuilt from the index
        stored, truth = _check_lists(st)
        assert ("source", "раздел") in stored and ("source", "ёлка") not in stored
        # A few units: tokenised in Python, counted and appended; a short chunk limit makes new chunks too.
        monkeypatch.setattr(postings, "APPEND_BELOW", 3)
        for k, (s, t) in enumerate(ODD * 2 + [("Раздел о термостате.", "About the thermostat.")]):
            st.add_units([TranslationUnit(f"{s} Ещё раз, {k}.", f"{t} Once more, {k}.", "ru", "en")], "api")
        stored, truth = _check_lists(st, after_rebuild=False)
        assert len(stored["source", "раздел"]) == len(many) - len(ODD) + 1
        assert st.conn.execute("SELECT count(*) FROM postings WHERE col = 1 AND term = 'the'").fetchone()[0] > 1
        assert len(truth["source", "ещё"]) >= postings.LONG_LIST and ("source", "ещё") not in stored
        # Lists read by prefix (blobs, plus FTS5 for the short ones) equal the full-text index's prefix
        # queries, on both sides; with more short terms than one OR query takes, FTS5 answers alone.
        prefixes = [("source", "термостат"), ("source", "ё"), ("source", "cafe"), ("target", "the"),
                    ("target", "hedgehog"), ("target", "1"), ("source", "нет-такого"), ("source", "раз"),
                    ("source", "ещ")]
        for max_or in (64, 1):
            monkeypatch.setattr(postings, "MAX_OR_TERMS", max_or)
            for side, prefix in prefixes:
                assert (st.prefix_ids(prefix, side).tolist()
                        == postings.fts_prefix_ids(st.conn, prefix, side).tolist()), (side, prefix, max_or)
        query = "Проверьте настройки термостата перед запуском системы. Раздел 9, пункт 0."
        expected = [(m.id, m.quality) for m in lookup(st, query, "ru", "en")]
        reverse = [(m.id, m.quality) for m in lookup(st, "The thermostat keeps the temperature at 21 degrees.",
                                                    "en", "ru")]
        assert expected and reverse
        # A store written by schema 2 has no posting lists: lookups ask the full-text index and find the
        # same; its next import builds them and drops the term counts they replace.
        st.conn.execute("DROP TABLE postings")
        st.conn.execute("DROP TABLE term_docs")
        st.conn.execute("CREATE TABLE source_terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID")
        st.conn.execute("INSERT INTO source_terms SELECT term, doc FROM units_vocab WHERE col = 'source'")
        st.conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with Store.open(path) as reader:           # a server's connection, open while another one imports
        assert [(m.id, m.quality) for m in lookup(reader, query, "ru", "en")] == expected
        assert [(m.id, m.quality) for m in lookup(reader, "The thermostat keeps the temperature at 21 degrees.",
                                                  "en", "ru")] == reverse
        with Store.create_or_open(path) as st:
            st.import_units([("one.tmx", _units([("Ещё один раздел.", "One more section.")]))])
            _check_lists(st)
            assert st.meta("schema_version") == "3" and st._terms() == "postings"
            assert not st.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'source_terms'").fetchone()
            assert [(m.id, m.quality) for m in lookup(st, query, "ru", "en")] == expected
        assert [(m.id, m.quality) for m in lookup(reader, query, "ru", "en")] == expected


def test_ids_beyond_the_posting_lists_range_fail_the_import_and_change_nothing(tmp_path, monkeypatch):
    path = tmp_path / "big.tmdb"
    with Store.create_or_open(path) as st:
        st.import_units([("a.tmx", _units(PAIRS[:2]))])
    before = counts(path)
    monkeypatch.setattr(postings, "MAX_ID", 3)        # stands for 2**32 - 1 without four billion units
    with Store.create_or_open(path) as st, pytest.raises(TmforgeError, match="split the memory"):
        st.import_units([("b.tmx", _units(PAIRS[2:]))])
    assert counts(path) == before
