"""What each fuzz target does with one input: write the bytes to a file and read it back whole.

A reader may refuse an input only with TmforgeError (one `error:` line for
the user); any other exception, a hang or runaway memory is a finding. The
first byte of an input picks the variant (format, reader option), so one
target covers a family of readers and the fuzzer learns which byte does what.
Used by fuzz/harness.py (atheris) and fuzz/seeds.py.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tmforge.errors import TmforgeError

_SCRATCH = Path(tempfile.mkdtemp(prefix="tmforge-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))

TABULAR = (".tsv", ".csv", ".jsonl", ".parquet")
# New formats go at the end, so the selector bytes of existing corpora keep their meaning.
DOCUMENTS = (".txt", ".md", ".html", ".srt", ".vtt", ".docx", ".pdf", ".epub", ".odt", ".xlsx", ".pptx")
TMX_INLINE = ("strip", "keep")


def _scratch(suffix: str, data: bytes) -> Path:
    path = _SCRATCH / f"input{suffix}"
    path.write_bytes(data)
    return path


def read_tmx_input(data: bytes) -> None:
    from tmforge.tm.formats import read_memory

    if not data:
        return
    path = _scratch(".tmx", data[1:])
    try:
        read_memory(path, inline=TMX_INLINE[data[0] % len(TMX_INLINE)])
    except TmforgeError:
        pass


def read_tabular_input(data: bytes) -> None:
    from tmforge.tm.formats import parquet, read_memory

    # Parquet is read in-process only: the real reader first reads each file in a child process,
    # because polars aborts the whole process on some damaged files (tm/formats/parquet.py); a
    # child per input would make 100,000 executions take days. An abort here is a polars finding.
    parquet._probe_in_child = lambda path: None

    if not data:
        return
    path = _scratch(TABULAR[data[0] % len(TABULAR)], data[1:])
    try:
        read_memory(path)
    except TmforgeError:
        pass


def read_document_input(data: bytes) -> None:
    from tmforge.align.io import read_document

    if not data:
        return
    path = _scratch(DOCUMENTS[data[0] % len(DOCUMENTS)], data[1:])
    try:
        read_document(path)
    except TmforgeError:
        pass


TARGETS = {"tmx": read_tmx_input, "tabular": read_tabular_input, "document": read_document_input}
# The selector byte of each variant, for seeds: the index in its tuple.
VARIANTS = {"tmx": TMX_INLINE, "tabular": TABULAR, "document": DOCUMENTS}
