"""merge, dedupe, filter and stats on small memories whose answers are worked out by hand."""

from datetime import datetime, timezone

import pytest

from tmforge.errors import TmforgeError
from tmforge.align.detect import detect_language
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.ops import FilterOptions, dedupe, filter_memory, format_stats, merge, stats


def day(d):
    return datetime(2024, 1, d, tzinfo=timezone.utc)


def unit(source, target, score=None, created=None, src="ru", tgt="en", **kw):
    return TranslationUnit(source, target, src, tgt, score=score, created=created, **kw)


def tm(*units, **meta):
    return TranslationMemory.from_units(units, meta=meta)


def pairs(memory):
    return [(u.source, u.target) for u in memory.units()]


def test_merge_keeps_order_and_joins_differing_header_facts():
    merged = merge([tm(unit("а", "a"), signature="s1", tool="t"), tm(unit("б", "b"), signature="s2", tool="t")])
    assert pairs(merged) == [("а", "a"), ("б", "b")]
    assert merged.meta == {"signature": "s1 ; s2", "tool": "t"}
    with pytest.raises(TmforgeError):
        merge([])


def test_exact_dedupe_keeps_the_best_score_and_the_newest_date():
    memory = tm(unit("Да.", "Yes.", 0.5, day(3)), unit("Нет.", "No.", 0.7, day(1)),
                unit("Да.", "Yes.", 0.9, day(1), bead="1-1"), unit("Да.", "Yes.", None, day(9)),
                unit("да", "yes", 0.99, day(2)))
    result = dedupe(memory)
    assert result.removed == 2
    kept = list(result.memory.units())
    assert [(u.source, u.score, u.created, u.bead) for u in kept] == [
        ("Да.", 0.9, day(9), "1-1"), ("Нет.", 0.7, day(1), None), ("да", 0.99, day(2), None)]


def test_normalized_dedupe_ignores_case_punctuation_and_spaces():
    memory = tm(unit("Да, конечно.", "Yes, of course.", 0.5), unit("да  конечно", "YES of course!", 0.8),
                unit("Да, конечно.", "Yes, of course.", 0.6, src="ru", tgt="de"))
    result = dedupe(memory, "normalized")
    assert result.removed == 1
    assert [(u.source, u.score, u.tgt_lang) for u in result.memory.units()] == [
        ("да  конечно", 0.8, "en"), ("Да, конечно.", 0.6, "de")]
    with pytest.raises(TmforgeError):
        dedupe(memory, "fuzzy")


def test_each_filter_removes_what_it_names_and_counts_it():
    memory = tm(
        unit("Хороший перевод.", "A good translation.", 0.9),            # passes everything
        unit("Пусто", "  ", 0.9),                                        # empty
        unit("Слабое совпадение.", "Weak match.", 0.2),                  # min-score
        unit("Короткая фраза.", "A much much much much much longer English sentence here.", 0.9),  # ratio
        unit("iPhone 15 Pro", "iPhone 15 Pro", 0.9),                     # same
        unit("Цена 1 000,50 руб.", "Price 1,000.50 RUB.", 0.9),          # numbers agree: passes
        unit("В 2023 году.", "In 2024.", 0.9),                           # numbers differ
        unit("Это не переведено.", "Это тоже не переведено.", 0.9),      # untranslated
        unit("Без оценки.", "No score.", None),                          # no score: stays
        unit("Длинный " * 40, "Long " * 40, 0.9),                         # too long
    )
    options = FilterOptions(min_score=0.5, max_ratio=2.5, same=True, untranslated=True, numbers=True,
                            max_length=200)
    result = filter_memory(memory, options, detect=detect_language)
    assert result.removed == {"empty": 1, "too-long": 1, "min-score": 1, "length-ratio": 1, "same": 1,
                              "numbers": 1, "untranslated": 1}
    assert pairs(result.memory) == [("Хороший перевод.", "A good translation."),
                                    ("Цена 1 000,50 руб.", "Price 1,000.50 RUB."), ("Без оценки.", "No score.")]
    reasons = [(u.source, u.props["reject"]) for u in result.rejected.units()]
    assert reasons == [("Пусто", "empty"), ("Слабое совпадение.", "min-score"), ("Короткая фраза.", "length-ratio"),
                       ("iPhone 15 Pro", "same"), ("В 2023 году.", "numbers"),
                       ("Это не переведено.", "untranslated"), ("Длинный " * 40, "too-long")]


def test_rejects_keep_their_own_props():
    memory = tm(unit("Да", "", 0.9, props={"start": "1"}))
    rejected = next(filter_memory(memory, FilterOptions()).rejected.units())
    assert rejected.props == {"start": "1", "reject": "empty"}


def test_length_ratio_spares_short_segments():
    memory = tm(unit("ОК", "Okay then", 0.9))
    assert filter_memory(memory, FilterOptions(max_ratio=2.0)).removed == {"empty": 0, "length-ratio": 0}


def test_untranslated_filter_accepts_another_detector():
    memory = tm(unit("Hallo Welt", "Hallo Welt!", src="de", tgt="en"))
    result = filter_memory(memory, FilterOptions(untranslated=True), detect=lambda text: "de")
    assert result.removed["untranslated"] == 1


def test_stats_counts_by_hand():
    memory = tm(unit("Один два три.", "One two.", 0.5, bead="1-1"),
                unit("Один два три.", "One two.", 1.0, bead="1-2"),
                unit("один, два три", "one two", None, bead="1-1"))
    result = stats(memory)
    assert result["units"] == 3
    assert result["directions"] == [{"src_lang": "ru", "tgt_lang": "en", "units": 3}]
    assert result["languages"]["ru"] == {"segments": 3, "words": 9, "characters": 13 + 13 + 13}
    assert result["languages"]["en"] == {"segments": 3, "words": 6, "characters": 8 + 8 + 7}
    assert result["score"]["count"] == 2 and result["score"]["mean"] == pytest.approx(0.75)
    assert result["length_ratio"]["min"] == pytest.approx(7 / 13)
    assert result["beads"] == {"1-1": 2, "1-2": 1}
    assert result["duplicates"] == {"exact": 1, "normalized": 2}
    table = format_stats(result)
    assert "ru → en 3" in table and "duplicates   1 exact, 2" in table


def test_untranslated_filter_needs_a_detector_passed_in():
    # tm/ has no detector of its own (it never imports the aligner): asking without one is an error.
    memory = tm(unit("Это не переведено.", "Это тоже не переведено.", 0.9))
    with pytest.raises(TmforgeError, match="needs a language detector"):
        filter_memory(memory, FilterOptions(untranslated=True))
    assert filter_memory(memory, FilterOptions(untranslated=False)).removed == {"empty": 0}


# ---------------------------------------------------------------- issue 11, case 7

@pytest.mark.parametrize("source, target", [
    ("Большая семерка", "G7"), ("в четыре часа утра", "at 4 am"), ("XXI века", "21st century"),
    ("Глава IV", "Chapter 4"), ("двадцать один день", "21 days"), ("третий пункт", "the 3rd item"),
    ("Цена 1 000,50 руб.", "Price 1,000.50 RUB."), ("2,5 кг", "2.5 kg"), ("в 2005 году", "in 2005"),
])
def test_the_numbers_filter_keeps_numbers_written_another_way(source, target):
    result = filter_memory(tm(unit(source, target)), FilterOptions(numbers=True))
    assert result.removed.get("numbers", 0) == 0


@pytest.mark.parametrize("source, target", [
    ("в 2005 году", "in 2006"), ("Версия 3", "Version 4"), ("G7", "G8"), ("XXI века", "20th century"),
    ("в четыре часа утра", "at 5 am"), ("1 000 рублей", "100 roubles"),
])
def test_the_numbers_filter_catches_changed_numbers(source, target):
    result = filter_memory(tm(unit(source, target)), FilterOptions(numbers=True))
    assert result.removed["numbers"] == 1


def test_dedupe_reports_sources_with_several_targets():
    memory = tm(unit("Да.", "Yes."), unit("Да.", "Yes."), unit("Да.", "Sure."), unit("Нет.", "No."))
    result = dedupe(memory)
    assert result.removed == 1
    assert [(c.source, c.targets) for c in result.conflicts] == [("Да.", ("Yes.", "Sure."))]
    assert [(c.source, c.targets) for c in dedupe(tm(unit("Да.", "Yes."), unit("да", "yes"), unit("ДА!", "Yes!")),
                                                   "normalized").conflicts] == []


def test_the_no_text_filter_removes_units_with_a_side_without_a_letter():
    # What align leaves out by default (issue 17), for memories made elsewhere: table cells of
    # numbers and signs, a sign paired with a word.
    memory = tm(unit("8080", "8080"), unit("+", "+"), unit("Да", "+"), unit("– 0,5 %", "-0.5%"),
                unit("Порт 8080", "Port 8080"), unit("Ёж", "ß"))
    result = filter_memory(memory, FilterOptions(no_text=True))
    assert result.removed == {"empty": 0, "no-text": 4}
    assert pairs(result.memory) == [("Порт 8080", "Port 8080"), ("Ёж", "ß")]
