"""Untranslated targets are found without asking the language detector about text in another script."""

from __future__ import annotations

from tmforge.align import detect
from tmforge.align.untranslated import untranslated_beads
from tmforge.types import Alignment, Bead, Sentence


def alignment(src_lang, tgt_lang, pairs):
    src = [Sentence(s, k) for k, (s, _) in enumerate(pairs)]
    tgt = [Sentence(t, k) for k, (_, t) in enumerate(pairs)]
    beads = [Bead((k,), (k,), 0.9) for k in range(len(pairs))]
    return Alignment(src_lang, tgt_lang, src, tgt, beads, "test")


PAIRS = [("Договор вступает в силу с момента подписания.", "Contract enters force upon signature."),
         ("Стороны подписали акт приёмки.", "Стороны подписали акт приёмки работ."),   # left in Russian
         ("Оплата производится в рублях.", "Оплата производится в рублях."),           # a copy
         ("Срок поставки — десять дней.", "Delivery term: ten days.")]


def test_russian_targets_and_copies_are_found_and_latin_targets_never_reach_the_detector(monkeypatch):
    asked = []
    real = detect.detect_language

    def spy(text, *args, **kwargs):
        asked.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(detect, "detect_language", spy)
    assert untranslated_beads(alignment("ru", "en", PAIRS)) == [1, 2]
    # English targets cannot be Russian: loading lingua's Latin-script models for them (seconds) is waste.
    assert all(detect.dominant_script(text) == "cyr" for text in asked) and asked


def test_english_source_checks_latin_targets():
    pairs = [(en, ru) for ru, en in PAIRS[:1]] + [("The parties signed the act.", "The parties signed the act today.")]
    assert untranslated_beads(alignment("en", "ru", pairs)) == [1]


def test_german_left_in_a_french_file_is_found_and_french_full_of_german_names_is_not():
    pairs = [("Der Aufstieg zur Hütte dauert etwa drei Stunden.", "La montée à la cabane dure environ trois heures."),
             ("Die Nordwand wurde erst im Jahr 1938 durchstiegen.",
              "Die Nordwand des Berges ist eine der schwierigsten Kletterrouten der Alpen."),
             ("Vom Gipfel des Tödi sieht man die Bifertenalp und den Grünhorngletscher.",
              "Du sommet du Tödi, on voit la Bifertenalp et le Grünhorngletscher."),
             ("Der Gipfel ist erreicht.", "Der Gipfel ist erreicht.")]
    assert untranslated_beads(alignment("de", "fr", pairs)) == [1, 3]
