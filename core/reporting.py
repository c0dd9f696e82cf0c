"""Progress callbacks: how the long steps say how far they are.

A `Progress` is told `(stage, done, total)`: the stage by name ("loading encoder",
"reading", "segmenting", "embedding", "aligning", "writing"), and how much of
it is done, in the stage's unit (sentences embedded, rows of the alignment
search); `total` is None while the amount is not known. Steps that do one
countable job (embedding a list, searching a grid) take a plain `Step`,
told `(done, total)` in their own unit; a `Stage` maps such calls onto one
stage of a Progress and tells it only every 1/200th of the way, so a
callback per row costs nothing. Without a callback every step is silent,
and results never depend on whether one is given.
"""

from __future__ import annotations

from typing import Callable, Protocol


class Progress(Protocol):
    def __call__(self, stage: str, done: int = 0, total: int | None = None) -> None: ...


Step = Callable[[int, int], None]  # (done, total) within one call

UNITS = {"embedding": "sentences", "aligning": "rows"}  # for display


def tell(progress: Progress | None, stage: str, done: int = 0, total: int | None = None) -> None:
    if progress is not None:
        progress(stage, done, total)


class Stage:
    """`total` units of one stage, counted by the calls that do them; reported at most `grain` times."""

    def __init__(self, progress: Progress | None, name: str, total: int, grain: int = 200):
        self.progress, self.name, self.total = progress, name, total
        self._step = max(1, total // grain)
        self._next = 0
        self.at(0)

    def at(self, done: int) -> None:
        if self.progress is not None and (done >= self._next or done >= self.total):
            self.progress(self.name, min(done, self.total), self.total)
            self._next = done + self._step

    def part(self, offset: int, size: int) -> Step | None:
        """A Step for a call that does units offset..offset+size of this stage, in its own unit."""
        if self.progress is None:
            return None

        def step(done: int, total: int) -> None:
            self.at(offset + (done * size // total if total else size))
        return step


def stage_step(progress: Progress | None, name: str, grain: int = 200) -> Step | None:
    """A Step that reports `(done, total)` as stage `name`, at most about `grain` times."""
    if progress is None:
        return None
    last = [-1, 0]  # done at the last report, and the step between reports

    def step(done: int, total: int) -> None:
        if last[0] < 0 or done - last[0] >= last[1] or done >= total:
            progress(name, done, total)
            last[0], last[1] = done, max(1, total // grain)
    return step
