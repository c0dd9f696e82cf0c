import codecs

import pytest

from align.io import decode, normalize, read_document, read_lines, split_paragraphs
from tm.errors import TmforgeError


def test_utf8_bom_crlf_and_nfc(tmp_path):
    # "й" written decomposed (и + combining breve) must come back composed.
    raw = codecs.BOM_UTF8 + "Мой край.\r\n\r\nи\u0306на.\r\n".encode("utf-8")
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    doc = read_document(path)
    assert doc.text == "Мой край.\n\nйна.\n"
    assert [p.text for p in doc.paragraphs] == ["Мой край.", "йна."]
    assert doc.encoding == "utf-8-sig"


def test_utf16_with_bom_is_decoded():
    text, used = decode(codecs.BOM_UTF16_LE + "Привет".encode("utf-16-le"))
    assert text == "Привет" and used == "utf-16"


def test_paragraph_offsets_point_into_text():
    text = normalize("First line.\n\n  Second paragraph\ncontinues here.\nThird.\n")
    paras = split_paragraphs(text)
    assert [p.text for p in paras] == ["First line.", "Second paragraph continues here.", "Third."]
    assert text[paras[0].start:paras[0].end] == "First line."
    assert text[paras[2].start:paras[2].end] == "Third."


def test_undecodable_bytes_name_the_fix():
    with pytest.raises(TmforgeError, match="--encoding"):
        decode(b"plain text \xc3\x28 broken")


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


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(TmforgeError, match="binary"):
        read_document(path)


def test_read_lines_keeps_line_numbers(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("one\n\nthree\n", encoding="utf-8")
    assert read_lines(path) == ["one", "", "three"]
