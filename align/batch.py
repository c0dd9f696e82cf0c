"""Batches: which files pair up (two folders, a CSV manifest), and running the pairs.

`run_jobs` takes an executor, which aligns the jobs somewhere (this process,
a pool of worker processes on the usable cores; a cluster engine is another),
and a sink (align/sinks.py), which writes the outputs as pairs finish. In the
pool, each worker loads the encoder once and aligns whole pairs; BLAS
threads are split between the workers so their sum never exceeds the usable
cores (more threads than cores thrash, see tmforge.threads).
"""

from __future__ import annotations

import csv
import re
import signal
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Protocol, Sequence

from tmforge import signals
from tmforge.align.readers.base import ReadingOptions
from tmforge.threads import thread_env, usable_cores
from tmforge.errors import TmforgeError
from tmforge.reporting import Progress


@dataclass(frozen=True)
class Job:
    """One alignment: a pair of files, or one mixed file (`tgt` None)."""

    name: str  # the pair's name: output file name with --split-output, section in the review
    src: Path
    tgt: Path | None = None


@dataclass(frozen=True)
class Options:
    """What every job of a batch shares (the align command's options)."""

    segmented: bool = False
    src_lang: str | None = None
    tgt_lang: str | None = None
    model: str | None = None
    device: str | None = None
    encoding: str | None = None
    length_check: bool = True
    force_pair: bool = False
    src_encoding: str | None = None      # override `encoding` for the source / target file of each pair
    tgt_encoding: str | None = None
    keep_untranslated: bool = False      # write units whose target was left untranslated
    keep_no_text: bool = False           # write units with a side without a letter (numbers, table signs)
    reading: ReadingOptions = field(default_factory=ReadingOptions)  # --code-comments, --sheet, batch template


@dataclass
class Outcome:
    job: Job
    alignment: object | None = None  # align.pipeline.Alignment
    error: str | None = None
    seconds: float = 0.0
    inputs: str | None = None  # digest of the input files as read (align/resume.py records it)


@dataclass
class Plan:
    jobs: list[Job]
    skipped: list[str] = field(default_factory=list)  # files left out, each with the reason


# ---------------------------------------------------------------- pairing

_LANG_TAG = re.compile(r"(?:^|[._\-\s])(?:ru|rus|russian|en|eng|english)(?=$|[._\-\s])", re.I)
_HIDDEN = re.compile(r"(^|/)[.~]")


def pair_key(relative: Path) -> str:
    """A file's name with its extension and any language tag removed: report_ru.docx -> report."""
    stem = relative.with_suffix("").as_posix().lower()
    return _LANG_TAG.sub("", stem).strip("._- ") or stem


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and not _HIDDEN.search(p.relative_to(folder).as_posix()))


def pair_folders(src_dir: Path, tgt_dir: Path) -> Plan:
    """Files of two folders paired by name: the same relative path, else the same name without language tags."""
    src_files, tgt_files = _files(src_dir), _files(tgt_dir)
    if not src_files:
        raise TmforgeError(f"folder {src_dir} has no files; give a folder with the source files")
    if not tgt_files:
        raise TmforgeError(f"folder {tgt_dir} has no files; give a folder with the target files")
    remaining = set(tgt_files)
    by_key: dict[str, list[Path]] = {}
    for t in tgt_files:
        by_key.setdefault(pair_key(t), []).append(t)
    jobs, skipped = [], []
    for s in src_files:
        match = s if s in remaining else None
        if match is None:
            candidates = [t for t in by_key.get(pair_key(s), []) if t in remaining]
            match = candidates[0] if len(candidates) == 1 else None
            if len(candidates) > 1:
                skipped.append(f"{src_dir / s}: several files in {tgt_dir} match its name; rename them "
                               "or list the pairs in a CSV manifest")
                continue
        if match is None:
            skipped.append(f"{src_dir / s}: no file of the same name in {tgt_dir}")
            continue
        remaining.discard(match)
        jobs.append(Job(pair_key(s).replace("/", "_") or s.stem, src_dir / s, tgt_dir / match))
    skipped += [f"{tgt_dir / t}: no file of the same name in {src_dir}" for t in sorted(remaining)]
    if not jobs:
        raise TmforgeError(f"no file in {src_dir} has a namesake in {tgt_dir}; name the files of a pair "
                           "alike (report.txt and report.txt, or report_ru.txt and report_en.txt)")
    return Plan(_unique_names(jobs), skipped)


def read_manifest(path: Path, encoding: str | None = None) -> Plan:
    """A CSV of pairs: `source,target[,name]` per row (a header row is optional); an empty target means a mixed file.

    Relative paths are taken from the manifest's folder.
    """
    from tmforge.align.encodings import decode
    from tmforge.align.readers import read_bytes

    text, _ = decode(read_bytes(path), encoding, str(path))
    try:
        rows = [r for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
    except csv.Error as exc:  # a field over the csv module's 128 KB limit, a NUL ...
        raise TmforgeError(f"manifest {path} is not a CSV of file paths ({exc}); write one "
                           "'source,target[,name]' per line") from None
    if rows and rows[0] and rows[0][0].strip().lower() in ("src", "source", "source file", "src_path"):
        rows = rows[1:]
    if not rows:
        raise TmforgeError(f"manifest {path} lists no pairs; write one 'source,target' per line")
    base = path.parent
    jobs = []
    for number, row in enumerate(rows, 1):
        cells = [c.strip() for c in row]
        if not cells[0]:
            raise TmforgeError(f"manifest {path} row {number} has no source file; write 'source,target'")
        src = base / cells[0]
        tgt = base / cells[1] if len(cells) > 1 and cells[1] else None
        name = cells[2] if len(cells) > 2 and cells[2] else pair_key(Path(cells[0])).replace("/", "_")
        jobs.append(Job(name, src, tgt))
    return Plan(_unique_names(jobs))


def _unique_names(jobs: list[Job]) -> list[Job]:
    seen: dict[str, int] = {}
    out = []
    for job in jobs:
        base = re.sub(r"[^\w.\-]+", "_", job.name).strip("._") or "pair"
        seen[base] = seen.get(base, 0) + 1
        name = base if seen[base] == 1 else f"{base}-{seen[base]}"
        out.append(Job(name, job.src, job.tgt))
    return out


def plan_inputs(src: Path, tgt: Path | None, encoding: str | None = None) -> Plan:
    """What the align command was given: a pair, a mixed file, two folders, or a CSV manifest."""
    for p in (src, tgt):
        if p is not None and not p.exists():
            raise TmforgeError(f"file not found: {p}; check the path")
    if tgt is not None and src.is_dir() != tgt.is_dir():
        folder, other = (src, tgt) if src.is_dir() else (tgt, src)
        raise TmforgeError(f"{folder} is a folder but {other} is a file; give two files or two folders")
    if tgt is not None and src.is_dir():
        return pair_folders(src, tgt)
    if src.is_dir():
        raise TmforgeError(f"{src} is a folder; give two folders (source and target) to align files "
                           "paired by name, or a file")
    if tgt is None and src.suffix.lower() == ".csv":
        return read_manifest(src, encoding)
    return Plan([Job(src.stem, src, tgt)])


# ---------------------------------------------------------------- running

def plan_workers(n_jobs: int, workers: int | None = None) -> tuple[int, int]:
    """(worker processes, BLAS threads each): one worker per usable core by default, never more than jobs."""
    cores = usable_cores()
    workers = max(1, min(workers or cores, n_jobs, cores))
    return workers, max(1, cores // workers)


def run_job(job: Job, options: Options, encoder, progress: Progress | None = None) -> Outcome:
    """Align one job; a problem with its input becomes the outcome's error, not an exception."""
    from tmforge.align import pipeline
    from tmforge.align.resume import inputs_digest

    started = time.perf_counter()
    try:
        if job.tgt is None:
            if options.segmented:
                raise TmforgeError("--segmented needs two files, one sentence per line each")
            result = pipeline.align_mixed(job.src, src_lang=options.src_lang, encoder=encoder,
                                          encoding=options.encoding, progress=progress, reading=options.reading)
        else:
            result = pipeline.align_files(job.src, job.tgt, src_lang=options.src_lang, tgt_lang=options.tgt_lang,
                                          segmented=options.segmented, encoder=encoder,
                                          encoding=options.encoding, length_check=options.length_check,
                                          force_pair=options.force_pair, src_encoding=options.src_encoding,
                                          tgt_encoding=options.tgt_encoding, progress=progress,
                                          reading=options.reading)
        result.document = job.name if result.document is None else result.document
        result.untranslated_kept = options.keep_untranslated
        result.no_text_kept = options.keep_no_text
        # After the alignment: its reader has refused what is no regular file.
        return Outcome(job, result, seconds=time.perf_counter() - started, inputs=inputs_digest(job))
    except TmforgeError as exc:
        return Outcome(job, error=str(exc), seconds=time.perf_counter() - started)


def make_encoder(model: str | None, threads: int | None = None, device: str | None = None):
    """The encoder for a process: the one --model names, with `threads` BLAS threads where it uses them."""
    from tmforge.align.embed import load_encoder

    return load_encoder(model, device=device, threads=threads)


class Executor(Protocol):
    """Runs the jobs of a batch somewhere: this process, worker processes, a cluster.

    `run` yields `(index, outcome)` for each job as it finishes, in any order.
    Closing the iterator early (a sink failed, Ctrl-C) must stop the work
    still running.
    """

    def run(self, jobs: Sequence[Job], options: Options) -> Iterator[tuple[int, Outcome]]: ...


class InProcess:
    """One job after another in this process, with one encoder; `progress` is told each stage and how far it is."""

    def __init__(self, encoder=None, threads: int | None = None, progress: Progress | None = None):
        self.encoder, self.threads, self.progress = encoder, threads, progress

    def run(self, jobs: Sequence[Job], options: Options) -> Iterator[tuple[int, Outcome]]:
        encoder = self.encoder or make_encoder(options.model, self.threads, options.device)
        for index, job in enumerate(jobs):
            yield index, run_job(job, options, encoder, self.progress)


_WORKER: dict = {}


def _worker_init(options: Options, threads: int) -> None:
    # The parent handles Ctrl-C and ends the workers; they must not print tracebacks of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    _WORKER["options"] = options
    _WORKER["encoder"] = make_encoder(options.model, threads, options.device)


def _worker_run(item: tuple[int, Job]) -> tuple[int, Outcome]:
    index, job = item
    return index, run_job(job, _WORKER["options"], _WORKER["encoder"])


class ProcessPool:
    """Worker processes on this machine, each loading the encoder once and using `threads` BLAS threads."""

    def __init__(self, workers: int, threads: int):
        self.workers, self.threads = workers, threads

    def run(self, jobs: Sequence[Job], options: Options) -> Iterator[tuple[int, Outcome]]:
        import multiprocessing

        # Spawned workers read the thread limits from the environment before numpy loads.
        with thread_env(self.threads):
            with signals.deferred():  # an interrupt mid-spawn would leave a child printing a traceback
                pool = multiprocessing.get_context("spawn").Pool(self.workers, _worker_init, (options, self.threads))
        try:
            pending = pool.imap_unordered(_worker_run, list(enumerate(jobs)))
            for _ in range(len(jobs)):
                while True:
                    try:
                        # A bounded wait: Ctrl-C may reach another thread, and only a waking main thread sees it.
                        item = pending.next(timeout=0.2)
                        break
                    except multiprocessing.TimeoutError:
                        continue
                yield item
            pool.close()
        except BaseException:  # also GeneratorExit: the caller stopped listening
            pool.terminate()
            raise
        finally:
            pool.join()


def local_executor(workers: int, threads: int, encoder=None,
                   progress: Progress | None = None) -> Executor:
    """This machine's executor: in this process for one worker (with `encoder`, `progress`), else a pool."""
    return InProcess(encoder, threads, progress) if workers <= 1 else ProcessPool(workers, threads)


def run_jobs(jobs: Sequence[Job], options: Options, executor: Executor, sink=None) -> list[Outcome]:
    """Run jobs on `executor`, giving each outcome to `sink` as it finishes; outcomes in job order.

    With a sink (align.sinks.Sink), the outcomes returned no longer hold
    alignments (the sink wrote what it needed), and the sink is closed when
    the run succeeds. The run fails, with the sink aborted, when its only job
    failed or no job was aligned; Ctrl-C stops the executor, aborts the sink
    and propagates as KeyboardInterrupt.
    """
    outcomes: list[Outcome | None] = [None] * len(jobs)
    stream = executor.run(jobs, options)
    try:
        for index, outcome in stream:
            if sink is not None:
                sink.add(index, outcome)  # may mark the outcome failed (an output already there)
                outcome = replace(outcome, alignment=None)
            outcomes[index] = outcome
        failed = [o for o in outcomes if o.error]
        if len(jobs) == 1 and failed:
            raise TmforgeError(failed[0].error)
        if len(failed) == len(jobs):
            raise TmforgeError(f"no pair could be aligned; first problem: {failed[0].error}")
        if sink is not None:
            sink.close()
    except BaseException:
        stream.close()  # ends the work still running
        if sink is not None:
            sink.abort()
        raise
    return outcomes
