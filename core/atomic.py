"""Atomic file output: write to a temporary file beside the target, then rename.

A crash, Ctrl-C or error mid-write leaves the previous file (or nothing), never
a truncated one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from tmforge.errors import TmforgeError


def check_writable(path: str | os.PathLike, inputs: tuple[str | os.PathLike, ...] = (),
                   force: bool = True) -> Path:
    """Refuse output paths that would lose work: an input, a folder, or an existing file without force."""
    out = refuse_inputs(path, inputs)
    if out.is_dir():
        raise TmforgeError(f"output {out} is a folder; give a file name such as {out / 'out.tmx'}")
    if out.exists() and not force:
        raise TmforgeError(f"output {out} already exists; pass --force to overwrite it")
    check_folder(out.parent if str(out.parent) else Path("."))
    return out


def refuse_inputs(path: str | os.PathLike, inputs: tuple[str | os.PathLike, ...]) -> Path:
    """Refuse an output path that is one of the inputs (the same file under any name)."""
    out = Path(path)
    for inp in inputs:
        if Path(inp).exists() and out.exists() and out.resolve() == Path(inp).resolve():
            raise TmforgeError(f"output {out} is also an input; choose another output path")
    return out


def check_folder(folder: str | os.PathLike) -> Path:
    """Refuse an output folder that is missing or where no file can be created."""
    folder = Path(folder)
    if not folder.is_dir():
        raise TmforgeError(f"output folder {folder} does not exist; create it first")
    # Really create a file: permission bits do not tell for root or read-only mounts.
    try:
        fd, probe = tempfile.mkstemp(prefix=".tmforge-probe-", dir=folder)
    except OSError as exc:
        raise TmforgeError(f"output folder {folder} is not writable ({exc.strerror or exc}); "
                           "choose another output path") from None
    os.close(fd)
    os.unlink(probe)
    return folder


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside `path`; it replaces `path` only if the block succeeds."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                 newline: str | None = "\n") -> Iterator[IO]:
    """Open a temporary file for writing; it replaces `path` only if the block succeeds."""
    text_args = {} if "b" in mode else {"encoding": encoding, "newline": newline}
    with atomic_path(path) as tmp, open(tmp, mode, **text_args) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
