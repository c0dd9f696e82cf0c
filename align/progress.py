"""Progress bars on stderr (rich) for work that lasts more than a second; silent otherwise."""

from __future__ import annotations

import threading
from typing import Sequence

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

EMBED_CHUNK = 256  # texts per encoder call, so the embedding bar moves


class ProgressView:
    """Stage spinners and bars that appear only when work outlasts `delay` seconds.

    Off when `enabled` is false (--quiet, --json) or stderr is not a terminal,
    so logs and pipes get no control characters; stdout is never touched.
    """

    def __init__(self, enabled: bool = True, delay: float = 1.0, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description:<12}"), BarColumn(),
                                  MofNCompleteColumn(), TimeElapsedColumn(), console=self.console,
                                  transient=True, disable=not self.enabled)
        self._lock = threading.Lock()
        self._started = self._closed = False
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True
        self._stage_task = None

    def __enter__(self) -> "ProgressView":
        if self.enabled:
            self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._started:
                self._progress.stop()

    def _start(self) -> None:
        with self._lock:
            if not self._closed:
                self._progress.start()
                self._started = True

    def stage(self, name: str) -> None:
        """A new step of one pair (reading, embedding, aligning, writing): one line that says which."""
        if self._stage_task is None:
            self._stage_task = self._progress.add_task(name, total=None)
        else:
            self._progress.update(self._stage_task, description=name, total=None, completed=0)

    def task(self, description: str, total: int):
        return self._progress.add_task(description, total=total)

    def advance(self, task, amount: int = 1) -> None:
        self._progress.advance(task, amount)

    def wrap(self, encoder):
        """The encoder, reporting each batch of embedded texts to a bar.

        Batches are the same with the display on or off, so a run's output does
        not depend on whether stderr is a terminal.
        """
        from tmforge.align.embed import SpanEncoder

        return (_ReportingSpanEncoder if isinstance(encoder, SpanEncoder) else _ReportingEncoder)(encoder, self)


class _ReportingEncoder:
    def __init__(self, inner, view: ProgressView):
        self.inner, self.view = inner, view
        self.name, self.version = inner.name, inner.version

    def __getattr__(self, attribute: str):
        # Anything else the encoder offers (e.g. composed span embeddings) passes through untouched.
        return getattr(self.inner, attribute)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) <= EMBED_CHUNK:
            return self.inner.encode(texts)
        task = self.view.task("embedding", len(texts))
        parts = []
        for start in range(0, len(texts), EMBED_CHUNK):
            parts.append(self.inner.encode(texts[start:start + EMBED_CHUNK]))
            self.view.advance(task, len(parts[-1]))
        self.view._progress.remove_task(task)
        return np.concatenate(parts)


class _ReportingSpanEncoder(_ReportingEncoder):
    """The wrapper of an encoder that composes spans: declares `spans`, so it stays a SpanEncoder."""

    def spans(self, texts: Sequence[str], max_span: int) -> np.ndarray:
        return self.inner.spans(texts, max_span)
