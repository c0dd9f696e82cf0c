"""HTML boilerplate found the same way in both languages (issue 17).

A city news page and its English version as a municipal site serves them:
menu, breadcrumbs, cookie banner and footer from the site template, and a
list of news headlines that are links. The headline "Bus route 7 changes from
April" (six words) was dropped as a menu link while its Russian translation
(seven words) was kept and orphaned; now both stay and the template goes from both.
"""

from __future__ import annotations

from tmforge.align.batch import Job
from tmforge.align.readers import ReadingOptions, read_document
from tmforge.align.readers.html import batch_template, html_blocks

PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head><body>
<header class="site-header"><a class="logo" href="/">{city}</a>
  <ul class="main-menu"><li><a href="/news">{news}</a></li><li><a href="/docs">{docs}</a></li></ul></header>
<div id="cookie-consent">{cookie} <button>OK</button></div>
<ol class="breadcrumbs"><li><a href="/">{home}</a></li><li><a href="/news">{news}</a></li></ol>
<main><h1>{title}</h1>
  <p>{lead}</p>
  <ul class="news-list">
    <li><a href="/news/1">{bus}</a></li>
    <li><a href="/news/2">{park}</a></li>
  </ul>
  <p><a href="/news">{back}</a></p>
  {extra}
</main>
<footer><p>{copyright}</p><p><a href="/contacts">{contacts}</a></p></footer>
</body></html>"""

RU = dict(lang="ru", title="Новости города", city="Город N", news="Новости", docs="Документы",
          cookie="Мы используем файлы cookie, чтобы сайт работал лучше.", home="Главная",
          lead="Администрация города публикует изменения в работе транспорта и городских служб.",
          bus="Маршрут автобуса № 7 меняется с апреля", park="Парк Победы открыт после ремонта",
          back="Все новости", copyright="© 2024 Администрация города N", contacts="Контакты", extra="")
EN = dict(lang="en", title="City news", city="City N", news="News", docs="Documents",
          cookie="We use cookies to make the site work better.", home="Home",
          lead="The city administration publishes changes to transport and city services.",
          bus="Bus route 7 changes from April", park="Victory Park reopens after repairs",
          back="All news", copyright="© 2024 City N administration", contacts="Contacts", extra="")


def _page(values: dict, **changes) -> str:
    return PAGE.format(**{**values, **changes})


def test_headlines_stay_in_both_languages_and_the_template_goes_from_both(tmp_path):
    for name, values in (("ru.html", RU), ("en.html", EN)):
        (tmp_path / name).write_text(_page(values), encoding="utf-8")
    ru, en = read_document(tmp_path / "ru.html"), read_document(tmp_path / "en.html")
    assert [p.text for p in ru.paragraphs] == [RU["title"], RU["lead"], RU["bus"], RU["park"], RU["back"]]
    assert [p.text for p in en.paragraphs] == [EN["title"], EN["lead"], EN["bus"], EN["park"], EN["back"]]
    assert ru.warnings == [] and en.warnings == []  # leaving the template out is normal, not a warning


def test_a_short_line_repeated_on_its_page_is_template_a_repeated_sentence_is_not():
    extra = ("<div>Вернуться к разделу</div><p>Текст.</p><div>Вернуться к разделу</div>"
             "<p>Срок подачи заявлений продлён.</p><p>Срок подачи заявлений продлён.</p>")
    blocks, _ = html_blocks(_page(RU, extra=extra))
    assert "Вернуться к разделу" not in blocks
    assert blocks.count("Срок подачи заявлений продлён.") == 2


def test_blocks_repeated_across_the_pages_of_a_batch_are_template(tmp_path):
    # A subscription box outside any template region, on every page of both languages.
    stories = [("Маршрут 7 меняется", "Route 7 changes"), ("Парк открыт", "The park reopens"),
               ("Каток заливают", "The rink is being flooded")]
    jobs = []
    for k, (ru_story, en_story) in enumerate(stories):
        ru, en = tmp_path / f"ru{k}.html", tmp_path / f"en{k}.html"
        ru.write_text(_page(RU, title=ru_story, lead=f"{ru_story}: подробности.", bus=f"{ru_story} (фото)", park=f"{k}",
                            extra="<div class='box'>Подпишитесь на новости города</div>"), "utf-8")
        en.write_text(_page(EN, title=en_story, lead=f"{en_story}: details.", bus=f"{en_story} (photos)", park=f"{k}",
                            extra="<div class='box'>Subscribe to the city news</div>"), "utf-8")
        jobs.append(Job(f"page{k}", ru, en))
    template = batch_template(jobs)
    assert {"Подпишитесь на новости города", "Subscribe to the city news"} <= set(template)
    assert not {story for pair in stories for story in pair} & set(template)
    page = read_document(jobs[0].src, options=ReadingOptions(template=template))
    assert [p.text for p in page.paragraphs][:3] == ["Маршрут 7 меняется", "Маршрут 7 меняется: подробности.",
                                                    "Маршрут 7 меняется (фото)"]
    assert "Подпишитесь на новости города" not in [p.text for p in page.paragraphs]
    assert "Подпишитесь на новости города" in [p.text for p in read_document(jobs[0].src).paragraphs]
    # Two pages are no batch to learn a template from.
    assert batch_template(jobs[:2]) == ()


def test_a_code_block_gives_its_comments_and_a_bare_pre_stays_text(tmp_path):
    # Documentation pages show code as <pre><code class="language-...">: its lines reached the memory as one
    # unit ("# Загружаем данные df = load(...) ..."). Now as in Markdown: comments read, code never. A bare
    # <pre> is preformatted prose (lib.ru publishes whole books in one) and stays text.
    from tmforge.align.readers import ReadingOptions, read_document

    page = tmp_path / "script.html"
    page.write_text('<html lang="ru"><body><main><h1>Скрипт</h1><p>Запустите скрипт:</p>'
                    '<pre><code class="language-python"># Загружаем данные\ndf = load("data.csv")  # из файла\n'
                    'print(df.head())</code></pre>'
                    '<div class="highlight"><pre>// Счётчик строк\nvar n = 0;</pre></div>'
                    '<p>Готово.</p><pre>Мороз и солнце; день чудесный!\nЕщё ты дремлешь, друг прелестный</pre>'
                    '</main></body></html>', encoding="utf-8")
    assert [p.text for p in read_document(page).paragraphs] == [
        "Скрипт", "Запустите скрипт:", "Загружаем данные", "из файла", "Счётчик строк", "Готово.",
        "Мороз и солнце; день чудесный! Ещё ты дремлешь, друг прелестный"]
    plain = read_document(page, options=ReadingOptions(code_comments=False))
    assert [p.text for p in plain.paragraphs] == ["Скрипт", "Запустите скрипт:", "Готово.",
                                                  "Мороз и солнце; день чудесный! Ещё ты дремлешь, друг прелестный"]


def test_a_line_break_inside_a_table_cell_is_a_space(tmp_path):
    # As in Markdown's cells: "Название столбца<br>в наборе данных" is one text; split at the <br> it was two
    # units, paired with fragments of an English cell that breaks elsewhere. Outside cells a <br> still ends a
    # block (a mixed page writes its Russian and English lines so).
    from tmforge.align.readers import read_document

    page = tmp_path / "params.html"
    page.write_text('<html lang="ru"><body><main><table><tr><th>Имя</th><th>Описание</th></tr>'
                    '<tr><td>Поле</td><td>Название столбца<br>в наборе данных</td></tr></table>'
                    '<p>Первая строка.<br>Second line.</p></main></body></html>', encoding="utf-8")
    assert [p.text for p in read_document(page).paragraphs] == [
        "Имя", "Описание", "Поле", "Название столбца в наборе данных", "Первая строка.", "Second line."]
