"""YAML front matter of documentation pages (issue 17): its title and description are text to translate.

Site generators (Hugo, Jekyll, Docusaurus) show a page's `title` and
`description` to readers and search engines, and its `keywords` and `tags`
as terms, and translators translate them; layout, dates, slugs and weights
are configuration and stay out.
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
    assert blocks[:4] == ["Резервное копирование",
                          "Как настроить ежедневное резервное копирование базы и восстановить её из архива.",
                          "администрирование", "архив"]
    assert not any(b in ("backup", "2024-03-01", "30") for b in blocks)


def test_keyword_lists_and_nested_text_fields_are_read():
    # Hugo and Docusaurus pages as sites write them: SEO fields nested, keywords as a list or a string.
    page = """---
title: Журнал событий
keywords: журнал, аудит, события
tags:
  - безопасность
  - 42
seo:
  title: Как читать журнал событий сервера
  description: Где лежит журнал и что значат его поля.
  image: /img/log.png
menu:
  docs:
    parent: admin
    weight: 7
---
Журнал хранится в папке logs.
"""
    assert markdown_blocks(page) == ["Журнал событий", "журнал", "аудит", "события", "безопасность",
                                     "Как читать журнал событий сервера", "Где лежит журнал и что значат его поля.",
                                     "Журнал хранится в папке logs."]


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
