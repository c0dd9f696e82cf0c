"""Progress on stderr (rich): one line for the current step, one bar for the pairs of a batch.

The current step comes from the pipeline's progress callback
(`tmforge.reporting.Progress`): its name, and once known how far it is
(`1,200/10,000 sentences`) with a bar and the time left. Nothing is shown
when stderr is not a terminal or with --quiet/--json, so logs and pipes get
no control characters; stdout is never touched.
"""

from __future__ import annotations

import threading
from typing import Sequence

import numpy as np
from rich.console import Console
from rich.progress import (BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn,
                           TimeElapsedColumn)
from rich.text import Text

from tmforge.reporting import UNITS

EMBED_CHUNK = 256  # texts per encoder call, so the embedding count moves
SHOW_AFTER = 0.0  # seconds: the first line is up as soon as the command is under way


class _Counts(ProgressColumn):
    """`done/total unit` once the total is known; nothing before (never `0/?`)."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        unit = task.fields.get("unit") or ""
        return Text(f"{int(task.completed):,}/{int(task.total):,} {unit}".rstrip(), style="progress.download")


class _TimeLeft(ProgressColumn):
    """`ETA m:ss`: the stage's pace so far, counted down between reports.

    Steps report in bursts (a batch of sentences, a block of rows); the time
    left is the time the pace projects for the whole stage, less the time
    already spent, so it keeps moving while a long batch runs.
    """

    def render(self, task: Task) -> Text:
        done, at = task.fields.get("reported", (0, 0.0))
        if task.total is None or task.finished or not done or task.elapsed is None:
            return Text("")
        left = max(0.0, at * task.total / done - task.elapsed)
        minutes, seconds = divmod(int(left + 0.5), 60)
        hours, minutes = divmod(minutes, 60)
        clock = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
        return Text(f"ETA {clock}", style="progress.remaining")


class ProgressView:
    """Stage line and batch bar, drawn from `delay` seconds after entering.

    `stage` is a `tmforge.reporting.Progress`: pass it to the pipeline.
    Off when `enabled` is false (--quiet, --json) or the console is not a terminal.
    """

    def __init__(self, enabled: bool = True, delay: float = SHOW_AFTER, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description:<16}"), BarColumn(bar_width=16),
                                  _Counts(), TimeElapsedColumn(), _TimeLeft(), console=self.console,
                                  transient=True, disable=not self.enabled)
        self._lock = threading.Lock()
        self._started = self._closed = False
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True
        self._stage_task = None
        self._stage_name: str | None = None

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

    def stage(self, name: str, done: int = 0, total: int | None = None) -> None:
        """The step under way (loading, reading, embedding, aligning, writing) and how far it is."""
        if name != self._stage_name:  # a new step: its own line, clock and pace
            if self._stage_task is not None:
                self._progress.remove_task(self._stage_task)
            self._stage_task = self._progress.add_task(name, total=total, unit=UNITS.get(name, ""))
            self._stage_name = name
        self._progress.update(self._stage_task, total=total, completed=done,
                              reported=(done, self._elapsed(self._stage_task)))

    def _elapsed(self, task_id) -> float:
        """Seconds since the task began: when a report came, for the pace."""
        return next((t.elapsed or 0.0 for t in self._progress.tasks if t.id == task_id), 0.0)

    def task(self, description: str, total: int):
        return self._progress.add_task(description, total=total, unit="pairs")

    def advance(self, task, amount: int = 1) -> None:
        """Count `amount` more done; the pace so far gives the bar its time left (pairs of a batch)."""
        self._progress.advance(task, amount)
        done = next((t.completed for t in self._progress.tasks if t.id == task), 0)
        self._progress.update(task, reported=(done, self._elapsed(task)))

    def wrap(self, encoder):
        """The encoder, reporting the texts of long encode calls (a mixed file's pieces) as embedding.

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
        parts = []
        for start in range(0, len(texts), EMBED_CHUNK):
            parts.append(self.inner.encode(texts[start:start + EMBED_CHUNK]))
            self.view.stage("embedding", start + len(parts[-1]), len(texts))
        return np.concatenate(parts)


class _ReportingSpanEncoder(_ReportingEncoder):
    """The wrapper of an encoder that composes spans: declares `spans`, so it stays a SpanEncoder."""

    def spans(self, texts: Sequence[str], max_span: int, on_step=None) -> np.ndarray:
        return self.inner.spans(texts, max_span, on_step) if on_step else self.inner.spans(texts, max_span)
