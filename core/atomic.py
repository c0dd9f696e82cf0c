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
    out = Path(path)
    for inp in inputs:
        if Path(inp).exists() and out.exists() and out.resolve() == Path(inp).resolve():
            raise TmforgeError(f"output {out} is also an input; choose another output path")
    if out.is_dir():
        raise TmforgeError(f"output {out} is a folder; give a file name such as {out / 'out.tmx'}")
    if out.exists() and not force:
        raise TmforgeError(f"output {out} already exists; pass --force to overwrite it")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise TmforgeError(f"output folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise TmforgeError(f"output folder {parent} is not writable; choose another output path")
    return out


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
