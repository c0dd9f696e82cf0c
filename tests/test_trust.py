"""A memory that can be imported without checking every unit (issue 11, cases 2-5)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tmforge.align.languages import normalise_flag
from tmforge.align.pipeline import align_files, to_memory
from tmforge.errors import TmforgeError

RU = ["Компания основана в 2005 году в Казани.", "Мы разрабатываем программы для анализа данных.",
      "Наши клиенты работают в банках, торговле и промышленности.",
      "Офис компании находится в центре города.", "Мы всегда рады новым сотрудникам."]
EN = ["The company was founded in 2005 in Kazan.", "We develop software for data analysis.",
      "Our clients work in banking, retail and industry.",
      "The company's office is in the city centre.", "We are always glad to welcome new staff."]


def tmforge(*args):
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True, text=True)


def write(path, paragraphs):
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- 2: untranslated targets

def test_targets_left_in_the_source_language_are_left_out(tmp_path, encoder):
    en = EN[:2] + [RU[2], RU[3]] + EN[4:]   # the translator left two Russian paragraphs
    result = align_files(write(tmp_path / "ru.txt", RU), write(tmp_path / "en.txt", en), encoder=encoder)
    pairs = result.pairs()
    assert sorted(result.untranslated) == [k for k, (s, t, _) in enumerate(pairs) if s == t]
    assert len(result.untranslated) == 2
    kept = to_memory(result).frame
    assert not any(t in RU for t in kept["target"].to_list())
    assert len(kept) == len(to_memory(result, keep_untranslated=True).frame) - 2


def test_a_target_in_the_source_language_that_is_no_copy_is_caught(tmp_path, encoder):
    en = EN[:4] + ["Мы всегда рады видеть новых сотрудников в команде."]
    result = align_files(write(tmp_path / "ru.txt", RU), write(tmp_path / "en.txt", en), encoder=encoder)
    assert [result.pairs()[k][1] for k in result.untranslated] == [en[4]]


def test_cli_counts_untranslated_units_and_lists_them_in_the_review(tmp_path):
    en = EN[:2] + [RU[2]] + EN[3:]
    src, tgt = write(tmp_path / "ru.txt", RU), write(tmp_path / "en.txt", en)
    out, review = tmp_path / "m.tsv", tmp_path / "r.html"
    run = tmforge("align", src, tgt, "-o", out, "--review", review, "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["untranslated"] == 1 and summary["outputs"][0]["units"] == 4
    assert RU[2] not in out.read_text(encoding="utf-8").split("\t")[-1]
    page = review.read_text(encoding="utf-8")
    assert "Untranslated (1)" in page
    run = tmforge("align", src, tgt, "-o", out, "--keep-untranslated", "--force", "--json")
    assert json.loads(run.stdout)["outputs"][0]["units"] == 5


# ---------------------------------------------------------------- 3: language flags

@pytest.mark.parametrize("flag, code", [("ru-RU", "ru"), ("RU", "ru"), ("en_US", "en"), ("en-gb", "en"),
                                        ("rus", "ru"), ("English", "en")])
def test_language_flags_in_the_forms_translators_type(flag, code):
    assert normalise_flag(flag) == code


def test_a_flag_that_is_not_a_language_code_says_so():
    with pytest.raises(TmforgeError, match="not a language code"):
        normalise_flag("ru RU")


def test_a_flag_the_text_contradicts_is_refused(tmp_path):
    en, ru = write(tmp_path / "a.txt", EN), write(tmp_path / "b.txt", RU)
    run = tmforge("align", en, ru, "--src-lang", "ru", "--tgt-lang", "en", "-o", tmp_path / "m.tmx")
    assert run.returncode == 2
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("error: --src-lang ru") and "English" in line
    assert not (tmp_path / "m.tmx").exists()


def test_a_regional_flag_is_accepted_and_written_as_the_language(tmp_path, encoder):
    result = align_files(write(tmp_path / "ru.txt", RU), write(tmp_path / "en.txt", EN), src_lang="ru-RU",
                         tgt_lang="en_US", encoder=encoder)
    assert (result.src_lang, result.tgt_lang) == ("ru", "en")


# ---------------------------------------------------------------- 5: unrelated documents

PRICES_EN = ["Price list for the spring season.", "A single room costs 45 euros per night, breakfast included.",
             "Parking at the hotel is 10 euros per day.", "Children under six stay free of charge.",
             "Prices are valid until the end of May."]


def test_unrelated_documents_are_refused_unless_forced(tmp_path):
    ru, en = write(tmp_path / "about_ru.txt", RU), write(tmp_path / "prices_en.txt", PRICES_EN)
    out = tmp_path / "m.tmx"
    run = tmforge("align", ru, en, "-o", out)
    assert run.returncode == 2
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("error: ") and "translations of each other" in line and "--force-pair" in line
    assert not out.exists()
    run = tmforge("align", ru, en, "-o", out, "--force-pair")
    assert run.returncode == 0, run.stderr
    assert out.exists()


def test_a_batch_reports_the_unrelated_pair_and_leaves_it_out(tmp_path):
    (tmp_path / "ru").mkdir()
    (tmp_path / "en").mkdir()
    write(tmp_path / "ru" / "about.txt", RU)
    write(tmp_path / "en" / "about.txt", EN)
    write(tmp_path / "ru" / "prices.txt", RU[::-1])
    write(tmp_path / "en" / "prices.txt", PRICES_EN)
    out = tmp_path / "all.tsv"
    run = tmforge("align", tmp_path / "ru", tmp_path / "en", "-o", out, "--json", "--jobs", "1")
    assert run.returncode == 1, run.stderr
    summary = json.loads(run.stdout)
    assert [f["source"].endswith("prices.txt") for f in summary["failed"]] == [True]
    assert "translations of each other" in run.stderr
    written = out.read_text(encoding="utf-8")
    assert EN[1] in written and PRICES_EN[1] not in written


# ---------------------------------------------------------------- 4: encodings per file

from tmforge.align.plausibility import better_encoding  # noqa: E402

EVENT_RU = ["Конференция пройдёт в Казани 14–16 мая.", "Регистрация открыта до 1 мая.",
            "Участие бесплатное для студентов."]
EVENT_EN = ["The conference takes place in Kazan on 14–16 May.", "Registration is open until 1 May.",
            "Students take part free of charge."]


def test_each_file_of_a_pair_has_its_own_encoding(tmp_path, encoder):
    ru = tmp_path / "ru.txt"
    ru.write_bytes("\n\n".join(EVENT_RU).encode("cp1251"))
    en = write(tmp_path / "en.txt", EVENT_EN)
    result = align_files(ru, en, src_encoding="cp1251", tgt_encoding="utf-8", encoder=encoder)
    assert result.encodings == {str(ru): "cp1251", str(en): "utf-8"}
    assert result.tgt[0].text == EVENT_EN[0]
    with pytest.raises(TmforgeError, match=r"en.txt read as cp1251 gives garbled text; it reads as utf-8"):
        align_files(ru, en, encoding="cp1251", encoder=encoder)


@pytest.mark.parametrize("written, forced, suggested", [("koi8_r", "cp1251", "koi8_r"), ("utf-8", "cp1251", "utf-8"),
                                                        ("cp1251", "koi8_r", "cp1251")])
def test_an_implausible_decoding_names_the_likely_encoding(written, forced, suggested):
    text = "\n".join(EVENT_RU + ["Программа конференции и список докладчиков будут опубликованы позже."])
    data = text.replace("–", "-").encode(written)   # KOI8-R has no en dash
    assert better_encoding(data, forced) == suggested
    assert better_encoding(data, written) is None


def test_a_plain_english_file_reads_in_any_ascii_compatible_encoding():
    data = "\n".join(EVENT_EN[1:]).encode("ascii")
    assert better_encoding(data, "cp1251") is None


# ---------------------------------------------------------------- 6: other languages of the encoder

DE = ["Die Hütte liegt auf 2500 Metern Höhe.", "Im Sommer ist sie von Juni bis September bewartet.",
      "Der Aufstieg vom Tal dauert etwa vier Stunden."]
FR = ["La cabane se trouve à 2500 mètres d'altitude.", "En été, elle est gardée de juin à septembre.",
      "La montée depuis la vallée dure environ quatre heures."]


def test_a_german_french_pair_aligns_with_its_language_flags(tmp_path, encoder):
    result = align_files(write(tmp_path / "de.txt", DE), write(tmp_path / "fr.txt", FR), src_lang="de-CH",
                         tgt_lang="fr", encoder=encoder)
    assert (result.src_lang, result.tgt_lang) == ("de", "fr")
    assert [(b.src, b.tgt) for b in result.beads] == [((k,), (k,)) for k in range(3)]
    memory = to_memory(result)
    assert set(memory.frame["src_lang"]) == {"de"} and set(memory.frame["tgt_lang"]) == {"fr"}


def test_languages_without_a_splitter_need_one_sentence_per_line(tmp_path):
    with pytest.raises(TmforgeError, match="--segmented"):
        align_files(write(tmp_path / "ja.txt", ["これはペンです。"]), write(tmp_path / "en.txt", ["This is a pen."]),
                    src_lang="ja")
    with pytest.raises(TmforgeError, match="does not know this language"):
        normalise_flag("uk")
