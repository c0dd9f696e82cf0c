from tmforge.align.readers import read_document
from tmforge.align.segment import split_sentences

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


def test_english_titles_references_and_initials():
    text = ("Mr. Smith met Dr. J. R. R. Tolkien at 5 p.m. on Monday. Prof. Brown arrived in St. Petersburg, "
            "e.g. by train. See Fig. 2. The results are clear. It cost $3.50 in the U.S. last year.")
    assert split_sentences(text, "en") == [
        "Mr. Smith met Dr. J. R. R. Tolkien at 5 p.m. on Monday.",
        "Prof. Brown arrived in St. Petersburg, e.g. by train.", "See Fig. 2.", "The results are clear.",
        "It cost $3.50 in the U.S. last year."]


def test_russian_abbreviations_before_numbers_and_names():
    text = ("Заседание прошло 5 дек. 2023 г. в Москве. См. рис. 2 и табл. 3. Итоги подведены. "
            "Памятник им. А. С. Пушкина стоит на ул. Тверской, т.е. в центре.")
    assert split_sentences(text, "ru") == [
        "Заседание прошло 5 дек. 2023 г. в Москве.", "См. рис. 2 и табл. 3.", "Итоги подведены.",
        "Памятник им. А. С. Пушкина стоит на ул. Тверской, т.е. в центре."]


def test_dialogue_quotes_ellipses_and_lists():
    assert split_sentences("— Ты придёшь? — спросил он. — Нет, — ответила она. Потом ушла… Никто не знал.",
                           "ru") == ["— Ты придёшь? — спросил он.", "— Нет, — ответила она.", "Потом ушла…",
                                     "Никто не знал."]
    assert split_sentences('He said: "I will come." Then he left... Nobody knew why.', "en") == [
        'He said: "I will come."', "Then he left...", "Nobody knew why."]
    assert split_sentences("1. Введение. 2. Методы описаны ниже. • Первый пункт • Второй пункт", "ru") == [
        "1. Введение.", "2. Методы описаны ниже.", "• Первый пункт", "• Второй пункт"]


def test_decimals_dates_and_a_very_long_sentence_stay_whole():
    assert split_sentences("Рост составил 3.5 % к 12.06.2024, а цена — 1.25 руб. за шт. в среднем.", "ru") == [
        "Рост составил 3.5 % к 12.06.2024, а цена — 1.25 руб. за шт. в среднем."]
    long_sentence = "The committee, " + ", ".join(f"having noted item {k}" for k in range(800)) + ", agreed."
    assert split_sentences(long_sentence, "en") == [long_sentence]


def test_russian_sentence_may_end_on_a_unit_after_a_number():
    text = ("Общая высота матраса с чехлом составляет 23 см. Максимально допустимая нагрузка 120 кг. "
            "Цена от 3 до 6 тыс. руб. в зависимости от размера.")
    assert split_sentences(text, "ru") == [
        "Общая высота матраса с чехлом составляет 23 см.", "Максимально допустимая нагрузка 120 кг.",
        "Цена от 3 до 6 тыс. руб. в зависимости от размера."]


def test_an_ellipsis_for_elided_terms_ends_no_sentence():
    # Formulas and quoted patterns of software help (issue 17): the ellipsis stands for terms left out.
    assert split_sentences("Скользящее среднее: MA = (X(t) + ... + X(t - n))/n. Окно задаётся в днях.", "ru") == [
        "Скользящее среднее: MA = (X(t) + ... + X(t - n))/n.", "Окно задаётся в днях."]
    assert split_sentences('Цикл с постусловием — аналог "REPEAT … UNTIL …" в Паскале. Он проверяет условие в конце.',
                           "ru") == ['Цикл с постусловием — аналог "REPEAT … UNTIL …" в Паскале.',
                                     "Он проверяет условие в конце."]
    assert split_sentences('A post-test loop works like "DO … WHILE …" in Java. It runs once at least.', "en") == [
        'A post-test loop works like "DO … WHILE …" in Java.', "It runs once at least."]


def test_a_latin_letter_naming_an_axis_ends_a_sentence():
    # Help pages name axes and variables by one letter ("по X."); razdel took the letter for an initial.
    assert split_sentences("Размер сети по X. Параметр доступен при любой топологии. Размер сети по Y. "
                           "По умолчанию — 3.", "ru") == [
        "Размер сети по X.", "Параметр доступен при любой топологии.", "Размер сети по Y.", "По умолчанию — 3."]
    assert split_sentences("Network size X. The parameter is available with any topology.", "en") == [
        "Network size X.", "The parameter is available with any topology."]
    # Initials of a name stay: a Latin one before a Latin surname, Cyrillic ones, an English surname.
    assert split_sentences("Статью написал J. Smith в 2020 году. Её перевёл А. С. Пушкин.", "ru") == [
        "Статью написал J. Smith в 2020 году.", "Её перевёл А. С. Пушкин."]
    assert split_sentences("The talk was given by John F. Kennedy in Berlin.", "en") == [
        "The talk was given by John F. Kennedy in Berlin."]
