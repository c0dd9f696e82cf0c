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


# The container readers (issue 17) fuzzed where their parsers are: a mutated zip mostly fails its CRC
# check before any reader code runs, so a variant is either a whole file (PDF, or the zip itself) or
# one XML part of a valid container, the rest of it kept as the reader contract test builds it.
CONTAINER_PARTS = (
    (".pdf", None), (".epub", None), (".odt", None), (".xlsx", None), (".pptx", None),
    (".epub", "OEBPS/book.opf"), (".epub", "OEBPS/text/ch1.xhtml"), (".epub", "META-INF/container.xml"),
    (".epub", "OEBPS/nav.xhtml"), (".odt", "content.xml"), (".xlsx", "xl/worksheets/sheet1.xml"),
    (".xlsx", "xl/workbook.xml"), (".xlsx", "xl/_rels/workbook.xml.rels"), (".pptx", "ppt/slides/slide1.xml"),
    (".pptx", "ppt/notesSlides/notesSlide1.xml"), (".pptx", "ppt/presentation.xml"),
    (".pptx", "ppt/_rels/presentation.xml.rels"),
)
_templates: dict[str, bytes] = {}


def container_template(suffix: str) -> bytes:
    """The valid file of a container format the fuzzer's parts go into (built once per process)."""
    if suffix not in _templates:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from test_reader_contract import SAMPLES

        _templates[suffix] = SAMPLES[suffix[1:]].build()
    return _templates[suffix]


def with_part(container: bytes, name: str, body: bytes) -> bytes:
    """`container` (a zip) with its member `name` replaced by `body`, every other member as it was."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(container)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, body if info.filename == name else src.read(info.filename))
    return out.getvalue()


def container_input(data: bytes) -> tuple[str, bytes]:
    """(suffix, file bytes) for one input of the containers target."""
    suffix, part = CONTAINER_PARTS[data[0] % len(CONTAINER_PARTS)]
    return suffix, data[1:] if part is None else with_part(container_template(suffix), part, data[1:])


def read_container_input(data: bytes) -> None:
    from tmforge.align.io import read_document

    if not data:
        return
    path = _scratch(*container_input(data))
    try:
        read_document(path)
    except TmforgeError:
        pass


TARGETS = {"tmx": read_tmx_input, "tabular": read_tabular_input, "document": read_document_input,
           "containers": read_container_input}
# The selector byte of each variant, for seeds: the index in its tuple.
VARIANTS = {"tmx": TMX_INLINE, "tabular": TABULAR, "document": DOCUMENTS, "containers": CONTAINER_PARTS}
