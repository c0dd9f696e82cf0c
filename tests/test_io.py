"""Reading inputs: encodings, formats, and the inputs that must be refused."""

import codecs

import pytest

from tmforge.align.encodings import decode, detect_encoding, normalize
from tmforge.align.readers import MAX_PARAGRAPH, read_document, read_lines, split_paragraphs
from conftest import SAMPLES
from tmforge.errors import TmforgeError

RU_SAMPLE = (SAMPLES / "parallel" / "ru.txt").read_text(encoding="utf-8")
EN_SAMPLE = (SAMPLES / "parallel" / "en.txt").read_text(encoding="utf-8")
RU_PARAGRAPHS = [p for p in RU_SAMPLE.split("\n") if p.strip()]


def test_utf8_bom_crlf_and_nfc(tmp_path):
    # "й" written decomposed (и + combining breve) must come back composed.
    raw = codecs.BOM_UTF8 + "Мой край.\r\n\r\nи\u0306на.\r\n".encode("utf-8")
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    doc = read_document(path)
    assert doc.text == "Мой край.\n\nйна.\n"
    assert [p.text for p in doc.paragraphs] == ["Мой край.", "йна."]
    assert doc.encoding == "utf-8-sig"


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_with_bom_is_read(tmp_path, bom, codec):
    path = tmp_path / "u16.txt"
    path.write_bytes(bom + RU_SAMPLE.encode(codec))
    doc = read_document(path)
    assert doc.encoding == "utf-16"
    assert doc.paragraphs[0].text == RU_PARAGRAPHS[0]


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_russian_single_byte_encodings_are_detected_per_paragraph(codec):
    # Every paragraph of the sample alone (short texts are the hard case) is read back exactly.
    for paragraph in RU_PARAGRAPHS:
        data = paragraph.encode(codec, errors="replace")  # KOI8-R has no en dash
        assert detect_encoding(data) == codec, paragraph
        assert decode(data)[0] == data.decode(codec)


def test_english_cp1252_with_accents_is_not_taken_for_cyrillic():
    text = "The café’s “déjà vu” menu — naïve, but fine."
    data = text.encode("cp1252")
    assert decode(data) == (text, "cp1252")


def test_encoding_option_overrides_detection(tmp_path):
    path = tmp_path / "k.txt"
    path.write_bytes(RU_PARAGRAPHS[1].encode("koi8_r"))
    assert read_document(path).paragraphs[0].text == RU_PARAGRAPHS[1]
    forced = read_document(path, encoding="cp1251")
    assert forced.encoding == "cp1251" and forced.paragraphs[0].text != RU_PARAGRAPHS[1]


def test_damaged_utf8_is_refused_with_the_fix(tmp_path):
    data = RU_SAMPLE.encode("utf-8")
    damaged = data[:500] + b"\xff\xfe" + data[500:]
    with pytest.raises(TmforgeError, match="not valid UTF-8 .*--encoding"):
        decode(damaged, name="x.txt")


def test_random_high_bytes_are_refused():
    damaged = bytearray(EN_SAMPLE.encode("ascii", "replace"))
    for k in range(0, len(damaged), 40):
        damaged[k] = 0x80 + (k * 7) % 0x7F
    with pytest.raises(TmforgeError, match="--encoding"):
        decode(bytes(damaged))


def test_paragraph_offsets_point_into_text():
    text = normalize("First line.\n\n  Second paragraph\ncontinues here.\nThird.\n")
    paras = split_paragraphs(text)
    assert [p.text for p in paras] == ["First line.", "Second paragraph continues here.", "Third."]
    assert text[paras[0].start:paras[0].end] == "First line."
    assert text[paras[2].start:paras[2].end] == "Third."


HTML = """<!DOCTYPE html><html><head><meta charset="windows-1251"><title>Новости ОДКБ</title>
<style>p {{ color: red }}</style><script>var hidden = "script text";</script></head>
<body><nav><a href="/">Главная</a> <a href="/news">Новости</a></nav>
<h1>{title}</h1>
<div class="text"><p>{p1}</p><p>{p2}<br>{p3}</p>
<p><a href="/back">Назад</a></p>
<table><tr><td>Первая ячейка.</td><td>Вторая <b>ячейка</b>.</td></tr></table>
<div>Вернуться к разделу</div><div>Вернуться к разделу</div>
<!-- a comment --></div></body></html>"""


def test_html_visible_text_blocks_and_no_navigation(tmp_path):
    title, p1, p2, p3 = RU_PARAGRAPHS[0], RU_PARAGRAPHS[1], RU_PARAGRAPHS[3], RU_PARAGRAPHS[4]
    path = tmp_path / "page.html"
    path.write_bytes(HTML.format(title=title, p1=p1, p2=p2, p3=p3).encode("cp1251"))
    doc = read_document(path)
    texts = [p.text for p in doc.paragraphs]
    assert doc.format == "html" and doc.encoding == "cp1251"
    # "Назад", a link of its own in the text, is kept: a word count no longer decides (issue 17).
    assert texts == [title, p1, p2, p3, "Назад", "Первая ячейка.", "Вторая ячейка."]
    for p in doc.paragraphs:
        assert doc.text[p.start:p.end] == p.text


def test_markdown_markup_is_removed(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("# Заголовок *раздела*\n\nПервый абзац со **словом** и [ссылкой](http://x.ru),\n"
                    "перенесённый на вторую строку.\n\n- пункт один\n- пункт `два`\n\n"
                    "```\nкод не переводят\n```\n\n| a | b |\n|---|---|\n| ячейка 1 | ячейка 2 |\n",
                    encoding="utf-8")
    doc = read_document(path)
    assert [p.text for p in doc.paragraphs] == [
        "Заголовок раздела", "Первый абзац со словом и ссылкой, перенесённый на вторую строку.",
        "пункт один", "пункт два", "a", "b", "ячейка 1", "ячейка 2"]


def test_docx_paragraphs_and_tables_in_reading_order(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading(RU_PARAGRAPHS[0], level=1)
    document.add_paragraph(RU_PARAGRAPHS[1])
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Ячейка таблицы."
    table.cell(0, 1).text = "Другая ячейка."
    document.add_paragraph("")
    document.add_paragraph(RU_PARAGRAPHS[2])
    path = tmp_path / "doc.docx"
    document.save(str(path))
    doc = read_document(path)
    assert doc.format == "docx"
    assert [p.text for p in doc.paragraphs] == [RU_PARAGRAPHS[0], RU_PARAGRAPHS[1], "Ячейка таблицы.",
                                               "Другая ячейка.", RU_PARAGRAPHS[2]]


def test_corrupt_docx_is_refused(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(TmforgeError, match="DOCX"):
        read_document(path)


def test_srt_cues_keep_timing(tmp_path):
    path = tmp_path / "film.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,500\n<i>Привет.</i>\nКак дела?\n\n"
                    "2\n00:00:03,000 --> 00:00:04,250\nХорошо.\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.is_subtitles
    assert [(p.text, p.props) for p in doc.paragraphs] == [
        ("Привет. Как дела?", {"start": "00:00:01,000", "end": "00:00:02,500"}),   # SRT's own notation
        ("Хорошо.", {"start": "00:00:03,000", "end": "00:00:04,250"})]


def test_vtt_is_sniffed_without_extension(tmp_path):
    path = tmp_path / "captions"
    path.write_text("WEBVTT\n\nNOTE made by hand\n\nintro\n00:01.000 --> 00:02.000 align:start\n"
                    "<v Anna>Hello there.</v>\n\n01:00:03.500 --> 01:00:04.000\nBye.\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.format == "vtt"
    assert [(p.text, p.props["start"]) for p in doc.paragraphs] == [("Hello there.", "00:00:01.000"),
                                                                   ("Bye.", "01:00:03.500")]


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n"])
def test_empty_file_is_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(TmforgeError, match="empty"):
        read_document(path)


def test_missing_file_and_folder_are_refused(tmp_path):
    with pytest.raises(TmforgeError, match="not found"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(TmforgeError, match="folder"):
        read_document(tmp_path)


@pytest.mark.parametrize("data,match", [(bytes(range(256)) * 4, "binary"), (b"%PDF-1.7\n%\xe2\xe3", "PDF")])
def test_binary_files_are_refused(tmp_path, data, match):
    path = tmp_path / "x.bin"
    path.write_bytes(data)
    with pytest.raises(TmforgeError, match=match):
        read_document(path)


def test_huge_single_line_is_refused(tmp_path):
    path = tmp_path / "line.txt"
    path.write_text("слово " * (MAX_PARAGRAPH // 6 + 10), encoding="utf-8")
    with pytest.raises(TmforgeError, match="paragraph of .* characters"):
        read_document(path)
    with pytest.raises(TmforgeError, match="line 1 has"):
        read_lines(path)


def test_read_lines_keeps_line_numbers(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("one\n\nthree\n", encoding="utf-8")
    assert read_lines(path) == ["one", "", "three"]
