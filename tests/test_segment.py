from align.io import read_document
from align.segment import split_sentences

from conftest import SAMPLES, read_lines


def test_russian_abbreviations_and_initials_stay_inside():
    text = ("В 2024 г. председательство перешло к Казахстану, т. е. к нашей Республике. "
            "Встреча прошла с Р. Отунбаевой и А. С. Пушкиным.")
    assert split_sentences(text, "ru") == [
        "В 2024 г. председательство перешло к Казахстану, т. е. к нашей Республике.",
        "Встреча прошла с Р. Отунбаевой и А. С. Пушкиным."]


def test_english_abbreviations_stay_inside():
    text = "The talks were held in Jan. 2024 in the U.S. capital. See Fig. 2 for details. Really? Yes."
    assert split_sentences(text, "en") == [
        "The talks were held in Jan. 2024 in the U.S. capital.", "See Fig. 2 for details.", "Really?", "Yes."]


def test_english_sample_matches_gold_segmentation():
    doc = read_document(SAMPLES / "parallel" / "en.txt")
    got = [s for p in doc.paragraphs for s in split_sentences(p.text, "en")]
    assert got == read_lines(SAMPLES / "parallel" / "en.sent")


def test_russian_sentence_may_end_on_an_abbreviation():
    text = ("Разработан проект новой стратегии на период до 2025 г. Этот документ учитывает угрозы. "
            "В 2024 г. Президент подписал указ.")
    assert split_sentences(text, "ru") == [
        "Разработан проект новой стратегии на период до 2025 г.", "Этот документ учитывает угрозы.",
        "В 2024 г. Президент подписал указ."]


def test_russian_sample_matches_gold_segmentation():
    doc = read_document(SAMPLES / "parallel" / "ru.txt")
    got = [s for p in doc.paragraphs for s in split_sentences(p.text, "ru")]
    assert got == read_lines(SAMPLES / "parallel" / "ru.sent")
