"""The inputs translators receive (issue 17): PDF with a text layer, EPUB books, ODT, XLSX, PPTX, and the
headers, footers and notes of DOCX. Each file is built here as its producer lays it out; what a reader
of the page sees is written by hand."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from documents import pdf_bytes, zipped
from tmforge.align.readers import READERS, ReadingOptions, read_document
from tmforge.errors import TmforgeError


def _read(tmp_path, name: str, data: bytes, options: ReadingOptions | None = None):
    path = tmp_path / name
    path.write_bytes(data)
    return read_document(path, options=options)


def _texts(doc, part: str | None = None):
    return [p.text for p in doc.paragraphs if (p.props or {}).get("part") == part]


# ---------------------------------------------------------------- PDF

# A user guide of three pages as a word processor prints it: a running header with the product's
# name, "Стр. N из 3" at the bottom, a paragraph running over the page break, words hyphenated
# at line ends (Russian and English; one a compound the text writes elsewhere with its hyphen).
GUIDE_PAGES = [
    ["Импорт данных", "",
     "Узел импорта загружает таблицы из внешних источников: фай-",
     "лов, баз данных и веб-сервисов. Настройки узла сохраняются",
     "вместе со сценарием, поэтому повторный запуск не требует",
     "дополнительной информации от пользователя.", "",
     "The import node loads tables from external sources: files,",
     "databases and web services. A well-known source is chosen",
     "from the list; the node keeps its settings with the scenario"],
    ["so that running it again needs no further input from the", "user. The node's handling of dates and the transla-",
     "tion of field types follow the rules of the source.", "",
     "• Поле даты читается в формате ISO 8601.",
     "• Поле числа читается с точкой как разделителем.", "",
     "A field that cannot be read is reported in the log and left",
     "empty; the import goes on with the next record of the well-",
     "known source."],
    ["Экспорт данных", "", "Узел экспорта записывает результат в файл."],
]
GUIDE_HEADERS = ["Loginom 7 — Руководство пользователя"] * 3
GUIDE_FOOTERS = ["Стр. 1 из 3", "Стр. 2 из 3", "3"]


def test_pdf_running_text_without_headers_footers_and_page_numbers(tmp_path):
    doc = _read(tmp_path, "guide.pdf", pdf_bytes(GUIDE_PAGES, GUIDE_HEADERS, GUIDE_FOOTERS))
    assert doc.format == "pdf"
    assert [p.text for p in doc.paragraphs] == [
        "Импорт данных",
        "Узел импорта загружает таблицы из внешних источников: файлов, баз данных и веб-сервисов. Настройки "
        "узла сохраняются вместе со сценарием, поэтому повторный запуск не требует дополнительной информации "
        "от пользователя.",
        "The import node loads tables from external sources: files, databases and web services. A well-known "
        "source is chosen from the list; the node keeps its settings with the scenario so that running it "
        "again needs no further input from the user. The node's handling of dates and the translation of field "
        "types follow the rules of the source.",
        "• Поле даты читается в формате ISO 8601.",
        "• Поле числа читается с точкой как разделителем.",
        "A field that cannot be read is reported in the log and left empty; the import goes on with the next "
        "record of the well-known source.",
        "Экспорт данных",
        "Узел экспорта записывает результат в файл."]


def test_pdf_hyphen_at_a_line_end_joins_russian_words_by_the_dictionary():
    from tmforge.align.readers.pdf import join_hyphenated

    assert join_hyphenated("инфор", "мации", set()) == "информации"
    assert join_hyphenated("кто", "нибудь", set()) == "кто-нибудь"  # the dictionary knows it with its hyphen
    assert join_hyphenated("transla", "tion", set()) == "translation"
    assert join_hyphenated("well", "known", {"well-known"}) == "well-known"


def test_pdf_line_end_hyphen_before_a_capital_or_a_digit_is_the_words_own(tmp_path):
    # Hyphenation never splits before a capital or a digit: "Санкт-|Петербург", "2019-|2020", "Jean-|Paul"
    # keep their hyphen and get no space (they read "Санкт- Петербург").
    page = ["Офисы компании работают в Москве, Казани и Санкт-",
            "Петербурге, а новые открылись в 2019-",
            "2020 годах; руководит ими Жан-Поль Дюбуа, а сайт",
            "ведёт его коллега из Нью-Йорка по имени Jean-",
            "Paul, который пишет документацию к программе."]
    doc = _read(tmp_path, "offices.pdf", pdf_bytes([page]))
    assert [p.text for p in doc.paragraphs] == [
        "Офисы компании работают в Москве, Казани и Санкт-Петербурге, а новые открылись в 2019-2020 годах; "
        "руководит ими Жан-Поль Дюбуа, а сайт ведёт его коллега из Нью-Йорка по имени Jean-Paul, который пишет "
        "документацию к программе."]


def test_a_scanned_pdf_asks_for_ocr(tmp_path):
    with pytest.raises(TmforgeError, match="no text layer.*OCR"):
        _read(tmp_path, "scan.pdf", pdf_bytes([["x"], ["y"]], scanned=True))


def test_a_pdf_read_as_text_names_the_extension_to_use(tmp_path):
    with pytest.raises(TmforgeError, match=r"PDF read as text; give it a \.pdf name"):
        _read(tmp_path, "guide.txt", pdf_bytes(GUIDE_PAGES[2:]))


# ---------------------------------------------------------------- DOCX headers, footers, notes

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _with_footnotes(data: bytes, notes: dict[int, str]) -> bytes:
    """The DOCX with a footnotes part holding `notes` (id: text), as Word writes it (separators included)."""
    body = "".join(f'<w:footnote w:id="{k}"><w:p><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                   f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
                   for k, text in notes.items())
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{_W}">'
                 '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
                 f'</w:p></w:footnote>{body}</w:footnotes>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "[Content_Types].xml":
                part = part.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            elif info.filename == "word/_rels/document.xml.rels":
                part = part.replace(b"</Relationships>", b'<Relationship Id="rIdFn" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"'
                                    b'/></Relationships>')
            dst.writestr(info, part)
        dst.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def test_docx_headers_footers_and_footnotes_come_apart_from_the_body(tmp_path):
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "ООО «Поставка» — Договор № 17"
    section.footer.paragraphs[0].text = "Конфиденциально"
    first = document.add_paragraph("Поставщик передаёт товар в срок.")
    second = document.add_paragraph("Покупатель оплачивает товар.")
    document.add_section()  # a second section whose header and footer are linked to the first: read once
    document.add_paragraph("Споры решаются в арбитражном суде.")
    # The body cites note 2 before note 1: notes come in the order the body cites them.
    for paragraph, note in ((first, 2), (second, 1)):
        paragraph._p.append(parse_xml(f'<w:r xmlns:w="{_W}"><w:footnoteReference w:id="{note}"/></w:r>'))
    buffer = io.BytesIO()
    document.save(buffer)
    data = _with_footnotes(buffer.getvalue(), {1: "В рабочих днях.", 2: "Срок указан в приложении."})
    doc = _read(tmp_path, "contract.docx", data)
    assert _texts(doc) == ["Поставщик передаёт товар в срок.", "Покупатель оплачивает товар.",
                           "Споры решаются в арбитражном суде."]
    assert [(p.text, p.props["part"]) for p in doc.paragraphs if p.props] == [
        ("ООО «Поставка» — Договор № 17", "header"), ("Конфиденциально", "footer"),
        ("Срок указан в приложении.", "footnote"), ("В рабочих днях.", "footnote")]


def test_docx_tracked_insertions_and_content_controls_are_text_deletions_not(tmp_path):
    # A contract under review, as Word saves it: a tracked insertion (with a bold word) and a deletion,
    # a template's title in a block content control, a form field in an inline one, a header field in
    # a content control. python-docx reads none of them: "Нажмите кнопку" lost "кнопку", the title was gone.
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    def xml(body: str):
        return parse_xml(f'<w:wrap xmlns:w="{_W}">{body}</w:wrap>')[0]

    def run(text: str, tag: str = "t", bold: bool = False) -> str:
        props = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return f'<w:r>{props}<w:{tag} xml:space="preserve">{text}</w:{tag}></w:r>'

    document = docx.Document()
    title = document.add_paragraph()
    title._p.addprevious(xml(f'<w:sdt><w:sdtPr><w:alias w:val="Title"/></w:sdtPr><w:sdtContent>'
                             f'<w:p>{run("Договор поставки")}</w:p></w:sdtContent></w:sdt>'))
    title._p.getparent().remove(title._p)
    paragraph = document.add_paragraph("Поставщик ")
    paragraph._p.append(xml(f'<w:ins w:id="1" w:author="Юрист" w:date="2024-03-01T10:00:00Z">'
                            f'{run("обязан ")}{run("в срок", bold=True)}</w:ins>'))
    paragraph._p.append(xml(f'<w:del w:id="2" w:author="Юрист">{run("по возможности ", "delText")}</w:del>'))
    paragraph.add_run(" передать товар покупателю ")
    paragraph._p.append(xml(f'<w:sdt><w:sdtContent>{run("ООО «Ромашка»")}</w:sdtContent></w:sdt>'))
    paragraph.add_run(".")
    empty = document.add_paragraph("Дата подписания: ")   # a form field left empty shows its placeholder
    empty._p.append(xml(f'<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
                        f'{run("Место для ввода даты.")}</w:sdtContent></w:sdt>'))
    header = document.sections[0].header.paragraphs[0]
    header._p.append(xml(f'<w:sdt><w:sdtContent>{run("Договор № 17")}</w:sdtContent></w:sdt>'))
    buffer = io.BytesIO()
    document.save(buffer)
    doc = _read(tmp_path, "contract.docx", buffer.getvalue())
    assert _texts(doc) == ["Договор поставки",
                           "Поставщик обязан в срок передать товар покупателю ООО «Ромашка».",
                           "Дата подписания:"]
    assert _texts(doc, "header") == ["Договор № 17"]
    body = doc.paragraphs[1]
    assert [body.text[m.start:m.end] for m in body.marks] == ["в срок"]   # the insertion's bold is a tag


def test_docx_table_of_contents_is_left_out(tmp_path):
    # Word puts its table of contents in a content control (docPartGallery "Table of Contents"), entries in
    # "toc N" styles with page numbers: "Введение\t3" repeats a heading. Older files have the entries alone.
    docx = pytest.importorskip("docx")
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    document = docx.Document()
    document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    entry = document.styles["toc 1"].style_id
    document.add_paragraph("Руководство администратора")
    anchor = document.add_paragraph("Оглавление вручную:")
    anchor._p.addnext(parse_xml(
        f'<w:sdt xmlns:w="{_W}"><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        '<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>'
        f'<w:p><w:pPr><w:pStyle w:val="{entry}"/></w:pPr><w:r><w:t>Введение</w:t></w:r><w:r><w:tab/></w:r>'
        '<w:r><w:t>3</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    document.add_paragraph("Установка\t5", style="toc 1")
    document.add_heading("Введение", level=1)
    document.add_paragraph("Программа устанавливается за пять минут.")
    buffer = io.BytesIO()
    document.save(buffer)
    assert _texts(_read(tmp_path, "admin.docx", buffer.getvalue())) == [
        "Руководство администратора", "Оглавление вручную:", "Введение", "Программа устанавливается за пять минут."]


def test_docx_text_boxes_are_read_once_after_their_paragraph(tmp_path):
    # A brochure: a callout in a text box, as Word writes a shape (DrawingML, and the same text again as a
    # VML fallback), and an old document's VML-only text box. Their text was not read at all.
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    def box(text: str) -> str:
        return f'<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>'

    ns = (f'xmlns:w="{_W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml"')
    shape = (f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>'
             f'{box("Скидка 20 % до конца месяца.")}</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback>'
             f'<w:pict><v:shape><v:textbox>{box("Скидка 20 % до конца месяца.")}</v:textbox></v:shape></w:pict>'
             f'</mc:Fallback></mc:AlternateContent></w:r>')
    legacy = f'<w:r {ns}><w:pict><v:shape><v:textbox>{box("Звоните нам бесплатно.")}</v:textbox></v:shape></w:pict></w:r>'
    document = docx.Document()
    document.add_paragraph("Новая коллекция уже в магазинах.")._p.append(parse_xml(shape))
    document.add_paragraph("Доставка по всей стране.")._p.append(parse_xml(legacy))
    document.add_paragraph("Ждём вас.")
    buffer = io.BytesIO()
    document.save(buffer)
    assert _texts(_read(tmp_path, "brochure.docx", buffer.getvalue())) == [
        "Новая коллекция уже в магазинах.", "Скидка 20 % до конца месяца.", "Доставка по всей стране.",
        "Звоните нам бесплатно.", "Ждём вас."]


# ---------------------------------------------------------------- EPUB

_XHTML = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" '
          'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title></head>{}</html>')


def _book() -> bytes:
    manifest = [("cover", "cover.xhtml", ""), ("title", "title.xhtml", ""), ("nav", "nav.xhtml", "nav"),
                ("c1", "text/ch01.xhtml", ""), ("c2", "text/ch02.xhtml", ""), ("notes", "text/notes.xhtml", "")]
    spine = [("cover", "yes"), ("title", "no"), ("nav", "yes"), ("c1", "yes"), ("c2", "yes"), ("notes", "yes")]
    opf = ('<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
           'unique-identifier="uid"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="uid">'
           'urn:isbn:0</dc:identifier><dc:title>Повесть</dc:title><dc:language>ru</dc:language></metadata><manifest>'
           + "".join(f'<item id="{i}" href="{h}" media-type="application/xhtml+xml"'
                     + (f' properties="{p}"' if p else "") + "/>" for i, h, p in manifest)
           + '</manifest><spine>' + "".join(f'<itemref idref="{i}" linear="{lin}"/>' for i, lin in spine)
           + '</spine><guide><reference type="cover" href="cover.xhtml" title="Обложка"/></guide></package>')
    pages = {
        "cover.xhtml": '<body><p>Повесть о двух городах</p><p>Иллюстрированное издание</p></body>',
        "title.xhtml": '<body><h1>Повесть о двух городах</h1><p>Перевод с английского</p></body>',
        "nav.xhtml": '<body><nav epub:type="toc"><ol><li><a href="text/ch01.xhtml">Глава первая</a></li>'
                     '</ol></nav></body>',
        "text/ch01.xhtml": '<body><section epub:type="chapter"><h2>Глава первая</h2><p>Это было лучшее из '
                           'всех времён<a epub:type="noteref" href="notes.xhtml#n1">1</a>, это было худшее из '
                           'всех времён.</p><aside epub:type="footnote" id="f1"><p>Сноска внутри главы.</p>'
                           '</aside><p>Дорога шла в гору.</p></section></body>',
        "text/ch02.xhtml": '<body><section epub:type="copyright-page"><p>© Издательство, 2024</p></section>'
                           '<section epub:type="chapter"><h2>Глава вторая</h2><p>Почтовая карета '
                           'остановилась.</p></section></body>',
        "text/notes.xhtml": '<body><section epub:type="endnotes"><h2>Примечания</h2><ol><li id="n1">'
                            '<p>Начало романа.</p></li></ol></section></body>',
    }
    members = {"mimetype": "application/epub+zip",
               "META-INF/container.xml": '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
               'opendocument:xmlns:container"><rootfiles><rootfile full-path="OPS/package.opf" media-type='
               '"application/oebps-package+xml"/></rootfiles></container>',
               "OPS/package.opf": opf}
    members.update({f"OPS/{name}": _XHTML.format(body) for name, body in pages.items()})
    return zipped(members, stored_first="mimetype")


def test_epub_chapters_in_spine_order_front_matter_and_notes_apart(tmp_path):
    doc = _read(tmp_path, "book.epub", _book())
    assert _texts(doc) == ["Глава первая", "Это было лучшее из всех времён, это было худшее из всех времён.",
                           "Дорога шла в гору.", "Глава вторая", "Почтовая карета остановилась."]
    assert _texts(doc, "front-matter") == ["Повесть о двух городах", "Иллюстрированное издание",
                                           "Повесть о двух городах", "Перевод с английского", "© Издательство, 2024"]
    assert _texts(doc, "notes") == ["Сноска внутри главы.", "Примечания", "Начало романа."]


def test_an_epub_without_its_container_is_refused(tmp_path):
    data = zipped({"mimetype": "application/epub+zip", "OPS/a.xhtml": _XHTML.format("<body><p>x</p></body>")},
                  stored_first="mimetype")
    with pytest.raises(TmforgeError, match="no META-INF/container.xml"):
        _read(tmp_path, "book.epub", data)


# ---------------------------------------------------------------- ODT

def test_odt_body_in_order_notes_and_page_furniture_apart(tmp_path):
    from test_reader_contract import ODF

    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF}><office:body><office:text>'
               '<text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>'
               '<text:h text:outline-level="1">Условия поставки</text:h>'
               '<text:p>Товар передаётся<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
               '<text:note-body><text:p>По акту приёма.</text:p></text:note-body></text:note> в срок.<text:s text:c="3"/>'
               'Срок<text:tab/>указан в приложении.</text:p>'
               '<text:tracked-changes><text:changed-region><text:deletion><text:p>Удалённый текст.</text:p>'
               '</text:deletion></text:changed-region></text:tracked-changes>'
               '<text:p>Оплата<office:annotation><text:p>Проверить сумму.</text:p></office:annotation> '
               'в рублях.<text:line-break/>Без НДС.</text:p>'
               '</office:text></office:body></office:document-content>')
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODF}><office:master-styles>'
              '<style:master-page style:name="Standard"><style:header><text:p>Договор № 17</text:p></style:header>'
              '<style:footer><text:p>Конфиденциально</text:p></style:footer></style:master-page>'
              '</office:master-styles></office:document-styles>')
    data = zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content,
                   "styles.xml": styles}, stored_first="mimetype")
    doc = _read(tmp_path, "contract.odt", data)
    assert _texts(doc) == ["Условия поставки", "Товар передаётся в срок. Срок указан в приложении.",
                           "Оплата в рублях. Без НДС."]
    assert [(p.text, p.props["part"]) for p in doc.paragraphs if p.props] == [
        ("По акту приёма.", "footnote"), ("Договор № 17", "header"), ("Конфиденциально", "footer")]


# ---------------------------------------------------------------- XLSX

def _workbook() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    terms = book.active
    terms.title = "Глоссарий"
    terms.append(["Термин", "Определение", "Код"])
    terms.append(["Узел", "Элемент сценария, выполняющий одну операцию.", 101])
    terms.merge_cells("A4:C4")
    terms["A4"] = "Раздел: визуализация"
    terms["B3"] = "=1+1"
    interface = book.create_sheet("Интерфейс")
    interface["B2"] = "Сохранить сценарий"
    interface["A1"] = "Открыть файл"
    hidden = book.create_sheet("Справочник")
    hidden["A1"] = "Служебная таблица"
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_cells_in_reading_order_every_visible_sheet_or_one(tmp_path):
    data = _workbook()
    doc = _read(tmp_path, "terms.xlsx", data)
    assert [(p.text, p.props["sheet"], p.props["cell"]) for p in doc.paragraphs] == [
        ("Термин", "Глоссарий", "A1"), ("Определение", "Глоссарий", "B1"), ("Код", "Глоссарий", "C1"),
        ("Узел", "Глоссарий", "A2"), ("Элемент сценария, выполняющий одну операцию.", "Глоссарий", "B2"),
        ("Раздел: визуализация", "Глоссарий", "A4"),
        ("Открыть файл", "Интерфейс", "A1"), ("Сохранить сценарий", "Интерфейс", "B2")]
    one = _read(tmp_path, "terms.xlsx", data, ReadingOptions(sheet="Интерфейс"))
    assert [p.text for p in one.paragraphs] == ["Открыть файл", "Сохранить сценарий"]
    hidden = _read(tmp_path, "terms.xlsx", data, ReadingOptions(sheet="Справочник"))
    assert [p.text for p in hidden.paragraphs] == ["Служебная таблица"]  # named, a hidden sheet is read
    with pytest.raises(TmforgeError, match="no sheet named 'Лист1'; give a name or a number: 1 'Глоссарий', "
                                           "2 'Интерфейс', 3 'Справочник'"):
        _read(tmp_path, "terms.xlsx", data, ReadingOptions(sheet="Лист1"))
    # By position: the same sheet of a translated workbook, whose sheet names are translated too.
    second = _read(tmp_path, "terms.xlsx", data, ReadingOptions(sheet="2"))
    assert [(p.text, p.props["sheet"]) for p in second.paragraphs] == [("Открыть файл", "Интерфейс"),
                                                                        ("Сохранить сценарий", "Интерфейс")]
    with pytest.raises(TmforgeError, match="no sheet named '4'"):
        _read(tmp_path, "terms.xlsx", data, ReadingOptions(sheet="4"))


# ---------------------------------------------------------------- PPTX

def test_pptx_tables_and_groups_in_reading_order_then_notes(tmp_path):
    pptx = pytest.importorskip("pptx")
    from pptx.util import Inches

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    group = slide.shapes.add_group_shape()
    group.shapes.add_textbox(Inches(5), Inches(1), Inches(3), Inches(1)).text_frame.text = "Справа"
    group.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1)).text_frame.text = "Слева"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(3), Inches(6), Inches(2)).table
    for (r, c), text in {(0, 0): "Параметр", (0, 1): "Значение", (1, 0): "Порт", (1, 1): "Номер порта"}.items():
        table.cell(r, c).text = text
    frame = slide.shapes.add_textbox(Inches(1), Inches(0.2), Inches(6), Inches(0.5)).text_frame
    frame.text = "Заголовок слайда"
    frame.add_paragraph().text = "Второй абзац"
    slide.notes_slide.notes_text_frame.text = "Сказать о портах."
    buffer = io.BytesIO()
    deck.save(buffer)
    doc = _read(tmp_path, "talk.pptx", buffer.getvalue())
    assert [p.text for p in doc.paragraphs] == ["Заголовок слайда", "Второй абзац", "Слева", "Справа", "Параметр",
                                               "Значение", "Порт", "Номер порта", "Сказать о портах."]
    assert doc.paragraphs[-1].props == {"slide": "1", "part": "notes"}


# ---------------------------------------------------------------- zip containers: bombs and damage

@pytest.mark.parametrize("name, member", [("book.epub", "OPS/ch.xhtml"), ("doc.odt", "content.xml"),
                                          ("terms.xlsx", "xl/sharedStrings.xml"), ("talk.pptx", "ppt/slides/s.xml")])
def test_containers_that_unpack_past_the_cap_are_refused_before_inflating(tmp_path, monkeypatch, name, member):
    monkeypatch.setenv("TMFORGE_MAX_INPUT_SIZE", "1M")
    data = zipped({"mimetype": "application/epub+zip" if name.endswith("epub") else
                   "application/vnd.oasis.opendocument.text", "xl/workbook.xml": "<x/>",
                   "ppt/presentation.xml": "<x/>", member: " " * (3 * 1024 ** 2)}, stored_first="mimetype")
    assert len(data) < 100_000
    with pytest.raises(TmforgeError, match=r"unpacks to 3\.0 MB.*--max-input-size"):
        _read(tmp_path, name, data)


@pytest.mark.parametrize("name", ["pdf", "epub", "odt", "xlsx", "pptx"])
def test_truncated_files_are_one_error_naming_the_format(tmp_path, name):
    from test_reader_contract import SAMPLES

    data = SAMPLES[name].build()
    with pytest.raises(TmforgeError, match=re.escape(READERS.get(name).label)) as caught:
        _read(tmp_path, "cut" + READERS.get(name).extensions[0], data[:len(data) * 2 // 3])
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------- the align command

def test_align_reads_one_sheet_of_two_workbooks(tmp_path, cli):
    openpyxl = pytest.importorskip("openpyxl")
    rows = {"ru": [("Открыть сценарий из файла.", "Сохранить сценарий под новым именем."),
                   ("Закрыть все окна.", "Выйти из программы.")],
            "en": [("Open a scenario from a file.", "Save the scenario under a new name."),
                   ("Close all windows.", "Exit the program.")]}
    for lang, (menu, other) in rows.items():
        book = openpyxl.Workbook()
        book.active.title = "Menu"
        book.active.append(list(menu))
        book.create_sheet("Other").append(list(other))
        book.save(tmp_path / f"{lang}.xlsx")
    run = cli("align", tmp_path / "ru.xlsx", tmp_path / "en.xlsx", "--sheet", "Menu", "-o", tmp_path / "m.tsv",
              "--force-pair", "-q")
    assert run.returncode == 0, run.stderr
    lines = (tmp_path / "m.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert [tuple(line.split("\t")[:2]) for line in lines] == list(zip(rows["ru"][0], rows["en"][0]))


def test_align_picks_one_sheet_by_number_when_the_sheet_names_are_translated(tmp_path, cli):
    openpyxl = pytest.importorskip("openpyxl")
    sheets = {"ru": [("Меню", "Открыть сценарий из файла.", "Сохранить сценарий под новым именем."),
                     ("Прочее", "Закрыть все окна.", "Выйти из программы.")],
              "en": [("Menu", "Open a scenario from a file.", "Save the scenario under a new name."),
                     ("Other", "Close all windows.", "Exit the program.")]}
    for lang, ((first, *menu), (second, *other)) in sheets.items():
        book = openpyxl.Workbook()
        book.active.title = first
        book.active.append(menu)
        book.create_sheet(second).append(other)
        book.save(tmp_path / f"{lang}.xlsx")
    named = cli("align", tmp_path / "ru.xlsx", tmp_path / "en.xlsx", "--sheet", "Other", "-o", tmp_path / "n.tsv")
    assert named.returncode != 0 and "ru.xlsx has no sheet named 'Other'; give a name or a number" in named.stderr
    run = cli("align", tmp_path / "ru.xlsx", tmp_path / "en.xlsx", "--sheet", "2", "-o", tmp_path / "m.tsv",
              "--force-pair", "-q")
    assert run.returncode == 0, run.stderr
    lines = (tmp_path / "m.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert [tuple(line.split("\t")[:2]) for line in lines] == list(zip(sheets["ru"][1][1:], sheets["en"][1][1:]))
