"""Resuming a --split-output batch: which pairs are done already, and the record that says so.

After a pair's memory is written (atomically), a small JSON record goes into
`FOLDER/.tmforge-done/NAME.EXT.json`, also atomically: the request signature
(tool version, alignment and write options, format), a digest of the pair's
input files, and the size and digest of every file written. A rerun skips a
pair only when its record matches all of these; anything else (no record, an
output changed or removed since, other options or inputs) is aligned again.
The record is written after the output, so an interruption between the two
leaves an output without a record: it is never taken for done.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Iterable, Sequence

from tmforge.align.batch import Job, Options
from tmforge.atomic import atomic_write
from tmforge.tm.options import WriteOptions, WriteReport
from tmforge.version import tool_version

RECORDS = ".tmforge-done"   # hidden folder of records inside the output folder
_CHUNK = 1 << 20


def request_signature(options: Options, write_options: WriteOptions, extension: str) -> str:
    """A digest of everything besides the inputs that a pair's output depends on."""
    described = {"tool": tool_version(), "align": dataclasses.asdict(options),
                 "write": dataclasses.asdict(write_options), "extension": extension}
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def inputs_digest(job: Job) -> str | None:
    """A digest of the pair's input files (source, then target); None when one is not a readable regular file."""
    files = [p for p in (job.src, job.tgt) if p is not None]
    if not all(Path(p).is_file() for p in files):  # a FIFO or device is never opened (it would block)
        return None
    try:
        parts = [file_digest(p) for p in files]
    except OSError:
        return None
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


class Journal:
    """The records of one output folder for one request signature."""

    def __init__(self, folder: Path, extension: str, request: str):
        self.folder, self.extension, self.request = folder, extension, request
        self.records = folder / RECORDS

    def record_path(self, name: str) -> Path:
        return self.records / f"{name}{self.extension}.json"

    def is_done(self, job: Job) -> bool:
        """The pair's record matches this request, its inputs as they are now, and its files on disk."""
        try:
            record = json.loads(self.record_path(job.name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(record, dict) or record.get("request") != self.request:
            return False
        outputs = record.get("outputs")
        if not isinstance(outputs, dict) or not outputs:
            return False
        for name, (size, digest) in outputs.items():
            path = self.folder / name
            try:
                if path.stat().st_size != size or file_digest(path) != digest:
                    return False
            except OSError:
                return False
        return record.get("inputs") is not None and record.get("inputs") == inputs_digest(job)

    def partition(self, jobs: Sequence[Job]) -> tuple[list[Job], list[Job]]:
        """(jobs to run, jobs done already)."""
        todo, done = [], []
        for job in jobs:
            (done if self.is_done(job) else todo).append(job)
        return todo, done

    def write(self, job: Job, inputs: str | None, files: Iterable[Path], signature: str,
              report: WriteReport) -> None:
        """Record a pair whose files are written; without an input digest nothing is recorded."""
        if inputs is None:
            return
        outputs = {p.name: [p.stat().st_size, file_digest(p)] for p in files}
        self.records.mkdir(exist_ok=True)
        record = {"request": self.request, "inputs": inputs, "outputs": outputs, "signature": signature,
                  "units": report.written, "source": str(job.src), "target": str(job.tgt) if job.tgt else None}
        with atomic_write(self.record_path(job.name)) as fh:
            json.dump(record, fh, ensure_ascii=False)
