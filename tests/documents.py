"""Office and book files built by the tests themselves: PDF written by hand, EPUB and ODT zipped by hand.

Nothing here comes from tmforge: each builder writes the format as its
specification lays it out (PDF 1.4 objects and cross-reference table; the
OCF container, OPF package and XHTML of EPUB 3; the ODF package), so the
readers are tested against files made independently of them.
"""

from __future__ import annotations

import io
import zipfile
import zlib


# ---------------------------------------------------------------- PDF

def _pdf_string(codes: bytes) -> bytes:
    return b"(" + codes.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_bytes(pages: list[list[str]], headers: list[str] | None = None, footers: list[str] | None = None,
              compress: bool = True, scanned: bool = False) -> bytes:
    """A PDF whose pages show `pages` (lines, top to bottom; "" an empty line) in Helvetica, with a text layer.

    `headers` and `footers` (one per page) are drawn at the top and bottom of
    the page after its body, as word processors often write them.

    Characters outside ASCII get one-byte codes from 128 up, named by a
    /Differences encoding and mapped back to Unicode by a /ToUnicode CMap, as
    PDF writers do for a subset font. `scanned`: pages are one grey image
    each, with no text at all (what a scanner writes).
    """
    every = [line for page in pages for line in page] + list(headers or []) + list(footers or [])
    extra = sorted({ch for line in every for ch in line if ord(ch) > 126})
    assert len(extra) <= 127, "one-byte codes only"
    code = {ch: 128 + k for k, ch in enumerate(extra)}

    def encode(line: str) -> bytes:
        return bytes(code.get(ch, ord(ch)) for ch in line)

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra_dict: bytes = b"") -> bytes:
        if compress:
            data = zlib.compress(data)
            extra_dict += b" /Filter /FlateDecode"
        return b"<< /Length %d%s >>\nstream\n" % (len(data), extra_dict) + data + b"\nendstream"

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    chunks = [extra[k:k + 100] for k in range(0, len(extra), 100)]
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"1 beginbfrange <20> <7E> <0020> endbfrange\n")
    for chunk in chunks:
        cmap += b"%d beginbfchar\n" % len(chunk)
        cmap += b"".join(b"<%02X> <%04X>\n" % (code[ch], ord(ch)) for ch in chunk)
        cmap += b"endbfchar\n"
    cmap += b"endcmap CMapName currentdict /CMap defineresource pop end end"
    to_unicode = add(stream(cmap))
    differences = b" ".join(b"%d /uni%04X" % (code[ch], ord(ch)) for ch in extra)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
               b"/BaseEncoding /WinAnsiEncoding /Differences [" + differences + b"] >> /ToUnicode %d 0 R >>"
               % to_unicode)
    kids = []
    for number, page in enumerate(pages):
        if scanned:
            image = add(stream(bytes([128] * 64), b" /Type /XObject /Subtype /Image /Width 8 /Height 8 "
                                                  b"/ColorSpace /DeviceGray /BitsPerComponent 8"))
            content = add(stream(b"q 500 0 0 700 50 50 cm /Im1 Do Q"))
            resources = b"<< /XObject << /Im1 %d 0 R >> >>" % image
        else:
            ops = [b"BT /F1 11 Tf 14 TL 56 760 Td"]
            for line in page:
                ops.append((_pdf_string(encode(line)) + b" Tj T*") if line else b"T*")
            ops.append(b"ET")
            for where, lines in ((806, headers), (36, footers)):
                if lines and lines[number]:
                    ops.append(b"BT /F1 9 Tf 56 %d Td " % where + _pdf_string(encode(lines[number])) + b" Tj ET")
            content = add(stream(b"\n".join(ops)))
            resources = b"<< /Font << /F1 %d 0 R >> >>" % font
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>"
                        % (pages_obj, resources, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                              + b"] /Count %d >>" % len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref))
    return out.getvalue()


# ---------------------------------------------------------------- zip packages

def zipped(members: dict[str, str | bytes], stored_first: str | None = None) -> bytes:
    """A zip of `members`; `stored_first` (EPUB's and ODF's `mimetype`) goes first, uncompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), members[stored_first], zipfile.ZIP_STORED)
        for name, body in members.items():
            if name != stored_first:
                archive.writestr(name, body)
    return out.getvalue()
