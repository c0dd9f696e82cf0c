"""The contract every registered document reader keeps.

Each reader gets a realistic file of its format built here (Russian and
English text), and must: read it to the expected paragraphs, with offsets that
index into Document.text; be chosen by its extension and by its content alone;
refuse an empty file and a damaged one with TmforgeError. A reader added to
READERS without a sample here fails `test_every_reader_has_a_sample`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

import pytest

from documents import pdf_bytes, zipped
from tmforge.align.readers import READERS, Readers, read_document
from tmforge.errors import TmforgeError

RU_TITLE = "Договор поставки № 17"
RU_1 = "Поставщик обязуется передать товар в срок, указанный в приложении."
RU_2 = "Покупатель оплачивает товар в течение десяти рабочих дней."
EN_1 = "The Supplier shall deliver the goods within the period stated in the Annex."
EN_2 = "The Buyer pays for the goods within ten working days."


@dataclass
class Sample:
    build: Callable[[], bytes]
    paragraphs: list[str]  # written by hand: what a reader of the file sees
    props: list[dict | None] | None = None  # per paragraph, where the format carries them

    def damaged(self, where: float = 0.5) -> bytes:
        """The file with broken bytes at `where` (a share of its length): an interrupted copy, a bad sector."""
        data, junk = self.build(), b"\xff\xfe\xc3\x28\xa0\xa1"
        at = int(len(data) * where)
        return data[:at] + junk + data[at + len(junk):]


def _text() -> bytes:
    # Hard-wrapped Russian paragraph, then English, a heading-like line apart.
    return (f"{RU_TITLE}\n\nПоставщик обязуется передать товар в срок,\nуказанный в приложении.\n"
            f"{RU_2}\n\n{EN_1}\n{EN_2}\n").encode("utf-8")


def _markdown() -> bytes:
    return (f"---\ntitle: договор\nlayout: docs\nweight: 2\n---\n# {RU_TITLE}\n\n"
            "Поставщик **обязуется** передать товар в срок,\n"
            f"указанный в [приложении](https://example.ru/annex).\n\n- {RU_2}\n- {EN_1}\n\n"
            "```python\nprint('код не переводят')\n```\n\n"
            f"| русский | English |\n|---|---|\n| Товар | Goods |\n\n> {EN_2}\n").encode("utf-8")


def _html() -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{RU_TITLE}</title>"
            "<script>var x = 'скрыто';</script><style>p {color: red}</style></head>"
            "<body><nav><a href=\"/\">Главная</a> <a href=\"/en\">English</a></nav>"
            f"<h1>{RU_TITLE}</h1><div><p>{RU_1}</p><p>{RU_2}<br>{EN_1}</p>"
            f"<p><a href=\"/back\">Назад</a></p><table><tr><td>{EN_2}</td><td>Товар</td></tr></table>"
            "<!-- комментарий --></div><footer><p>© 2024 ООО «Поставка»</p></footer>"
            "<div class=\"cookie-banner\">Мы используем файлы cookie.</div></body></html>").encode("utf-8")


def _docx() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading(RU_TITLE, level=1)
    document.add_paragraph(RU_1)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = RU_2
    table.cell(0, 1).text = EN_1
    document.add_paragraph("")
    document.add_paragraph(EN_2)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _srt() -> bytes:
    return (f"1\r\n00:00:01,000 --> 00:00:03,200\r\n<i>{RU_1[:42]}</i>\r\n{RU_1[43:]}\r\n\r\n"
            f"2\r\n00:00:03,500 --> 00:00:06,000\r\n{EN_1}\r\n\r\n"
            f"3\r\n01:02:03,040 --> 01:02:05,000\r\n{{\\an8}}{EN_2}\r\n").encode("utf-8-sig")


def _vtt() -> bytes:
    return ("WEBVTT - договор\n\nNOTE written by hand\n\nSTYLE\n::cue { color: yellow }\n\n"
            f"intro\n00:01.000 --> 00:03.200 align:start\n<v Анна>{RU_1}</v>\n\n"
            f"00:03.500 --> 00:06.000\n{EN_1}\n\n01:02:03.040 --> 01:02:05.000\n{EN_2}\n").encode("utf-8")


def _pdf() -> bytes:
    # Two pages with a running header and a page number each; a paragraph wrapped over lines, a
    # word hyphenated at a line end, a paragraph running across the page break.
    return pdf_bytes([[RU_TITLE, "", "Поставщик обязуется передать товар в срок, указанный в при-", "ложении.", "",
                       "Покупатель оплачивает товар в течение десяти рабочих"],
                      ["дней.", "", "The Supplier shall deliver the goods within the period", "stated in the Annex.",
                       "", EN_2]],
                     headers=["Договор поставки — типовая форма"] * 2, footers=["1", "2"])


def _epub() -> bytes:
    opf = ('<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
           'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">'
           'urn:x</dc:identifier><dc:title>Договор</dc:title><dc:language>ru</dc:language></metadata><manifest>'
           '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
           '<item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>'
           '<item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/></manifest>'
           '<spine><itemref idref="nav"/><itemref idref="c2"/><itemref idref="c1"/></spine></package>')
    page = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>x</title></head><body>{}</body></html>')
    return zipped({"mimetype": "application/epub+zip",
                   "META-INF/container.xml": '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:'
                   'tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/book.opf" media-type='
                   '"application/oebps-package+xml"/></rootfiles></container>',
                   "OEBPS/book.opf": opf,
                   "OEBPS/nav.xhtml": page.format('<nav epub:type="toc"><ol><li><a href="text/ch1.xhtml">Глава'
                                                  '</a></li></ol></nav>'),
                   "OEBPS/text/ch2.xhtml": page.format(f"<h1>{RU_TITLE}</h1><p>{RU_1}</p>"),
                   "OEBPS/text/ch1.xhtml": page.format(f"<p>{RU_2}</p><p>{EN_1}</p><p>{EN_2}</p>")},
                  stored_first="mimetype")


ODF = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3"')


def _odt() -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF}><office:body><office:text>'
               f'<text:h text:outline-level="1">{RU_TITLE}</text:h><text:p>{RU_1}</text:p>'
               f'<table:table><table:table-row><table:table-cell><text:p>{RU_2}</text:p></table:table-cell>'
               f'<table:table-cell><text:p>{EN_1}</text:p></table:table-cell></table:table-row></table:table>'
               f'<text:list><text:list-item><text:p>{EN_2}</text:p></text:list-item></text:list>'
               '</office:text></office:body></office:document-content>')
    return zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content,
                   "META-INF/manifest.xml": '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                   'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'},
                  stored_first="mimetype")


def _xlsx() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Договор"
    sheet.append([RU_TITLE, 17])
    sheet.append([RU_1, None, RU_2])
    sheet.append([None, EN_1])
    book.create_sheet("Sheet 2").append([2024, EN_2])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pptx() -> bytes:
    pptx = pytest.importorskip("pptx")
    from pptx.util import Inches

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = RU_TITLE
    slide.placeholders[1].text_frame.text = RU_1
    slide.notes_slide.notes_text_frame.text = EN_2
    second = deck.slides.add_slide(deck.slide_layouts[6])
    # Drawn bottom box first: read top to bottom all the same.
    second.shapes.add_textbox(Inches(1), Inches(4), Inches(6), Inches(1)).text_frame.text = EN_1
    second.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.text = RU_2
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


CUE_TIMES = [{"start": "00:00:01.000", "end": "00:00:03.200"}, {"start": "00:00:03.500", "end": "00:00:06.000"},
             {"start": "01:02:03.040", "end": "01:02:05.000"}]

SAMPLES = {
    "text": Sample(_text, [RU_TITLE, RU_1, RU_2, EN_1, EN_2]),
    # The front matter's title is page text (issue 17); its other fields are settings.
    "markdown": Sample(_markdown, ["договор", RU_TITLE, RU_1, RU_2, EN_1, "русский", "English", "Товар", "Goods",
                                   EN_2]),
    # A lone link in the text is kept (it has its translation); the footer and cookie banner are template.
    "html": Sample(_html, [RU_TITLE, RU_1, RU_2, EN_1, "Назад", EN_2, "Товар"]),
    "docx": Sample(_docx, [RU_TITLE, RU_1, RU_2, EN_1, EN_2]),
    "srt": Sample(_srt, [RU_1, EN_1, EN_2], [{k: v.replace(".", ",") for k, v in t.items()} for t in CUE_TIMES]),
    "vtt": Sample(_vtt, [RU_1, EN_1, EN_2], CUE_TIMES),
    "pdf": Sample(_pdf, [RU_TITLE, RU_1, RU_2, EN_1, EN_2]),
    "epub": Sample(_epub, [RU_TITLE, RU_1, RU_2, EN_1, EN_2]),
    "odt": Sample(_odt, [RU_TITLE, RU_1, RU_2, EN_1, EN_2]),
    "xlsx": Sample(_xlsx, [RU_TITLE, RU_1, RU_2, EN_1, EN_2],
                   [{"sheet": "Договор", "cell": c} for c in ("A1", "A2", "C2", "B3")] + [{"sheet": "Sheet 2",
                                                                                            "cell": "B1"}]),
    "pptx": Sample(_pptx, [RU_TITLE, RU_1, RU_2, EN_1, EN_2],
                   [{"slide": "1"}, {"slide": "1"}, {"slide": "2"}, {"slide": "2"}, {"slide": "1", "part": "notes"}]),
}


def _file(tmp_path, name: str, data: bytes, extension: bool = True):
    reader = READERS.get(name)
    path = tmp_path / ("sample" + (reader.extensions[0] if extension else ""))
    path.write_bytes(data)
    return path


def test_every_reader_has_a_sample():
    assert set(READERS.names) == set(SAMPLES)


@pytest.mark.parametrize("name", READERS.names)
def test_reads_the_expected_paragraphs_with_offsets_into_the_text(tmp_path, name):
    sample = SAMPLES[name]
    doc = read_document(_file(tmp_path, name, sample.build()))
    assert doc.format == name
    assert [p.text for p in doc.paragraphs] == sample.paragraphs
    end = 0
    for p in doc.paragraphs:
        assert end <= p.start < p.end <= len(doc.text)
        assert " ".join(doc.text[p.start:p.end].split()) == p.text  # a wrapped line joins with one space
        end = p.end
    if sample.props is not None:
        assert [p.props for p in doc.paragraphs] == sample.props
    assert doc.whole_units == READERS.get(name).whole_units


@pytest.mark.parametrize("name", READERS.names)
def test_the_reader_reads_bytes_as_read_document_reads_the_file(tmp_path, name):
    data = SAMPLES[name].build()
    direct = READERS.get(name).read(data, "sample")
    assert direct.paragraphs == read_document(_file(tmp_path, name, data)).paragraphs


@pytest.mark.parametrize("name", READERS.names)
def test_is_chosen_by_extension_and_by_content(tmp_path, name):
    data = SAMPLES[name].build()
    reader = READERS.get(name)
    for ext in reader.extensions:
        assert READERS.choose("file" + ext.upper(), data) is reader
    assert READERS.sniff(data) is reader
    assert read_document(_file(tmp_path, name, data, extension=False)).format == name


@pytest.mark.parametrize("name", READERS.names)
@pytest.mark.parametrize("content", [b"", b" \n\r\n\t "])
def test_an_empty_file_is_refused(tmp_path, name, content):
    with pytest.raises(TmforgeError, match="empty"):
        read_document(_file(tmp_path, name, content))


@pytest.mark.parametrize("name", READERS.names)
def test_a_damaged_file_is_refused(tmp_path, name):
    with pytest.raises(TmforgeError):
        read_document(_file(tmp_path, name, SAMPLES[name].damaged()))


@pytest.mark.parametrize("name", READERS.names)
def test_damage_anywhere_is_read_or_refused_never_a_crash(name):
    # Damage in a part the reader does not use may still read; anything else is a TmforgeError.
    reader = READERS.get(name)
    for k in range(1, 64):
        try:
            reader.read(SAMPLES[name].damaged(k / 64), "sample")
        except TmforgeError:
            pass


def test_a_format_named_by_the_caller_overrides_the_extension(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(_html())
    assert read_document(path).format == "text"
    assert [p.text for p in read_document(path, fmt="html").paragraphs] == SAMPLES["html"].paragraphs
    with pytest.raises(TmforgeError, match="unknown input format 'rtf'; use one of text, markdown"):
        read_document(path, fmt="rtf")


def test_the_table_refuses_a_second_reader_for_a_name_or_extension():
    text, markdown = READERS.get("text"), READERS.get("markdown")
    with pytest.raises(ValueError, match="already registered"):
        Readers([text, text], fallback="text")
    clash = type("Notes", (type(markdown),), {"name": "notes", "extensions": (".txt",)})()
    with pytest.raises(ValueError, match=r"\.txt already belongs to text"):
        Readers([text, clash], fallback="text")


def test_the_old_module_still_reads():
    from tmforge.align import io as old

    assert old.read_document is read_document
    assert old.FORMATS == READERS.names
