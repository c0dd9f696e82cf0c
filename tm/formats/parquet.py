"""Parquet: the memory's frame as it is; header facts in the file's key-value metadata."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl

from tmforge.atomic import atomic_path
from tmforge.errors import TmforgeError
from tmforge.tm.formats.base import MemoryFormat
from tmforge.tm.formats.frames import prepare
from tmforge.tm.model import TranslationMemory
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport

META_KEY = "tmforge.meta"


# Read in a child process first: on some damaged files polars panics inside a worker thread and
# the whole process aborts (SIGABRT), which no except clause can catch. A child that reads the
# file whole and survives means this process will too; one that fails cleanly is left to the real
# read, which reports the error. Costs one more read of the file.
_PROBE = "import sys, polars as pl; pl.read_parquet_metadata(sys.argv[1]); pl.read_parquet(sys.argv[1])"


def _probe_in_child(path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True,
                         env={**os.environ, "RUST_BACKTRACE": "0"})
    if run.returncode < 0:
        raise TmforgeError(f"{path} is a damaged Parquet file: the Parquet reader crashes on it "
                           f"({signal.Signals(-run.returncode).name}); re-export it from where it came")


class ParquetFormat(MemoryFormat):
    name = "parquet"
    extensions = (".parquet",)
    description = "the memory's table as it is, header facts included, for polars, pandas, DuckDB"
    keeps_meta = True

    def read_file(self, path: Path, options: ReadOptions) -> TranslationMemory:
        _probe_in_child(path)
        meta = json.loads(pl.read_parquet_metadata(path).get(META_KEY) or "{}")
        if not isinstance(meta, dict):
            raise ValueError(f"its {META_KEY} metadata is not a JSON object")
        return TranslationMemory.from_frame(pl.read_parquet(path), meta)

    def write_file(self, memory: TranslationMemory, path: Path, options: WriteOptions) -> WriteReport:
        frame, report = prepare(memory, options)
        with atomic_path(path) as tmp:
            frame.write_parquet(tmp, metadata={META_KEY: json.dumps(memory.meta, ensure_ascii=False)})
        return report

    def repair_hint(self) -> str:
        return "a memory needs the columns source, target, src_lang and tgt_lang"
