"""Markdown as real product documentation writes it (issue 17): tables without leading pipes,
short delimiter rows, <br> in cells, icons before the word they show, comments in code blocks.

Each page here is written the way the help pages of a real product are (a parameter table,
a toolbar list with icons, a code sample with translated comments); every test failed on the
reader before issue 17.
"""

from __future__ import annotations

from tmforge.align.readers import READERS, ReadingOptions, read_document
from tmforge.align.readers.markdown import code_comments, markdown_blocks


def test_a_table_without_leading_pipes_is_cells_not_one_paragraph():
    page = ("Параметры узла:\n\n"
            "Параметр | Описание\n"
            "--- | ---\n"
            "Логин | Имя пользователя для входа в систему.\n"
            "Порт | Номер порта сервера.\n\n"
            "После таблицы идёт текст.\n")
    assert markdown_blocks(page) == ["Параметры узла:", "Параметр", "Описание", "Логин",
                                     "Имя пользователя для входа в систему.", "Порт", "Номер порта сервера.",
                                     "После таблицы идёт текст."]


def test_delimiter_rows_of_one_or_two_dashes_are_not_units():
    page = ("|Параметр|Значение по умолчанию|Описание|\n"
            "|:-|:--:|-:|\n"
            "|Хост||Доменное имя хоста.|\n"
            "|Порт|389|Номер порта.|\n")
    blocks = markdown_blocks(page)
    assert blocks == ["Параметр", "Значение по умолчанию", "Описание", "Хост", "Доменное имя хоста.",
                      "Порт", "389", "Номер порта."]
    assert not any(set(b) <= set(":-| ") for b in blocks)


def test_a_pipe_in_prose_or_a_list_is_not_a_table():
    page = ("* Имя_поля|Прогноз — прогнозируемые значения ряда.\n"
            "* Имя_поля|Ошибка — остатки модели.\n\n"
            "Составная метка \"ROOT|PERSON\" будет сформирована.\n\n"
            "Текст\n\n--\n")
    assert markdown_blocks(page) == ["Имя_поля|Прогноз — прогнозируемые значения ряда.",
                                     "Имя_поля|Ошибка — остатки модели.",
                                     "Составная метка \"ROOT|PERSON\" будет сформирована.", "Текст", "--"]


def test_br_inside_cells_and_lines_separates_words():
    page = ("| Ключ | Значение |\n|---|---|\n| Режим | Первая строка.<br>Вторая строка.<br/>Третья |\n\n"
            "Необязательный вход.<br>\n")
    assert markdown_blocks(page) == ["Ключ", "Значение", "Режим", "Первая строка. Вторая строка. Третья",
                                     "Необязательный вход."]


def test_an_icon_before_its_word_is_not_read_twice():
    page = ("# ![Пользователи](./images/users.svg) Пользователи\n\n"
            "* ![Добавить](./images/plus.svg) **Добавить** — добавить нового пользователя;\n"
            "* [![Удалить](./images/delete.svg)](#delete) *Удалить* — удалить пользователя.\n\n"
            "![Схема сценария: импорт, обработка, экспорт](./images/scheme.png)\n")
    assert markdown_blocks(page) == ["Пользователи", "Добавить — добавить нового пользователя;",
                                     "Удалить — удалить пользователя.",
                                     "Схема сценария: импорт, обработка, экспорт"]


CODE_PAGE = """Пример кода:

```javascript
// Вычисление суммы полей
// двух входных столбцов
var s = x + y;  // результат в поле калькулятора
var url = "http://example.ru"; // адрес сервера
/* Многострочный
 * комментарий */
```

```python
# Проверка значения свойства
print("# не комментарий")
```

```
x = 1 # комментарий без языка
```

Текст после кода.
"""


def test_code_comments_are_read_by_default_and_skipped_on_request(tmp_path):
    path = tmp_path / "page.md"
    path.write_text(CODE_PAGE, encoding="utf-8")
    comments = ["Пример кода:", "Вычисление суммы полей двух входных столбцов", "результат в поле калькулятора",
                "адрес сервера", "Многострочный комментарий", "Проверка значения свойства", "комментарий без языка",
                "Текст после кода."]
    assert [p.text for p in read_document(path).paragraphs] == comments
    assert [p.text for p in READERS.get("markdown").read(path.read_bytes(), "page.md").paragraphs] == comments
    assert markdown_blocks(CODE_PAGE, comments=False) == ["Пример кода:", "Текст после кода."]
    doc = read_document(path, options=ReadingOptions(code_comments=False))
    assert [p.text for p in doc.paragraphs] == ["Пример кода:", "Текст после кода."]


def test_comment_markers_follow_the_fence_language():
    assert code_comments(["SELECT 1 -- первая строка", "# не SQL"], "sql") == ["первая строка"]
    assert code_comments(["Dim a = 1 ' комментарий VB"], "vb") == ["комментарий VB"]
    assert code_comments(["x = 5 # 10"], "python") == []  # a number is no text to translate


def test_one_line_triple_backticks_are_inline_code_not_a_fence():
    page = "```cmd.exe /C mkdir D:\\Dir```\n\nПример макроподстановки:\n\nТекст.\n"
    blocks = markdown_blocks(page)
    assert blocks[1:] == ["Пример макроподстановки:", "Текст."]


def test_indented_list_items_are_read_not_taken_for_code():
    page = ("* Выход — таблица с полями:\n"
            "    * Имя_поля|Прогноз — прогнозируемые значения.\n"
            "    * Имя_поля|Ошибка — остатки модели.\n\n"
            "Абзац.\n\n"
            "    print('код')\n")
    assert markdown_blocks(page) == ["Выход — таблица с полями:", "Имя_поля|Прогноз — прогнозируемые значения.",
                                     "Имя_поля|Ошибка — остатки модели.", "Абзац."]


def test_a_placeholder_in_angle_brackets_is_text_and_triple_stars_are_bold_italic():
    # Help pages name list items as <Не задано>; CommonMark reads no tag there (a tag name is
    # ASCII), and the *** closing "**... *<...>***" is an italic and a bold marker at once.
    page = ("* **Выбор из списка элемента *<Не задано>*** — имя порта задаёт система.\n"
            "* ***Внимание***: если X < 5 и Y > 3, узел не выполняется. <b>Важно</b> <!-- заметка -->\n"
            "* Адрес: <https://example.ru/a_b>\n")
    assert markdown_blocks(page) == ["Выбор из списка элемента <Не задано> — имя порта задаёт система.",
                                     "Внимание: если X < 5 и Y > 3, узел не выполняется. Важно",
                                     "Адрес: https://example.ru/a_b"]


def test_bold_written_with_spaces_inside_its_stars_leaves_no_stars_in_the_text():
    # An English help page as translators type it: "** Note **" and "**Note: ... **" are bold on the
    # documentation site (its renderer pairs them) though CommonMark leaves the stars as text.
    page = ("> ** Note **: the root node cannot be deleted.\n\n"
            "> **Note: It is not possible to delete ** the root node **Root**.\n\n"
            "3. **Iteration count is set by the number of groups **. It is an analogue of FOR EACH.\n\n"
            "* ** Coarse classes**: the classes after merging.\n\n"
            "Python raises 2 ** 3 to a power, as 2**3 does; MAX__SIZE is a name.\n")
    blocks = markdown_blocks(page)
    assert blocks == ["Note: the root node cannot be deleted.",
                      "Note: It is not possible to delete the root node Root.",
                      "Iteration count is set by the number of groups. It is an analogue of FOR EACH.",
                      "Coarse classes: the classes after merging.",
                      "Python raises 2 ** 3 to a power, as 2**3 does; MAX__SIZE is a name."]
    # The paired stars are bold marks (TMX inline tags) on the words between them.
    second = blocks[1]
    assert [second[m.start:m.end] for m in second.marks] == ["Note: It is not possible to delete", "Root"]
    assert {m.kind for m in second.marks} == {"bold"}


def test_stars_and_underscores_inside_inline_code_are_the_codes_own():
    page = 'Кнопка вставит `StrToDate("____-__-__", "YYYY-MM-DD")`, а `a*b*c` — произведение, __не__ курсив.\n'
    assert markdown_blocks(page) == ['Кнопка вставит StrToDate("____-__-__", "YYYY-MM-DD"), а a*b*c — '
                                     "произведение, не курсив."]


def test_an_html_table_inside_markdown_is_read_cell_by_cell():
    # Help pages write tables with merged cells as raw HTML; its cells were glued into one paragraph.
    page = ("Возможности режимов:\n\n<table>\n<thead>\n  <tr>\n    <th>Режим</th>\n    <th>Сортировка</th>\n"
            "    <th>Изменение видимости</th>\n  </tr>\n</thead>\n<tbody>\n  <tr>\n"
            "    <td rowspan=\"2\">Таблица</td>\n    <td></td>\n    <td align=\"center\">• (частично)</td>\n"
            "  </tr>\n</tbody>\n</table>\n\nПосле таблицы идёт **текст**.\n")
    assert markdown_blocks(page) == ["Возможности режимов:", "Режим", "Сортировка", "Изменение видимости",
                                     "Таблица", "• (частично)", "После таблицы идёт текст."]


def test_link_and_footnote_definitions_leave_no_markup_in_the_units():
    # As help pages write them (loginom-dev's grouping.md defines its icons as `[def]: ./images/...svg`):
    # a link definition is an address, no text; a footnote definition's text is read without its label.
    page = ("Текст со сноской[^note] и [ссылкой][docs].\n\n"
            "[^note]: Сноска про сервер.\n"
            "    Её продолжение.\n\n"
            "[docs]: https://loginom.ru/docs \"Документация\"\n"
            "[def]: ./../../images/icons/common/aggregations/mode_default.svg\n"
            "[Справка]: <https://help.loginom.ru>\n\n"
            "Последний абзац.\n")
    assert markdown_blocks(page) == ["Текст со сноской и ссылкой.", "Сноска про сервер. Её продолжение.",
                                     "Последний абзац."]
    # Prose that starts with a bracket is still prose.
    assert markdown_blocks("[Важно]: перед запуском сохраните проект.\n") == \
        ["[Важно]: перед запуском сохраните проект."]


def test_a_reference_style_image_is_an_image_not_text():
    page = ("![Режим][def] Нажмите кнопку режима.\n\n![Схема сценария][scheme]\n\n"
            "[def]: ./mode.svg\n[scheme]: ./scheme.png\n")
    assert markdown_blocks(page) == ["Нажмите кнопку режима.", "Схема сценария"]


def test_an_html_comment_over_several_lines_is_not_text():
    page = ("Первый абзац.\n\n<!--\nTODO: переписать этот раздел\nпосле релиза\n-->\n\n"
            "Второй абзац. <!-- внутренний комментарий --> Конец.\n\n<!-- однострочный -->\nТретий абзац.\n\n"
            "<!-- Черновик:\nскрытый текст -->\nЧетвёртый абзац.\n")
    assert markdown_blocks(page) == ["Первый абзац.", "Второй абзац. Конец.", "Третий абзац.", "Четвёртый абзац."]
