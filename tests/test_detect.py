from align.detect import detect_language, label_paragraphs, pair_adjacent, split_mixed
from align.io import read_document

from conftest import SAMPLES


def test_labels_by_script_share():
    assert detect_language("Генеральный секретарь ОДКБ встретился с представителями NATO и UN.") == "ru"
    assert detect_language("The CSTO Secretary General met Сергей Лавров in Moscow.") == "en"
    assert detect_language("Україна та Білорусь підписали угоду про співпрацю.") == "other"
    assert detect_language("12.06.2024 — 15:30, https://odkb-csto.org") == "en"  # URL letters are Latin
    assert detect_language("03.06.2024 — 15:30") == "neutral"


def test_neutral_paragraph_joins_previous_language():
    from align.io import Paragraph

    paras = [Paragraph(t, 0, 0) for t in ("Текст на русском.", "2024", "English text.")]
    assert label_paragraphs(paras) == ["ru", "ru", "en"]


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
    assert len(ru) == 1
    assert split.anchors == [(ru[0], ru[0] + 1)]
    assert doc.paragraphs[ru[0] + 1].text.startswith("Thanks to the political will")
