"""Opening input files safely: regular files only, and a size cap for files read whole.

A FIFO blocks a reader forever and /dev/zero never ends, so anything but a
regular file is refused before it is opened. Files read whole into memory
(documents, tabular memories, alignments) are refused above a cap that the
user can raise: `tmforge --max-input-size 2G ...` or the environment variable
TMFORGE_MAX_INPUT_SIZE (the CLI option sets it, so batch workers see it too).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from tmforge.errors import TmforgeError

MAX_INPUT_ENV = "TMFORGE_MAX_INPUT_SIZE"
# Far beyond any text a person aligns (a 256 MB novel would take days to embed), and a
# Python string of it already takes 0.5-1 GB; tabular memories above it need the option.
DEFAULT_MAX_INPUT = 256 * 1024 ** 2
_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024 ** 2, "mb": 1024 ** 2, "g": 1024 ** 3,
          "gb": 1024 ** 3, "t": 1024 ** 4, "tb": 1024 ** 4}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.I)


def parse_size(text: str) -> int:
    """'256M', '2G', '1.5GB', '1000000' -> bytes (K, M, G, T are powers of 1024)."""
    match = _SIZE.fullmatch(str(text))
    unit = match.group(2).lower() if match else None
    if not match or unit not in _UNITS:
        raise TmforgeError(f"size '{text}' is not a size such as 500M or 2G")
    value = int(float(match.group(1)) * _UNITS[unit])
    if value <= 0:
        raise TmforgeError(f"size '{text}' must be more than 0")
    return value


def max_input_size() -> int:
    """The cap on files read whole: the environment's TMFORGE_MAX_INPUT_SIZE, else the default."""
    value = os.environ.get(MAX_INPUT_ENV)
    return parse_size(value) if value else DEFAULT_MAX_INPUT


def human_size(n: int) -> str:
    for unit, factor in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} bytes"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_input(path: str | os.PathLike, what: str = "file") -> os.stat_result:
    """Refuse a missing path, a folder, or anything but a regular file (FIFO, device, socket)."""
    p = Path(path)
    try:
        info = p.stat()
    except FileNotFoundError:
        raise TmforgeError(f"{what} not found: {p}; check the path") from None
    except OSError as exc:
        raise TmforgeError(f"cannot read {p}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise TmforgeError(f"{p} is a folder; give a file")
    if not stat.S_ISREG(info.st_mode):
        raise TmforgeError(f"{p} is {_kind(info.st_mode)}, not a regular file; tmforge reads regular "
                           "files only: save the data to a file first")
    return info


def check_size(path: str | os.PathLike, size: int, what: str = "is") -> None:
    """Refuse `size` bytes over the cap, naming the option that raises it."""
    limit = max_input_size()
    if size > limit:
        raise TmforgeError(f"{path} {what} {human_size(size)}, over the input limit of {human_size(limit)}; "
                           f"raise it with tmforge --max-input-size {_suggest(size)} (or {MAX_INPUT_ENV})")


def _suggest(size: int) -> str:
    gib = -(-size // 1024 ** 3)
    return f"{gib}G"


def read_input_bytes(path: str | os.PathLike, what: str = "file") -> bytes:
    """The bytes of a regular file no larger than the cap (checked before and while reading)."""
    info = check_input(path, what)
    check_size(path, info.st_size)
    limit = max_input_size()
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)  # the file may grow while it is read
    except OSError as exc:
        raise TmforgeError(f"cannot read {path}: {exc.strerror or exc}") from None
    check_size(path, len(data))
    return data


def check_unpacked_size(data: bytes, source: str, kind: str = "zip") -> None:
    """Refuse a zip container (DOCX, XLSX, ODT) whose parts unpack past the input cap, before inflating.

    The sizes come from the central directory; a hostile file cannot understate
    them, as Python's zipfile stops inflating a part at its stated size.
    """
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise TmforgeError(f"{source} is not a readable {kind} file ({exc}); open and save it again "
                           "in Word or LibreOffice") from None
    check_size(source, total, "unpacks to")
