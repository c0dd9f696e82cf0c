"""Reading the memories of an import into store rows, in this process or in a second one.

An import does two jobs of about equal weight: reading the files (parsing
TMX, hashing each unit for dedupe, counting words) and writing SQLite (rows,
indexes, the full-text index). SQLite has one writer, so with two cores the
reading goes to a child process that sends the rows in batches through a
bounded queue while this process writes: wall time becomes about that of the
larger job instead of their sum.

Crash safety does not change: the child only reads files; the store is
written by the parent in its one transaction. A damaged file in the child
arrives as that file's TmforgeError (the parent rolls back to the file's
savepoint and goes on); anything else the child raises, or the child dying,
fails the whole import, as it would in one process. The child ignores Ctrl-C
(the parent gets it, rolls back and ends the child).

The child is spawned (a fresh interpreter: forking a process with threads,
a progress bar's or a test runner's, can deadlock the child on a lock it
inherited), so the sources must pickle (functools.partial of a reader
function, not a lambda) and the child imports the modules that registered
formats at run time (align's `.align`). Its start costs about a second, so
the command uses it for large inputs only (LARGE_INPUT_BYTES).
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import queue
import signal
import traceback
from dataclasses import dataclass
from datetime import timezone
from typing import Callable, Iterable, Iterator, Sequence

from tmforge.errors import TmforgeError
from tmforge.tm.fuzzy import normalise_space, word_count
from tmforge.tm.model import TranslationUnit, props_to_json

BATCH = 5000            # units per batch: the parent's executemany, the child's queue item
QUEUE_BATCHES = 8       # batches the child may read ahead (bounds the memory both hold)
LARGE_INPUT_BYTES = 20_000_000   # from this much input, reading in a child pays for its start

Source = tuple[str, Callable[[], Iterable[TranslationUnit]]]


def text_key(*parts: str) -> int:
    """A signed 64-bit hash (SQLite's INTEGER) of texts joined by NUL."""
    digest = hashlib.blake2b("\x00".join(parts).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def source_key(source: str) -> int:
    return text_key(normalise_space(source))


def unit_key(source: str, target: str) -> int:
    """The dedupe key: texts that differ only in whitespace are one unit (a TMX is trimmed on reading, a TSV
    export keeps " Dot "; a stray double space is no new translation)."""
    return text_key(normalise_space(source), normalise_space(target))


@dataclass
class Batch:
    """Rows of one source, and how far reading it has got.

    A row: (src_lang, tgt_lang as the file writes them, source, target, unit_key, src_key, n_words, score,
    bead, document, seq, created, props); the writer turns the tags into its pair id.
    """

    rows: list[tuple]
    read: int               # units read from the source so far
    skipped_empty: int      # of those, units with an empty side (not stored)


def batches(name: str, units: Iterable[TranslationUnit], size: int | None = None) -> Iterator[Batch]:
    """The units of one source as batches of rows; the last batch (perhaps empty) has the final counts."""
    size = size or BATCH
    read = skipped = 0
    rows: list[tuple] = []
    for unit in units:
        read += 1
        source, target = unit.source, unit.target
        if not source.strip() or not target.strip():
            skipped += 1
            continue
        if not unit.src_lang or not unit.tgt_lang:
            raise TmforgeError(f"{name}: unit {read} has no language; pass --src-lang and --tgt-lang")
        created = unit.created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if unit.created else None
        spaced = normalise_space(source)          # unit_key(source, target), the source normalised once
        rows.append((unit.src_lang, unit.tgt_lang, source, target, text_key(spaced, normalise_space(target)),
                     text_key(spaced), word_count(source), unit.score, unit.bead, unit.document, unit.seq, created,
                     props_to_json(unit.props)))
        if len(rows) >= size:
            yield Batch(rows, read, skipped)
            rows = []
    yield Batch(rows, read, skipped)


def read_here(sources: Sequence[Source]) -> Iterator[tuple[str, Iterator[Batch]]]:
    """(name, batches) per source, read in this process as the batches are taken."""
    for name, factory in sources:
        yield name, batches(name, _opened_when_read(factory))


def _opened_when_read(factory: Callable[[], Iterable[TranslationUnit]]) -> Iterator[TranslationUnit]:
    """The factory's units, the factory called at the first unit taken: formats that read a whole file at
    once (TSV, CSV, JSONL, Parquet) raise their error then, inside the file's savepoint, so a damaged file
    is reported and skipped like a damaged TMX instead of ending the whole import."""
    yield from factory()


class ChildReader:
    """(name, batches) per source, read by a spawned child process; a context manager that ends the child.

    Each source's batches must be taken to the end (or to its error) before the next source's.
    """

    def __init__(self, sources: Sequence[Source]):
        self.names = [name for name, _ in sources]
        self._unfinished = False
        from tmforge.tm.formats import registry

        format_modules = sorted({type(f).__module__ for f in registry.formats(beads=True)})
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue(QUEUE_BATCHES)
        self._process = context.Process(target=_child_main, args=(list(sources), format_modules, BATCH, self._queue),
                                        daemon=True, name="tmforge-import-reader")
        self._process.start()

    def __enter__(self) -> "ChildReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=10)
        self._queue.close()
        self._queue.cancel_join_thread()

    def __iter__(self) -> Iterator[tuple[str, Iterator[Batch]]]:
        for name in self.names:
            self._unfinished = True
            yield name, self._batches(name)
            # The writer may give a source up half way (an error of its own, such as a bad language tag):
            # the rest of that source's batches must not be taken for the next source's.
            while self._unfinished:
                try:
                    self._message(name)
                except TmforgeError:      # that source has failed already
                    pass

    def _batches(self, name: str) -> Iterator[Batch]:
        while self._unfinished:
            batch = self._message(name)
            if batch is not None:
                yield batch

    def _message(self, name: str) -> Batch | None:
        """The next message of the source being read: a batch, or None at its end; raises its error."""
        kind, payload = self._take()
        if kind == "batch":
            return payload
        self._unfinished = False
        if kind == "error":
            raise TmforgeError(payload)
        if kind != "end":
            raise RuntimeError(f"reading {name} failed in the import's reader process:\n{payload}")
        return None

    def _take(self) -> tuple[str, object]:
        while True:
            try:
                return self._queue.get(timeout=1.0)
            except queue.Empty:
                if not self._process.is_alive():
                    raise RuntimeError(f"the import's reader process ended unexpectedly "
                                       f"(exit code {self._process.exitcode})") from None


def _child_main(sources: Sequence[Source], format_modules: Sequence[str], size: int, out) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the parent's to handle
    for module in format_modules:                    # formats registered at run time register again here
        importlib.import_module(module)
    for name, factory in sources:
        try:
            for batch in batches(name, factory(), size):
                out.put(("batch", batch))
            out.put(("end", None))
        except TmforgeError as exc:
            out.put(("error", str(exc)))
        except BaseException:
            out.put(("crash", traceback.format_exc()))
            break
    out.close()
    out.join_thread()      # everything sent before the process ends
