"""XLSX: the text cells of an Excel workbook in reading order (row by row, left to right), sheet by sheet.

Every visible sheet is read, in the workbook's order, unless the user names
one (ReadingOptions.sheet, `--sheet NAME`, or `--sheet 2` by position, since
a translated workbook translates its sheet names). Cells without a letter (numbers,
dates, codes) are not text to align and are left out; formulas are read as
the value Excel last computed.
"""

from __future__ import annotations

import io
import re
import warnings
from typing import Iterable

from tmforge.align.encodings import normalize
from tmforge.align.readers.base import BlockReader, ReadingOptions
from tmforge.errors import TmforgeError

_LETTER = re.compile(r"[^\W\d_]")


def _damaged(source: str, exc: Exception) -> TmforgeError:
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return TmforgeError(f"{source} is not a readable XLSX file ({reason}); open and save it again in Excel "
                        "or LibreOffice")


def sheet_cells(data: bytes, source: str, sheet: str | None = None) -> list[tuple[str, dict[str, str]]]:
    """(text, {"sheet", "cell"}) of each text cell, in reading order."""
    try:
        import openpyxl
        from openpyxl.utils import get_column_letter
    except ImportError:  # pragma: no cover - a dependency
        raise TmforgeError("reading XLSX needs openpyxl; install it with pip install openpyxl") from None
    from tmforge.inputs import check_unpacked_size

    check_unpacked_size(data, source, "XLSX")  # a 1 MB file can inflate to gigabytes
    cells = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops (validation, styles)
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                names = book.sheetnames
                if sheet is not None and sheet not in names:
                    # A number picks the sheet by position: a translated workbook translates its sheet names.
                    if not (sheet.isdigit() and 1 <= int(sheet) <= len(names)):
                        raise TmforgeError(f"{source} has no sheet named '{sheet}'; give a name or a number: "
                                           + ", ".join(f"{k} '{n}'" for k, n in enumerate(names, 1)))
                    sheet = names[int(sheet) - 1]
                for name in names:
                    worksheet = book[name]
                    if sheet is None and getattr(worksheet, "sheet_state", "visible") != "visible":
                        continue  # hidden sheets hold lookups and helpers, not the text a reader sees
                    if sheet is not None and name != sheet:
                        continue
                    for row in worksheet.iter_rows():
                        for cell in row:
                            value = getattr(cell, "value", None)
                            if isinstance(value, str) and _LETTER.search(value):
                                where = f"{get_column_letter(cell.column)}{cell.row}"
                                cells.append((normalize(value), {"sheet": name, "cell": where}))
            finally:
                book.close()
    except TmforgeError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged workbook fails anywhere inside openpyxl
        raise _damaged(source, exc) from None
    return cells


class XlsxReader(BlockReader):
    name = "xlsx"
    label = "XLSX"
    extensions = (".xlsx", ".xlsm")

    def sniff(self, data: bytes) -> float:
        return 1.0 if data.startswith(b"PK\x03\x04") and b"xl/" in data[:65536] else 0.0

    def blocks(self, data: bytes, source: str, options: ReadingOptions) -> Iterable[tuple]:
        return sheet_cells(data, source, options.sheet)
