"""Seed corpora for the fuzz targets, built from the repository's own files and tmforge's writers.

Nothing binary is committed: the TMX files of tests/data, the samples, and a
small memory written in every tabular format and a DOCX built here. Each seed
starts with the selector byte of its variant (see fuzz/targets.py).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from targets import VARIANTS

ROOT = Path(__file__).resolve().parent.parent
MAX_SEED = 16 * 1024  # small seeds mutate faster


def _memory():
    from datetime import datetime, timezone

    from tmforge.tm.model import TranslationMemory, TranslationUnit

    when = datetime(2024, 6, 3, tzinfo=timezone.utc)
    units = [TranslationUnit("Привет, мир.", "Hello, world.", "ru", "en", score=0.9, bead="1-1", seq=1,
                             created=when, props={"start": "00:00:01.000"}),
             TranslationUnit("Он сказал: «Да\tнет»\nи ушёл.", 'He said "yes,\tno"\nand left.', "ru", "en",
                             score=0.5, bead="2-1", document="a.txt", seq=2)]
    return TranslationMemory.from_units(units, meta={"signature": "seed"})


def _documents() -> dict[str, bytes]:
    import docx

    text = (ROOT / "samples" / "parallel" / "ru.txt").read_text(encoding="utf-8")[:3000]
    mixed = (ROOT / "samples" / "mixed.txt").read_text(encoding="utf-8")[:3000]
    with tempfile.TemporaryDirectory() as tmp:
        document = docx.Document()
        document.add_paragraph("Привет, мир. Как дела?")
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Ячейка", "Cell"
        document.save(f"{tmp}/seed.docx")
        docx_bytes = Path(f"{tmp}/seed.docx").read_bytes()
    return {
        ".txt": text.encode("utf-8"),
        ".md": ("---\ntitle: x\n---\n# Заголовок\n\nТекст с **жирным**, *курсивом*, `кодом` и "
                "[ссылкой](http://x). ![alt](i.png)\n\n- пункт\n- item\n\n| a | b |\n|---|---|\n| в | г |\n"
                "\n```\ncode\n```\n").encode("utf-8"),
        ".html": ('<!doctype html><html><head><meta charset="windows-1251"><title>T</title></head><body>'
                  '<p>Привет, <b>мир</b>.</p><ul><li><a href="/">Назад</a></li></ul><table><tr><td>a</td>'
                  '</tr></table><font><font>текст</font></font></body></html>').encode("cp1251"),
        ".srt": "1\n00:00:01,000 --> 00:00:02,500\n<i>Привет</i>, мир.\n\n2\n00:00:03,000 --> 00:00:04,000\n"
                "{\\an8}Пока.\n".encode("utf-8"),
        ".vtt": "WEBVTT\n\nNOTE x\n\n00:01.000 --> 00:02.000 align:start\n<v Ann>Hello <b>world</b>\n\n"
                "cue-2\n01:00:02.000 --> 01:00:03.000\nBye.\n".encode("utf-8"),
        ".docx": docx_bytes,
        "mixed.txt": mixed.encode("utf-8"),
        **_containers(),
    }


def _containers() -> dict[str, bytes]:
    """PDF, EPUB, ODT, XLSX and PPTX files as the reader contract test builds them (tests/test_reader_contract.py)."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from test_reader_contract import SAMPLES

    return {f".{name}": SAMPLES[name].build() for name in ("pdf", "epub", "odt", "xlsx", "pptx")}


def seeds(target: str) -> list[bytes]:
    from tmforge.tm.formats import write_memory

    variants = VARIANTS[target]
    found: list[bytes] = []
    if target == "tmx":
        files = sorted((ROOT / "tests" / "data" / "tmx").rglob("*.tmx"))
        with tempfile.TemporaryDirectory() as tmp:
            write_memory(_memory(), f"{tmp}/m.tmx")
            bodies = [Path(f"{tmp}/m.tmx").read_bytes()] + [f.read_bytes() for f in files]
        found = [bytes([k]) + body for body in bodies if len(body) <= MAX_SEED for k in range(len(variants))]
    elif target == "tabular":
        with tempfile.TemporaryDirectory() as tmp:
            for k, suffix in enumerate(variants):
                write_memory(_memory(), f"{tmp}/m{suffix}")
                found.append(bytes([k]) + Path(f"{tmp}/m{suffix}").read_bytes())
    elif target == "containers":
        import io
        import zipfile

        from targets import container_template

        for k, (suffix, part) in enumerate(variants):
            whole = container_template(suffix)
            body = whole if part is None else zipfile.ZipFile(io.BytesIO(whole)).read(part)
            found.append(bytes([k]) + body)
    else:
        for name, body in _documents().items():
            suffix = name if name.startswith(".") else Path(name).suffix
            found.append(bytes([variants.index(suffix)]) + body[:MAX_SEED * 4])
    return found


def write_seeds(target: str, folder: Path) -> int:
    """Add the seeds of `target` to `folder` (named by content hash, as libFuzzer names its corpus)."""
    folder.mkdir(parents=True, exist_ok=True)
    items = seeds(target)
    for body in items:
        (folder / hashlib.sha1(body).hexdigest()).write_bytes(body)
    return len(items)
