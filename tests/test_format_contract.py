"""The contract every registered format keeps, run over the registry itself.

A new format registered in tm/formats (or by the aligner) is tested here with
no test of its own: a realistic memory (Cyrillic, quotes, markup characters,
tabs and line breaks, props, scores, dates) comes back as the format says it
keeps it; an empty memory round-trips; the write options mean the same in
every format; a damaged, cut or missing file gives TmforgeError and nothing else.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

import tmforge.align.beads  # noqa: F401  (registers .align, as the tmforge command does)
from tmforge.errors import TmforgeError
from tmforge.tm.formats import read_memory, registry, write_memory
from tmforge.tm.model import TranslationMemory, TranslationUnit
from tmforge.tm.options import ReadOptions, WriteOptions
from tmforge.types import Alignment, Bead, Sentence

WHEN = datetime(2024, 6, 3, 12, 0, 5, tzinfo=timezone.utc)
META = {"signature": "enc:use-v3|span:4", "note": "«черновик»"}
UNITS = [
    TranslationUnit('Он сказал: «Да», а потом — "нет" & <стоп>.', "He said \"yes\", then 'no' & <stop>.",
                    "ru", "en", score=0.8731, bead="1-1", document="Глава 1, часть «А».docx", seq=1,
                    created=WHEN, props={"start": "00:00:01,000", "note": 'x "y" & <z>'}),
    TranslationUnit("Строка\tс табом\nи переносом", "Line\twith a tab\nand a break", "ru", "en",
                    score=0.42, bead="2-1", document="Глава 1, часть «А».docx", seq=2, created=WHEN),
    TranslationUnit("Цена: 1 000,50 руб. 🎉", "Price: 1,000.50 RUB 🎉", "ru", "en", seq=3),
]
READ = ReadOptions(src_lang="ru", tgt_lang="en")
MEMORY_FORMATS = registry.formats()
BEAD_FORMATS = [f for f in registry.formats(beads=True) if f.needs_beads]


def ids(formats):
    return [f.name for f in formats]


def memory(units=UNITS, meta=META):
    return TranslationMemory.from_units(units, meta=meta)


def kept(fmt, units):
    """What a round trip through `fmt` keeps of each unit, by the format's own declaration."""
    out = []
    for unit in units:
        values = {name: getattr(unit, name) for name in fmt.fields}
        if not fmt.keeps_line_breaks:
            values = {k: " ".join(v.splitlines()) if isinstance(v, str) else v for k, v in values.items()}
        out.append(values)
    return out


def written_files(fmt, path, memory, options=WriteOptions()):
    return fmt.output_paths(path, memory.languages, options) or [path]


def test_every_format_is_registered_with_its_facts():
    names = [f.name for f in registry.formats(beads=True)]
    assert names[:6] == ["tmx", "tsv", "csv", "jsonl", "parquet", "moses"] and "align" in names
    extensions = registry.extensions(beads=True)
    assert len(extensions) == len(set(extensions))
    for fmt in registry.formats(beads=True):
        assert fmt.description and all(e.startswith(".") for e in fmt.extensions)
        assert registry.for_path(f"x{fmt.extensions[0].upper()}", beads=True) is fmt
        assert registry.named(fmt.name, beads=True) is fmt


@pytest.mark.parametrize("fmt", MEMORY_FORMATS, ids=ids(MEMORY_FORMATS))
def test_round_trip_keeps_what_the_format_declares(tmp_path, fmt):
    path = tmp_path / f"memory{fmt.extensions[0]}"
    report = fmt.write(memory(), path)
    assert report.written == len(UNITS) and report.skipped_empty == 0
    files = written_files(fmt, path, memory())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files)   # no temporary left
    back = fmt.read(path, READ)
    assert kept(fmt, back.units()) == kept(fmt, UNITS)
    assert back.meta == (META if fmt.keeps_meta else {})
    assert kept(fmt, fmt.iter_units(path, READ)) == kept(fmt, UNITS)
    assert kept(fmt, read_memory(path, READ).units()) == kept(fmt, UNITS)   # the registry finds it by extension


@pytest.mark.parametrize("fmt", MEMORY_FORMATS, ids=ids(MEMORY_FORMATS))
def test_empty_memory_round_trips(tmp_path, fmt):
    path = tmp_path / f"empty{fmt.extensions[0]}"
    report = fmt.write(TranslationMemory.empty(META), path, WriteOptions(srclang="ru", tgtlang="en"))
    assert report.written == 0
    assert len(fmt.read(path, READ)) == 0


@pytest.mark.parametrize("fmt", MEMORY_FORMATS, ids=ids(MEMORY_FORMATS))
def test_write_options_mean_the_same_in_every_format(tmp_path, fmt):
    units = UNITS + [TranslationUnit("  Пусто  ", " ", "ru", "en", score=0.5, seq=4),
                     TranslationUnit("  Отступ.\t", "\n Indent. ", "ru", "en", score=0.5, seq=5)]
    path = tmp_path / f"a{fmt.extensions[0]}"
    codes = ReadOptions(src_lang="ru-RU", tgt_lang="en-GB")

    report = write_memory(memory(units), path, lang_codes=["ru-RU", "en=en-GB"])
    assert (report.written, report.skipped_empty) == (4, 1)       # the unit with an empty side is left out
    back = list(read_memory(path, codes).units())
    if "src_lang" in fmt.fields:
        assert {(u.src_lang, u.tgt_lang) for u in back} == {("ru-RU", "en-GB")}
    assert (back[-1].source, back[-1].target) == ("Отступ.", "Indent.")        # trimmed by default

    write_memory(memory(units), path, lang_codes=["ru-RU", "en=en-GB"], whitespace="keep", include_empty=True,
                 props=False, dates=False)
    back = list(read_memory(path, codes).units())
    assert len(back) == 5
    if fmt.keeps_line_breaks:
        assert (back[-1].source, back[-1].target) == ("  Отступ.\t", "\n Indent. ")
    for unit in back:
        assert unit.score is None and unit.props is None and unit.created is None and unit.bead is None


def garbage(seed: int) -> bytes:
    """Bytes no format accepts: not UTF-8, not XML, not Parquet, not JSON."""
    rng = random.Random(seed)
    return b"\xff\xfe\x00\x9f" + bytes(rng.randrange(128, 256) for _ in range(300)) + b"\x00\x00"


@pytest.mark.parametrize("fmt", MEMORY_FORMATS, ids=ids(MEMORY_FORMATS))
def test_damaged_files_give_tmforge_error(tmp_path, fmt):
    path = tmp_path / f"bad{fmt.extensions[0]}"
    fmt.write(memory(), path)
    files = written_files(fmt, path, memory())
    good = {p: p.read_bytes() for p in files}
    for seed, part in enumerate(files):
        part.write_bytes(garbage(seed))
        with pytest.raises(TmforgeError):
            fmt.read(path, READ)
        part.write_bytes(good[part])
    # A file cut anywhere reads as a shorter memory or gives TmforgeError; never another exception.
    for part in files:
        data = good[part]
        for cut in sorted({1, 7, len(data) // 3, len(data) // 2, len(data) - 9, len(data) - 1}):
            part.write_bytes(data[:cut])
            try:
                fmt.read(path, READ)
            except TmforgeError:
                pass
        part.write_bytes(data)
    for part in files:
        part.unlink()
    with pytest.raises(TmforgeError, match="not found"):
        fmt.read(path, READ)


def test_unknown_extensions_list_the_registered_ones(tmp_path):
    with pytest.raises(TmforgeError, match="unknown memory format '.xlsx'; use one of .tmx, .tsv") as error:
        write_memory(memory(), tmp_path / "m.xlsx")
    assert all(ext in str(error.value) for ext in registry.extensions())
    with pytest.raises(TmforgeError, match="alignment beads, not a memory"):
        read_memory(tmp_path / "m.align")


# ---------------------------------------------------------------- formats written from beads

def alignment(beads):
    src = [Sentence("Да.", 0), Sentence("Нет, «конечно».", 0), Sentence("Ещё.", 1), Sentence("Лишнее.", 1)]
    tgt = [Sentence("Yes.", 0), Sentence('No, "of course".', 0), Sentence("Extra.", 1)]
    return Alignment("ru", "en", src, tgt, beads, signature="s")


BEADS = [Bead((0,), (0,), 0.9), Bead((1, 2), (1,), 0.7), Bead((), (2,), 0.0), Bead((3,), (), 0.0)]


@pytest.mark.parametrize("fmt", BEAD_FORMATS, ids=ids(BEAD_FORMATS))
def test_bead_formats_round_trip_beads(tmp_path, fmt):
    path = tmp_path / f"pair{fmt.extensions[0]}"
    assert fmt.write_alignment(alignment(BEADS), path, WriteOptions()).written == len(BEADS)
    assert [(b.src, b.tgt) for b in fmt.read_beads(path)] == [(b.src, b.tgt) for b in BEADS]
    fmt.write_alignment(alignment([]), path, WriteOptions())
    assert fmt.read_beads(path) == []
    with pytest.raises(TmforgeError, match="not a memory"):
        fmt.write(memory(), path)


@pytest.mark.parametrize("fmt", BEAD_FORMATS, ids=ids(BEAD_FORMATS))
def test_bead_formats_refuse_damaged_files(tmp_path, fmt):
    path = tmp_path / f"pair{fmt.extensions[0]}"
    path.write_bytes(garbage(0))
    with pytest.raises(TmforgeError):
        fmt.read_beads(path)
    fmt.write_alignment(alignment(BEADS), path, WriteOptions())
    data = path.read_bytes()
    for cut in range(1, len(data)):
        path.write_bytes(data[:cut])
        try:
            fmt.read_beads(path)
        except TmforgeError:
            pass
    path.unlink()
    with pytest.raises(TmforgeError, match="not found"):
        fmt.read_beads(path)


def test_a_new_format_is_one_class_and_its_registration(tmp_path):
    """What README's contributor section shows: the class, registered, works everywhere at once."""
    from tmforge.tm.formats import FormatRegistry, MemoryFormat
    from tmforge.tm.formats.jsonl import JsonlFormat

    class NdjsonFormat(JsonlFormat):
        name = "ndjson"
        extensions = (".ndjson",)
        description = "JSON Lines under another name"

    local = FormatRegistry()
    for fmt in registry.formats(beads=True):
        local.register(type(fmt))
    local.register(NdjsonFormat)
    fmt = local.for_path(tmp_path / "m.ndjson")
    fmt.write(memory(), tmp_path / "m.ndjson")
    assert list(fmt.read(tmp_path / "m.ndjson").units()) == UNITS
    assert ".ndjson" in local.help_text() and isinstance(fmt, MemoryFormat)
    with pytest.raises(ValueError, match="already belongs to jsonl"):
        local.register(type("Clash", (JsonlFormat,), {"name": "clash", "extensions": (".jsonl",)}))
