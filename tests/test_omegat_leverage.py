"""A CAT tool leverages tmforge's tagged TMX: OmegaT, run headless on a real project.

The test aligns a Russian help page with its English translation (bold, italic,
links, inline code, nested formatting, a paragraph set in bold and a list item
that is one link), writes the TMX with inline tags, puts it into an OmegaT
project's tm/auto/ folder with the Russian page in source/, and runs OmegaT in
console mode (`--mode=console-translate`). OmegaT inserts a tm/auto/ entry only
when its source, tags included, equals a segment of the project exactly, so
every sentence of the page must come out in English in target/ with its
formatting on the right words: the English page's own HTML.

OmegaT reads the tags of a TMX it did not write only with its option "Display
tags" for external TMX (Options > External TMXs..., `ext_tmx_show_level2`);
without it every tag is dropped and no tagged sentence is an exact match. The
test's OmegaT configuration folder turns it on, as a user leveraging tags does.

Skipped, with the reason, where OmegaT (Debian: `apt-get install omegat`) or a
Java runtime is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from lxml import etree, html

from tmforge.align.export import write_alignment
from tmforge.align.pipeline import align_files
from tmforge.tm.options import WriteOptions

from conftest import DATA

OMEGAT = shutil.which("omegat")
pytestmark = pytest.mark.skipif(OMEGAT is None or shutil.which("java") is None,
                                reason="OmegaT is not installed (Debian: apt-get install omegat)")

# One sentence per paragraph where a paragraph has tags: OmegaT numbers a paragraph's tags across its
# sentences (<i1> in the second one), while it numbers a TMX segment's tags from 0 (see README).
RU_PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Отчёты</title></head><body>
<h1>Отчёты</h1>
<p><b>Внимание:</b> отчёт перезаписывается при каждом запуске сценария.</p>
<p>Нажмите <b>Сохранить</b>, а затем откройте <a href="/help/export">страницу экспорта</a>.</p>
<p>Скрипт <code>export.sh</code> выгружает данные на сервер каждую ночь.</p>
<p>Нажмите <b>кнопку <i>Пуск</i></b> в нижней части окна.</p>
<p><b>Этот раздел описывает устаревшую версию программы.</b></p>
<ul>
<li><a href="/help/reports">Настройка отчётов</a></li>
<li><a href="/help/filters">Фильтрация строк таблицы</a></li>
</ul>
<p>Компания «Рога и копыта» &amp; партнёры выпускают обновления каждый месяц.</p>
</body></html>
"""
EN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Reports</title></head><body>
<h1>Reports</h1>
<p><b>Warning:</b> the report is overwritten every time the script runs.</p>
<p>Click <b>Save</b>, then open the <a href="/help/export">export page</a>.</p>
<p>The <code>export.sh</code> script uploads the data to the server every night.</p>
<p>Click the <b><i>Start</i> button</b> at the bottom of the window.</p>
<p><b>This section describes an outdated version of the program.</b></p>
<ul>
<li><a href="/help/reports">Setting up reports</a></li>
<li><a href="/help/filters">Filtering table rows</a></li>
</ul>
<p>The «Horns and Hooves» company &amp; partners release updates every month.</p>
</body></html>
"""

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>ru</source_lang>
        <target_lang>en</target_lang>
        <source_tok>org.omegat.tokenizer.LuceneRussianTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
        <sentence_seg>true</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"""
# OmegaT's preferences file: show (and so match) the inline tags of external TMX.
PREFERENCES = """<?xml version="1.0" encoding="UTF-8" ?>
<omegat>
  <preference version="1.0">
    <ext_tmx_show_level2>true</ext_tmx_show_level2>
  </preference>
</omegat>
"""


def _blocks(page: str) -> list[str]:
    """The inner HTML of each heading, paragraph and list item of a page, white space collapsed."""
    root = html.fromstring(page.encode("utf-8"))
    out = []
    for el in root.iter("h1", "p", "li"):
        inner = (el.text or "") + "".join(etree.tostring(c, encoding="unicode", method="html") for c in el)
        out.append(" ".join(inner.split()))
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory, encoder):
    """An OmegaT project translated by OmegaT from tmforge's TMX alone: (project folder, TMX)."""
    root = tmp_path_factory.mktemp("omegat")
    ru, en = root / "help.ru.html", root / "help.en.html"
    ru.write_text(RU_PAGE, encoding="utf-8")
    en.write_text(EN_PAGE, encoding="utf-8")
    alignment = align_files(ru, en, src_lang="ru", tgt_lang="en", encoder=encoder)
    folder = root / "project"
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (folder / sub).mkdir(parents=True)
    tmx = folder / "tm" / "auto" / "tmforge.tmx"
    write_alignment(alignment, tmx, WriteOptions(inline_markup=True))
    (folder / "omegat.project").write_text(PROJECT, encoding="utf-8")
    shutil.copy(ru, folder / "source" / "help.html")
    config = root / "config"
    config.mkdir()
    (config / "omegat.prefs").write_text(PREFERENCES, encoding="utf-8")
    done = subprocess.run([OMEGAT, str(folder), "--mode=console-translate", f"--config-dir={config}", "--quiet"],
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(root), "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return folder, tmx


def test_the_tagged_tmx_validates(project):
    _, tmx = project
    dtd = etree.DTD(str(DATA / "tmx" / "dtd" / "tmx14.dtd"))
    tree = etree.parse(str(tmx))
    assert dtd.validate(tree), dtd.error_log
    assert list(tree.iterfind(".//seg/bpt"))


def test_omegat_leverages_every_sentence_with_its_tags(project):
    folder, _ = project
    translated = (folder / "target" / "help.html").read_text(encoding="utf-8")
    got, want = _blocks(translated), _blocks(EN_PAGE)
    assert len(got) == len(want)
    left = [(g, w) for g, w in zip(got, want) if g != w]
    assert not left, "\n".join(f"OmegaT wrote: {g}\n   expected: {w}" for g, w in left)
    # Nothing of the Russian text is left over.
    assert not re.search("[а-яё]", " ".join(got), re.I)
