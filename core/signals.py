"""SIGTERM and SIGHUP end a run the way Ctrl-C does.

Python's default for both is to die on the spot: no `finally`, so an atomic
write leaves its hidden temporary file behind and the user reads nothing. Here
they raise `Terminated` (a KeyboardInterrupt), which unwinds like Ctrl-C: the
temporary file is removed and the CLI prints one line and exits 128 + the
signal number (143 for SIGTERM, 129 for SIGHUP), as shells report them.
A signal the caller chose to ignore (nohup ignores SIGHUP) stays ignored.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived; `exit_code` is what the CLI exits with."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum


# The last signal turned into Terminated: typer/click turn any KeyboardInterrupt into their own
# Abort, so the CLI reads the signal from here.
received: int | None = None


def _raise_terminated(signum, frame) -> None:
    global received
    received = signum
    raise Terminated(signum)


def _can_install() -> bool:
    return threading.current_thread() is threading.main_thread()


def install() -> None:
    """Turn SIGTERM/SIGHUP into Terminated for the rest of the process (main thread only)."""
    if not _can_install():
        return
    for sig in SIGNALS:
        if signal.getsignal(sig) == signal.SIG_DFL:
            signal.signal(sig, _raise_terminated)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM/SIGHUP raise Terminated (if nobody set a handler of their own)."""
    if not _can_install():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    for sig, handler in previous.items():
        if handler == signal.SIG_DFL:
            signal.signal(sig, _raise_terminated)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler == signal.SIG_DFL:
                signal.signal(sig, handler)


@contextlib.contextmanager
def handlers_kept() -> Iterator[None]:
    """SIGTERM/SIGHUP handlers as they were before the block, whatever it does to them: Ray's init sets
    one that exits at once, its shutdown resets SIGTERM below Python; tmforge's unwinding must stay."""
    if not _can_install():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:  # None: set outside Python, cannot be put back
                signal.signal(sig, handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back until the block ends, then deliver them.

    For steps that must not be cut half-way, such as starting worker processes:
    interrupted while writing a spawned child's start-up data, the child dies
    with a traceback of its own on the user's terminal.
    """
    if not _can_install():
        yield
        return
    caught: list[int] = []
    signals = (signal.SIGINT, *SIGNALS)
    previous = {sig: signal.getsignal(sig) for sig in signals}
    for sig, handler in previous.items():
        if handler not in (signal.SIG_IGN, None):
            signal.signal(sig, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler not in (signal.SIG_IGN, None):
                signal.signal(sig, handler)
        for sig in dict.fromkeys(caught):
            signal.raise_signal(sig)  # now handled as usual: KeyboardInterrupt, Terminated, or the default
