"""Half-translated targets (issue 17): an "English" file that still holds most of its Russian.

A localisation repository keeps pages the translators finished only in part.
`--tgt-lang en` on such a page is not contradicted: the page is aligned, its
translated paragraphs become memory and its Russian-on-both-sides units are
left out as untranslated. A file with (almost) nothing in the flagged
language (files given the wrong way round) is still refused (issue 11, case 3).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tmforge.align.identify import language_share
from tmforge.align.languages import MIN_FLAGGED_SHARE, check_flag
from tmforge.align.pipeline import align_files, to_memory
from tmforge.errors import TmforgeError

RU = ["# Импорт данных из файлов",
      "Мастер импорта загружает таблицы из текстовых файлов, книг Excel и баз данных.",
      "Перед запуском укажите путь к файлу и кодировку, в которой он сохранён.",
      "Если первая строка содержит заголовки столбцов, установите соответствующий флажок.",
      "Мастер показывает первые сто строк файла, чтобы вы могли проверить разбор.",
      "Пустые строки в конце файла пропускаются автоматически.",
      "Даты распознаются по формату, выбранному в настройках региона.",
      "Числа с запятой в качестве разделителя целой части читаются как дробные.",
      "После импорта таблица появляется в списке источников данных проекта.",
      "Повторный импорт того же файла заменяет старую таблицу новой."]
EN = ["# Importing data from files",
      "The import wizard loads tables from text files, Excel workbooks and databases.",
      "Before you start, give the path to the file and the encoding it was saved in."]


def write(path, paragraphs):
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def half_translated(translated: int) -> list[str]:
    """The translator's file: the first paragraphs in English, the rest still the Russian original."""
    return EN[:translated] + RU[translated:]


def tmforge(*args):
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True, text=True)


def test_the_line_is_the_share_of_letters_in_the_flagged_language():
    mostly_russian = half_translated(3)
    share = language_share(mostly_russian, "en")
    letters = [sum(ch.isalpha() for ch in p) for p in mostly_russian]
    assert share == pytest.approx(sum(letters[:3]) / sum(letters))
    assert check_flag("en", "ru", "--tgt-lang", "en.md", share) is True     # contradicted, but kept
    assert check_flag("en", "en", "--tgt-lang", "en.md", 0.0) is False      # not contradicted
    assert check_flag("en", "other", "--tgt-lang", "en.md", 0.0) is False   # unsure detection contradicts nothing
    with pytest.raises(TmforgeError, match=r"none of it is English"):
        check_flag("en", "ru", "--tgt-lang", "en.md", 0.0)
    with pytest.raises(TmforgeError, match=r"only 0\.9% of it is English"):
        check_flag("en", "ru", "--tgt-lang", "en.md", MIN_FLAGGED_SHARE * 0.9)


def test_a_half_translated_target_is_aligned_and_its_russian_left_out(tmp_path, encoder):
    src, tgt = write(tmp_path / "ru.md", RU), write(tmp_path / "en.md", half_translated(3))
    result = align_files(src, tgt, src_lang="ru", tgt_lang="en", encoder=encoder)
    assert (result.src_lang, result.tgt_lang) == ("ru", "en")
    assert any("mostly Russian" in w and "--keep-untranslated" in w for w in result.warnings)
    memory = to_memory(result).frame
    assert sorted(memory["target"].to_list()) == sorted(e.lstrip("# ") for e in EN)
    assert len(result.untranslated) == len(RU) - 3
    assert len(to_memory(result, keep_untranslated=True).frame) == len(RU)


def test_the_russian_left_in_a_half_translated_target_is_split_by_russian_rules(tmp_path, encoder):
    # "23 см. Нагрузка" ends a Russian sentence (a unit after a number takes no stop of its own);
    # English rules do not know that, and left the untranslated unit two sentences long.
    paragraph = ("Высота стойки с основанием составляет 23 см. Максимальная нагрузка на полку "
                 "не должна превышать 40 кг.")
    ru = RU + [paragraph]
    src, tgt = write(tmp_path / "ru.md", ru), write(tmp_path / "en.md", half_translated(3) + [paragraph])
    result = align_files(src, tgt, src_lang="ru", tgt_lang="en", encoder=encoder)
    assert [t.text for t in result.tgt][-2:] == ["Высота стойки с основанием составляет 23 см.",
                                                  "Максимальная нагрузка на полку не должна превышать 40 кг."]
    assert result.tgt[2].text == EN[2]  # the English paragraphs keep the English rules
    untranslated = [result.pairs()[k] for k in result.untranslated]
    assert ("Высота стойки с основанием составляет 23 см.", "Высота стойки с основанием составляет 23 см.") in \
        [(s, t) for s, t, _ in untranslated]


def test_a_russian_file_with_one_english_heading_is_still_refused_as_english(tmp_path):
    # The wrong file given as the translation: the Russian page itself, whose only English
    # is a product name on a line of its own (well under 1 % of its letters).
    ru_page = RU + ["Dataflow Studio"] + RU[1:] * 3
    assert 0 < language_share(ru_page, "en") < MIN_FLAGGED_SHARE
    src, tgt = write(tmp_path / "ru.md", RU), write(tmp_path / "en.md", ru_page)
    run = tmforge("align", src, tgt, "--tgt-lang", "en", "-o", tmp_path / "m.tmx")
    assert run.returncode == 2
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("error: --tgt-lang en") and "only 0." in line and "right order" in line
    assert not (tmp_path / "m.tmx").exists()


def test_cli_aligns_a_half_translated_page_and_lists_its_untranslated_units(tmp_path):
    src, tgt = write(tmp_path / "ru.md", RU), write(tmp_path / "en.md", half_translated(3))
    out, review = tmp_path / "m.tsv", tmp_path / "r.html"
    run = tmforge("align", src, tgt, "--src-lang", "ru", "--tgt-lang", "en", "-o", out, "--review", review,
                  "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["untranslated"] == len(RU) - 3 and summary["outputs"][0]["units"] == 3
    assert any("mostly Russian" in w for w in summary["warnings"])
    assert f"Untranslated ({len(RU) - 3})" in review.read_text(encoding="utf-8")
