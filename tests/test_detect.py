import pytest

from tmforge.align.detect import detect_language
from tmforge.align.readers import read_document
from tmforge.types import Paragraph
from tmforge.align.mixed import pair_adjacent, split_mixed, split_pieces

from conftest import DATA, SAMPLES

TATOEBA = DATA / "tatoeba"


@pytest.fixture(scope="module")
def tatoeba_lines():
    """Every tenth line of the Tatoeba test files (the benchmark uses all of them)."""
    files = {"ru": "rus-eng.rus", "en": "rus-eng.eng", "uk": "ukr-eng.ukr", "be": "bel-eng.bel",
             "kk": "kaz-eng.kaz", "bg": "bul-eng.bul", "mk": "mkd-eng.mkd", "tt": "tat-eng.tat"}
    return {lang: (TATOEBA / f"tatoeba.{name}").read_text(encoding="utf-8").splitlines()
            for lang, name in files.items()}


def paragraphs(text):
    out, pos = [], 0
    for line in text.split("\n"):
        out.append(Paragraph(line, pos, pos + len(line)))
        pos += len(line) + 1
    return out


def test_names_and_acronyms_of_the_other_script_do_not_flip_the_language():
    assert detect_language("Генеральный секретарь ОДКБ встретился с представителями NATO и UN.") == "ru"
    assert detect_language("Теракт в «Crocus City Hall»") == "ru"
    assert detect_language("Crocus City Hall — место трагедии.") == "ru"
    assert detect_language("The CSTO Secretary General met Сергей Лавров in Moscow.") == "en"
    assert detect_language("Он использует machine learning и deep learning в работе.") == "ru"
    assert detect_language("Матрас Promtex Micropacket Prestige 105х195.") == "ru"
    # A name with the other script on both sides weighs no more than an acronym.
    assert detect_language("МК Crocus City Hall СЛАВДА FC-160.") == "ru"
    assert detect_language("CF SLAVDA Сергей Лавров FC-160.") == "en"


def test_other_cyrillic_and_latin_languages_are_not_taken_for_ours():
    assert detect_language("Україна та Білорусь підписали угоду про співпрацю.") == "other"
    assert detect_language("Оправете си вратовръзката.") == "other"  # Bulgarian, no special letter
    assert detect_language("Театарот е досадна работа.") == "other"  # Macedonian
    assert detect_language("Мин Японияда яшим.") == "other"  # Tatar
    assert detect_language("Die Hütte liegt oberhalb des Gletschers auf einem Felsen.") == "other"
    assert detect_language("Nous sommes arrivés au sommet après six heures de marche.") == "other"
    # Pre-1918 spelling in a name and a Russian abbreviation are still Russian.
    assert detect_language("Газета «Коммерсантъ» писала об этом, т. е. всё известно.") == "ru"


def test_text_without_words_is_neutral():
    assert detect_language("12.06.2024 — 15:30, https://odkb-csto.org") == "neutral"
    assert detect_language("03.06.2024 — 15:30") == "neutral"
    assert detect_language("* * *") == "neutral"


def test_tatoeba_sample_lines(tatoeba_lines):
    for lang, lines in tatoeba_lines.items():
        want = lang if lang in ("ru", "en") else "other"
        wrong = [line for line in lines if detect_language(line) != want]
        assert len(wrong) <= (0 if want != "other" else 4), (lang, wrong)


def test_pairing_prefers_the_better_neighbour():
    labels = ["en", "ru", "en"]
    affinity = {(0, 1): 0.2, (1, 2): 0.9}
    assert pair_adjacent(labels, lambda i, j: affinity[(i, j)]) == [(1, 2)]
    affinity = {(0, 1): 0.9, (1, 2): 0.2}
    assert pair_adjacent(labels, lambda i, j: affinity[(i, j)]) == [(1, 0)]


def test_sample_mixed_page_has_one_anchor_pair():
    doc = read_document(SAMPLES / "mixed.txt")
    split = split_mixed(doc.paragraphs)
    ru = split.stream("ru")
    assert len(ru) == 1 and len(split.paragraphs) == len(doc.paragraphs)
    assert split.anchors == [(ru[0], ru[0] + 1)]
    assert split.paragraphs[ru[0] + 1].text.startswith("Thanks to the political will")


def test_mixed_paragraph_is_cut_into_runs_with_offsets():
    text = ("Генеральный секретарь ОДКБ провёл встречу в Москве. The CSTO Secretary General held a "
            "meeting in Moscow. Стороны обсудили ситуацию. The parties discussed the situation.\n"
            "03.06.2024\n"
            "Україна та Білорусь підписали угоду про співпрацю.")
    split = split_mixed(paragraphs(text))
    assert split.labels == ["ru", "en", "ru", "en", "en", "other"]
    assert split.parents == [0, 0, 0, 0, 1, 2]
    assert split.anchors == [(0, 1), (2, 3)]
    for piece in split.paragraphs:
        assert text[piece.start:piece.end] == piece.text
    assert split.paragraphs[3].text == "The parties discussed the situation."


def test_bilingual_lines_become_anchor_pairs():
    text = ("Совет коллективной безопасности / Collective Security Council\n"
            "Теракт в «Crocus City Hall» потряс страну (The attack at Crocus City Hall shocked the country).\n"
            "Москва — столица России, а Crocus City Hall — концертный зал.\n"
            "Встреча прошла в Москве (Moscow).")
    split = split_mixed(paragraphs(text))
    texts = [p.text for p in split.paragraphs]
    assert texts[:4] == ["Совет коллективной безопасности", "Collective Security Council",
                         "Теракт в «Crocus City Hall» потряс страну",
                         "The attack at Crocus City Hall shocked the country"]
    assert split.anchors == [(0, 1), (2, 3)]
    # A dash inside a Russian sentence and a one-word gloss are not bilingual lines.
    assert texts[4:] == ["Москва — столица России, а Crocus City Hall — концертный зал.",
                         "Встреча прошла в Москве (Moscow)."]
    assert split.labels[4:] == ["ru", "ru"]


def test_an_all_caps_bilingual_title_line_is_split_into_a_pair():
    text = ("ДОГОВОР ПОСТАВКИ № 15 / SUPPLY CONTRACT No. 15\n"
            "Поставщик обязуется передать товар покупателю.\n"
            "The supplier undertakes to deliver the goods to the buyer.")
    split = split_mixed(paragraphs(text))
    texts = [p.text for p in split.paragraphs]
    assert texts[:2] == ["ДОГОВОР ПОСТАВКИ № 15", "SUPPLY CONTRACT No. 15"]
    assert split.labels[:2] == ["ru", "en"]
    assert (0, 1) in split.anchors


def test_pieces_of_pieces_are_the_same():
    text = "Привет, друзья. Hello, friends. Как дела? How are you doing today?\nДокумент / Document"
    pieces, labels, _, _ = split_pieces(paragraphs(text))
    again, labels_again, _, _ = split_pieces(pieces)
    assert [p.text for p in again] == [p.text for p in pieces] and labels_again == labels




def test_names_keep_their_grammar_words_and_articles():
    text = ("Об этом сообщается в пресс-релизе организации Crime Stoppers of Houston. / "
            "This is reported in a press release of the organization Crime Stoppers of Houston.\n"
            "Об этом сообщает The Straits Times. This is reported by The Straits Times.")
    split = split_mixed(paragraphs(text))
    assert [p.text for p in split.paragraphs] == [
        "Об этом сообщается в пресс-релизе организации Crime Stoppers of Houston.",
        "This is reported in a press release of the organization Crime Stoppers of Houston.",
        "Об этом сообщает The Straits Times.", "This is reported by The Straits Times."]
    assert split.labels == ["ru", "en", "ru", "en"]
    assert split.anchors == [(0, 1), (2, 3)]


def test_a_title_case_sentence_after_its_russian_original_is_english():
    text = "Фильтр противоаэрозольный 3M 5925. Particulate Air Filter 3M 5925."
    split = split_mixed(paragraphs(text))
    assert split.labels == ["ru", "en"] and split.anchors == [(0, 1)]


def test_a_mixed_document_expects_english_but_keeps_german_out():
    text = ("Энергетическая ценность: 407 кКал.\nCalorie content: 407 kcal.\n"
            "Die Hütte liegt oberhalb des Gletschers auf einem Felsen.")
    split = split_mixed(paragraphs(text))
    assert split.labels == ["ru", "en", "other"] and split.anchors == [(0, 1)]


def test_brackets_of_the_text_are_not_a_translation_sign():
    text = ("Представьте, что это нужно объяснить ребёнку. Imagine that you need to explain it to a child. "
            "(Учтите, что ребёнок может знать больше.) (Consider that the child might know more.)")
    split = split_mixed(paragraphs(text))
    assert split.labels == ["ru", "en", "ru", "en"]
    assert split.anchors == [(0, 1), (2, 3)]


def test_pairing_looks_past_lines_without_letters():
    text = "Стороны обсудили ситуацию в регионе.\n12:30\nThe parties discussed the situation in the region."
    split = split_mixed(paragraphs(text))
    assert split.anchors == [(0, 2)]
