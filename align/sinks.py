"""Where a batch's results go: sink objects that take each pair's outcome as it finishes.

`batch.run_jobs` hands every finished job to one sink (`Sinks` fans out to
several, in order) and then closes it, or aborts it when the run fails or is
interrupted. Sinks that need job order (one merged memory, the review page,
the summary) sit behind `InJobOrder`, which holds only the pairs that
finished ahead of an earlier one; none of them keeps a pair's alignment once
it is written, so a batch's memory use does not grow with its size.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Callable, Iterable, Iterator

import polars as pl

from tmforge.align.batch import Outcome
from tmforge.align.export import NOUN, check_alignment_output, memory_for, write_alignment
from tmforge.align.review import LOW_SCORE, ReviewPage
from tmforge.errors import TmforgeError
from tmforge.tm.formats import registry
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.options import WriteOptions, WriteReport

Report = Callable[[WriteReport], None]  # told what each write did (its warnings go to the screen)


class Sink:
    """Takes finished jobs; `stage` names the step its close does, for the progress line."""

    stage: str | None = None

    def add(self, index: int, outcome: Outcome) -> None:
        """Job `index` finished (in any order); `outcome.alignment` is None when it failed."""

    def close(self) -> None:
        """Every job has finished and the run succeeded: complete the outputs."""

    def abort(self) -> None:
        """The run failed or was interrupted: leave no partial output (finished files may stay)."""


class Sinks(Sink):
    """Several sinks, each told in turn (an earlier one may mark an outcome failed for the later ones)."""

    def __init__(self, sinks: Iterable[Sink], tell: Callable[[str], None] | None = None):
        self.sinks, self.tell = list(sinks), tell

    def add(self, index: int, outcome: Outcome) -> None:
        for sink in self.sinks:
            sink.add(index, outcome)

    def close(self) -> None:
        for sink in self.sinks:
            if sink.stage and self.tell:
                self.tell(sink.stage)
            sink.close()

    def abort(self) -> None:
        # Every sink gets its abort even if one fails; the run's own error is what propagates.
        for sink in self.sinks:
            try:
                sink.abort()
            except Exception:  # noqa: BLE001 - cleaning up after an error already on its way
                pass


class InJobOrder(Sink):
    """Passes outcomes on in job order, holding those that finished ahead of an earlier job."""

    def __init__(self, inner: Sink):
        self.inner, self.stage = inner, inner.stage
        self._next = 0
        self._waiting: dict[int, Outcome] = {}

    def add(self, index: int, outcome: Outcome) -> None:
        self._waiting[index] = outcome
        while self._next in self._waiting:
            self.inner.add(self._next, self._waiting.pop(self._next))
            self._next += 1

    def close(self) -> None:
        if self._waiting:  # pragma: no cover - a bug in an executor
            raise RuntimeError(f"jobs {sorted(self._waiting)} finished but job {self._next} never did")
        self.inner.close()

    def abort(self) -> None:
        self._waiting.clear()
        self.inner.abort()


class Notify(Sink):
    """Calls `callback(outcome)` for each finished job (a progress bar)."""

    def __init__(self, callback: Callable[[Outcome], None]):
        self.callback = callback

    def add(self, index: int, outcome: Outcome) -> None:
        self.callback(outcome)


class SplitOutput(Sink):
    """One file per pair in `folder`, written as soon as the pair is aligned (`--split-output`).

    A pair whose files do not pass the output check (one exists without
    `force`, it is an input) is not written: its outcome is marked failed, with a warning. Files written stay when the run is aborted.
    """

    def __init__(self, folder: Path, extension: str, options: WriteOptions, force: bool = False,
                 report: Report | None = None, inputs: Iterable[Path] = (), journal=None):
        self.folder, self.extension, self.options, self.force, self.report = folder, extension, options, force, report
        self.inputs = tuple(inputs)
        self.journal = journal  # align.resume.Journal: records each pair written, for a rerun to skip
        self.written: list[tuple[Path, int]] = []
        self.warnings: list[str] = []
        self.refused: set[int] = set()   # jobs whose files were refused (warned about here)
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, index: int, outcome: Outcome) -> None:
        if outcome.alignment is None:
            return
        path = self.folder / f"{outcome.job.name}{self.extension}"
        alignment = outcome.alignment
        try:   # the files of this pair (both of a Moses pair) are known only now
            files = check_alignment_output(path, self.inputs, self.force, self.options,
                                           (alignment.src_lang, alignment.tgt_lang))
        except TmforgeError as exc:
            self.warnings.append(f"{exc} (pair skipped)")
            self.refused.add(index)
            outcome.error, outcome.alignment = str(exc), None
            return
        report = write_alignment(outcome.alignment, path, self.options)
        if self.journal is not None:
            self.journal.write(outcome.job, outcome.inputs, files, alignment.signature, report)
        if self.report:
            self.report(report)
        self.written.append((path, report.written))


class MergedMemory(Sink):
    """Every pair in one memory at `path`, in the order given (put it behind InJobOrder).

    A format that streams (TMX) is written as pairs come, by a thread that
    feeds the format's unit writer; for the others each pair's units (not its
    alignment) wait for close. A bead format (`.align`) holds one pair only.
    """

    stage = "writing"

    def __init__(self, path: Path, options: WriteOptions, inputs: Iterable[Path] = (), force: bool = False,
                 report: Report | None = None):
        self.path, self.options, self.inputs, self.force, self.report = path, options, tuple(inputs), force, report
        self.format = registry.for_path(path, beads=True, noun=NOUN)
        self.written: list[tuple[Path, int]] = []
        self.warnings: list[str] = []  # as SplitOutput's; a merged memory has none of its own
        self.refused: set[int] = set()
        self._beads = None
        self._memories: list[TranslationMemory] = []
        self._stream: _UnitStream | None = None

    def add(self, index: int, outcome: Outcome) -> None:
        alignment = outcome.alignment
        if alignment is None:
            return
        if self.format.needs_beads:
            if self._beads is not None:
                raise TmforgeError(f"a {self.format.extensions[0]} file holds the beads of one pair; "
                                   "use --split-output for a batch")
            self._beads = alignment
            return
        memory = memory_for(alignment, self.format, self.options)
        if not self.format.streams:
            self._memories.append(memory)
        elif self._stream is None:
            self._stream = _UnitStream(self.format, self.path, self.options, memory)
        else:
            self._stream.put(memory)

    def close(self) -> None:
        if self._beads is not None:
            report = self.format.write_alignment(self._beads, self.path, self.options)
        elif self._stream is not None:
            report = self._stream.finish()
        elif self._memories:
            merged = TranslationMemory(pl.concat([m.frame for m in self._memories]), dict(self._memories[0].meta))
            self._memories.clear()
            # Known only now: the direction a Moses pair is named after.
            check_alignment_output(self.path, self.inputs, self.force, self.options, merged.languages)
            report = self.format.write(merged, self.path, self.options)
        else:
            return  # nothing aligned: run_jobs never closes then
        if self.report:
            self.report(report)
        self.written.append((self.path, report.written))

    def abort(self) -> None:
        if self._stream is not None:
            self._stream.abort()
        self._memories.clear()


class _Abort(Exception):
    """Ends a unit stream without finishing its file (the atomic writer removes it)."""


class _UnitStream:
    """A format's unit writer running in a thread, fed memory by memory through a short queue."""

    def __init__(self, fmt, path: Path, options: WriteOptions, first: TranslationMemory):
        self._queue: queue.Queue = queue.Queue(maxsize=2)  # the driver waits rather than piling up units
        self._queue.put(first)
        self._report: WriteReport | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write, args=(fmt, path, options, dict(first.meta)),
                                        name="tmforge-writer", daemon=True)
        self._thread.start()

    def _units(self) -> Iterator[TranslationUnit]:
        while True:
            memory = self._queue.get()
            if memory is None:
                return
            if memory is _ABORT:
                raise _Abort
            yield from memory.units()

    def _write(self, fmt, path: Path, options: WriteOptions, meta: dict) -> None:
        try:
            self._report = fmt.write_units(self._units(), path, options, meta)
        except BaseException as exc:  # handed to the driver on its next call
            self._error = exc

    def _raise(self) -> None:
        if self._error is not None and not isinstance(self._error, _Abort):
            raise self._error

    def put(self, memory: TranslationMemory) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(memory, timeout=0.2)
                return
            except queue.Full:
                continue
        self._raise()

    def finish(self) -> WriteReport:
        self.put(None)
        self._thread.join()
        self._raise()
        return self._report

    def abort(self) -> None:
        """Stop the writer; its file is never completed (a writer error is dropped: the run failed already)."""
        while self._thread.is_alive():
            try:
                self._queue.put(_ABORT, timeout=0.2)
                break
            except queue.Full:
                continue
        self._thread.join()


_ABORT = object()


class Tally(Sink):
    """The facts of a run for its summary, pair by pair in job order; alignments are not kept.

    With `keep_first`, the first alignment stays, for showing a few of its pairs.
    """

    def __init__(self, low: float = LOW_SCORE, keep_first: bool = False):
        from collections import Counter

        self.low, self.keep_first = low, keep_first
        self.aligned = 0
        self.first = None
        self.kinds: Counter = Counter()
        self.scores: list[float] = []
        self.sentences: Counter = Counter()
        self.unaligned: Counter = Counter()
        self.encodings: Counter = Counter()
        self.inputs: list[tuple[str, str]] = []
        self.warnings: list[str] = []
        self.untranslated = 0
        self.untranslated_kept = False
        self.no_text = 0
        self.no_text_kept = False

    def add(self, index: int, outcome: Outcome) -> None:
        r = outcome.alignment
        if r is None:
            return
        self.aligned += 1
        if self.keep_first and self.first is None:
            self.first = r
        self.kinds.update(r.kinds())
        self.sentences[r.src_lang] += len(r.src)
        self.sentences[r.tgt_lang] += len(r.tgt)
        for b in r.beads:
            if b.src and b.tgt:
                self.scores.append(b.score or 0.0)
            elif b.src:
                self.unaligned[r.src_lang] += len(b.src)
            else:
                self.unaligned[r.tgt_lang] += len(b.tgt)
        self.encodings.update(r.encodings.values())
        self.untranslated += len(r.untranslated)
        self.untranslated_kept = self.untranslated_kept or r.untranslated_kept
        self.no_text += len(r.no_text)
        self.no_text_kept = self.no_text_kept or r.no_text_kept
        self.inputs += list(r.encodings.items())
        self.warnings += r.warnings


class Review(Sink):
    """The HTML review page (`--review`), its sections rendered as pairs come, in the order given."""

    stage = "writing review"

    def __init__(self, path: Path, low: float = LOW_SCORE):
        self.path = path
        self.page = ReviewPage(low)

    def add(self, index: int, outcome: Outcome) -> None:
        if outcome.alignment is not None:
            self.page.add(outcome.alignment)

    def close(self) -> None:
        self.page.write(self.path)

    def abort(self) -> None:
        self.page.close()
