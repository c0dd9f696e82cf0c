"""Atomic file output: write to a temporary file beside the target, then rename.

A crash, Ctrl-C, SIGTERM/SIGHUP or error mid-write leaves the previous file
(or nothing), never a truncated one. Several outputs that belong together (the
two files of a Moses pair, a memory and its review page) go in one
`atomic_group`: all are replaced, or none.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import threading
from pathlib import Path
from typing import IO, Iterator

from tmforge.errors import TmforgeError
from tmforge.signals import terminate_as_interrupt


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


def write_error(target: Path, exc: OSError) -> TmforgeError:
    """A write that failed (disk full, quota, read-only mount) as one message naming the file."""
    hint = ("free some space or choose another output folder, then run again"
            if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "check the disk and permissions, then run again")
    return TmforgeError(f"cannot write {target}: {exc.strerror or exc}; {hint}; the previous file, "
                        "if any, is unchanged")


class _OpenGroup:
    """The open group, if any: (temporary, target) pairs waiting to be renamed together.

    Process-wide rather than a context variable: outputs are written by helper
    threads too (a TMX streamed while pairs are aligned), and a thread does not
    inherit its starter's context.
    """

    def __init__(self) -> None:
        self.pending: list | None = None
        self.lock = threading.Lock()

    def get(self) -> list | None:
        return self.pending


_GROUP = _OpenGroup()


def _discard(tmp: str | os.PathLike) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside `path`; it replaces `path` only if the block succeeds.

    Inside `atomic_group` the rename waits for the group's end.
    """
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    except OSError as exc:
        raise write_error(target, exc) from exc
    os.close(fd)
    group = _GROUP.get()
    with terminate_as_interrupt():
        try:
            yield Path(tmp)
            os.chmod(tmp, 0o644)
            if group is None:
                os.replace(tmp, target)
            else:
                with _GROUP.lock:
                    group.append((tmp, target))
        except OSError as exc:
            _discard(tmp)
            if exc.filename is None or os.fspath(exc.filename) == os.fspath(tmp):
                raise write_error(target, exc) from exc
            raise
        except BaseException:
            _discard(tmp)
            raise


@contextlib.contextmanager
def atomic_group() -> Iterator[None]:
    """Outputs written atomically inside the block replace their targets together, or none does.

    Each target that exists is first hard-linked to a backup, so a rename
    failing halfway can put the earlier ones back.
    """
    if _GROUP.get() is not None:  # nested: the outer group commits
        yield
        return
    pending: list[tuple[str, Path]] = []
    _GROUP.pending = pending
    with terminate_as_interrupt():
        try:
            yield
        except BaseException:
            for tmp, _ in pending:
                _discard(tmp)
            raise
        finally:
            _GROUP.pending = None
        _commit(pending)


def _commit(pending: list[tuple[str, Path]]) -> None:
    backups: list[tuple[str | None, Path]] = []
    done: list[tuple[str | None, Path]] = []
    try:
        for tmp, target in pending:
            backup = None
            if target.exists():
                backup = tempfile.mktemp(prefix=f".{target.name}.", suffix=".bak", dir=target.parent or ".")
                os.link(target, backup)
            backups.append((backup, target))
        for (tmp, target), entry in zip(pending, backups):
            os.replace(tmp, target)
            done.append(entry)
    except BaseException as exc:
        for backup, target in done:  # put back what was replaced already
            if backup is not None:
                os.replace(backup, target)
            else:
                _discard(target)
        for tmp, _ in pending:
            _discard(tmp)
        for backup, _ in backups:
            if backup is not None:
                _discard(backup)
        if isinstance(exc, OSError):
            raise write_error(pending[len(done)][1] if len(done) < len(pending) else pending[-1][1], exc) from exc
        raise
    for backup, _ in backups:
        if backup is not None:
            _discard(backup)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                 newline: str | None = "\n") -> Iterator[IO]:
    """Open a temporary file for writing; it replaces `path` only if the block succeeds."""
    text_args = {} if "b" in mode else {"encoding": encoding, "newline": newline}
    with atomic_path(path) as tmp, open(tmp, mode, **text_args) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
