"""YAML front matter of documentation pages (issue 17): its title and description are text to translate.

Site generators (Hugo, Jekyll, Docusaurus) show a page's `title` and
`description` to readers and search engines, and translators translate them;
layout, dates, slugs, weights and tags are configuration and stay out.
"""

from __future__ import annotations

from tmforge.align.pipeline import align_files, to_memory
from tmforge.align.readers.markdown import markdown_blocks

RU = """---
title: "Резервное копирование"
description: >
  Как настроить ежедневное резервное копирование базы
  и восстановить её из архива.
slug: backup
date: 2024-03-01
weight: 30
tags: [администрирование, архив]
---
# Резервное копирование

Сервер сохраняет копию базы каждую ночь в папку архива.

Для восстановления выберите архив в списке и нажмите кнопку «Восстановить».
"""

EN = """---
title: "Backing up"
description: >
  How to set up a daily backup of the database
  and restore it from an archive.
slug: backup
date: 2024-03-01
weight: 30
tags: [administration, archive]
---
# Backing up

The server saves a copy of the database to the archive folder every night.

To restore, choose an archive in the list and click Restore.
"""


def test_title_and_description_are_read_and_settings_are_not():
    blocks = markdown_blocks(RU)
    assert blocks[:2] == ["Резервное копирование",
                          "Как настроить ежедневное резервное копирование базы и восстановить её из архива."]
    assert not any(b in ("backup", "2024-03-01", "30") or "администрирование" in b for b in blocks)


def test_broken_front_matter_is_skipped_not_read_as_text():
    page = "---\ntitle: [unclosed\nlayout: docs\n---\nТекст страницы.\n"
    assert markdown_blocks(page) == ["Текст страницы."]


def test_a_translated_front_matter_becomes_memory_and_an_untranslated_one_is_left_out(tmp_path, encoder):
    ru, en = tmp_path / "ru.md", tmp_path / "en.md"
    ru.write_text(RU, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    memory = to_memory(align_files(ru, en, encoder=encoder)).frame
    pairs = set(memory.select("source", "target").iter_rows())
    assert ("Как настроить ежедневное резервное копирование базы и восстановить её из архива.",
            "How to set up a daily backup of the database and restore it from an archive.") in pairs
    # The translators left the description in Russian (as real repositories do): the unit is untranslated.
    half = EN.replace("How to set up a daily backup of the database\n  and restore it from an archive.",
                      "Как настроить ежедневное резервное копирование базы\n  и восстановить её из архива.")
    en.write_text(half, encoding="utf-8")
    result = align_files(ru, en, encoder=encoder)
    assert [result.pairs()[k][1] for k in result.untranslated] == [
        "Как настроить ежедневное резервное копирование базы и восстановить её из архива."]
