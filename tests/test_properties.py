"""Property tests (hypothesis) for every reader and writer: what is written reads back the same, and
any bytes at all are either read or refused with TmforgeError (one `error:` line), never another exception.

Examples are bounded so the suite stays quick; fuzz/ runs the readers far longer (make fuzz).
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmforge.errors import TmforgeError

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEMORY_FORMATS = (".tmx", ".tsv", ".csv", ".jsonl", ".parquet")
DOCUMENT_FORMATS = ("text", "markdown", "html", "srt", "vtt", "docx")

# Any character a string may hold but lone surrogates (no file format can carry them) and the
# information separators U+001C-U+001F, whitespace to Python's strip but not to polars' (which
# decides whether a tabular unit counts as empty).
text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x1c\x1d\x1e\x1f"), max_size=40)
langs = st.sampled_from(["ru", "en", "en-US", "de"])
when = st.one_of(st.none(), st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1))
                 .map(lambda d: d.replace(microsecond=0, tzinfo=timezone.utc)))
props = st.one_of(st.none(), st.dictionaries(st.text(st.characters(categories=("L", "N")), min_size=1,
                                                     max_size=8), text, min_size=1, max_size=3))


@st.composite
def units(draw):
    from tmforge.tm.model import TranslationUnit

    src, tgt = draw(st.sampled_from([("ru", "en"), ("en", "ru"), ("en-US", "de")]))
    return TranslationUnit(source=draw(text), target=draw(text), src_lang=src, tgt_lang=tgt,
                           score=draw(st.one_of(st.none(), st.floats(0, 1).map(lambda x: round(x, 4)))),
                           bead=draw(st.one_of(st.none(), st.sampled_from(["1-1", "2-1", "0-1"]))),
                           document=draw(st.one_of(st.none(), text)), seq=draw(st.one_of(st.none(),
                                                                                            st.integers(0, 2**62))),
                           created=draw(when), props=draw(props))


def _expected(unit, fmt):
    """What a format keeps of a unit: segments trimmed (the default), in TMX no characters XML 1.0 forbids,
    and in TSV no difference between an empty document name and none."""
    from dataclasses import replace

    from tmforge.tm.tmx import clean_segment, remove_forbidden

    if fmt == ".tsv":  # an unquoted empty field reads as no value: an empty document name comes back as none
        return replace(unit, source=unit.source.strip(), target=unit.target.strip(), document=unit.document or None)
    if fmt != ".tmx":
        return replace(unit, source=unit.source.strip(), target=unit.target.strip())
    clean = lambda s: None if s is None else remove_forbidden(s)[0]  # noqa: E731
    return replace(unit, source=clean_segment(unit.source)[0], target=clean_segment(unit.target)[0],
                   document=clean(unit.document),
                   props={clean(k): clean(v) for k, v in unit.props.items()} if unit.props else None)


# Parquet is read in a child process first (tm/formats/parquet.py): fewer examples keep it quick.
FEW = settings(SETTINGS, max_examples=8)


@pytest.mark.parametrize("fmt", [f for f in MEMORY_FORMATS if f != ".parquet"])
@SETTINGS
@given(memory=st.lists(units(), max_size=6))
def test_memory_round_trip(fmt, memory):
    _memory_round_trip(fmt, memory)


@FEW
@given(memory=st.lists(units(), max_size=6))
def test_parquet_round_trip(memory):
    _memory_round_trip(".parquet", memory)


def _memory_round_trip(fmt, memory):
    from tmforge.tm.formats import read_memory, write_memory
    from tmforge.tm.model import TranslationMemory

    expected = [_expected(u, fmt) for u in memory]
    kept = [u for u in expected if u.source.strip() and u.target.strip()]  # units with an empty side are skipped
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"m{fmt}"
        write_memory(TranslationMemory.from_units(memory), path, include_empty=False)
        back = list(read_memory(path).units())
    assert back == kept


# Every character str.splitlines breaks a line on (LF, CR, VT, FF, U+001C-U+001E, U+0085, U+2028, U+2029).
LINE_BREAKS = "".join(chr(c) for c in range(0x3000) if len(f"a{chr(c)}b".splitlines()) == 2)


@SETTINGS
@given(pairs=st.lists(st.tuples(text, text), max_size=8))
def test_moses_round_trip(pairs):
    """A Moses pair holds one segment a line: line breaks inside become spaces, and nothing else changes."""
    import re

    from tmforge.tm.formats import read_memory, write_memory
    from tmforge.tm.model import TranslationMemory, TranslationUnit

    memory = [TranslationUnit(s, t, "ru", "en") for s, t in pairs]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.moses"
        tm = TranslationMemory.from_units(memory)
        if not any(u.source.strip() and u.target.strip() for u in memory):
            return
        write_memory(tm, path)
        back = [(u.source, u.target) for u in read_memory(path, src_lang="ru", tgt_lang="en").units()]

    def flat(segment: str) -> str:  # line breaks become spaces; the segment is trimmed
        return re.sub(f"[{re.escape(LINE_BREAKS)}]+", " ", segment).strip()

    expected = [(flat(s), flat(t)) for s, t in pairs if s.strip() and t.strip()]
    assert back == expected


@pytest.mark.parametrize("fmt", MEMORY_FORMATS)
def test_memory_readers_refuse_any_bytes_cleanly(fmt):
    @(FEW if fmt == ".parquet" else SETTINGS)
    @given(data=st.binary(max_size=2000))
    def check(data):
        _read_any_bytes(fmt, data)

    check()


def _read_any_bytes(fmt, data):
    from tmforge.tm.formats import read_memory

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"m{fmt}"
        path.write_bytes(data)
        try:
            read_memory(path)
        except TmforgeError:
            pass


@pytest.mark.parametrize("fmt", DOCUMENT_FORMATS)
@SETTINGS
@given(data=st.one_of(st.binary(max_size=2000), text.map(lambda s: s.encode("utf-8"))))
def test_document_readers_refuse_any_bytes_cleanly(fmt, data):
    from tmforge.align.io import read_document

    suffix = {"text": ".txt", "markdown": ".md"}.get(fmt, "." + fmt)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"d{suffix}"
        path.write_bytes(data)
        try:
            doc = read_document(path)
        except TmforgeError:
            return
        assert doc.paragraphs and all(p.text.strip() for p in doc.paragraphs)


@SETTINGS
@given(lines=st.lists(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30),
                      min_size=1, max_size=10))
def test_plain_text_keeps_every_word(lines):
    from tmforge.align.io import normalize, split_paragraphs

    body = normalize("\n".join(lines))
    assert " ".join(p.text for p in split_paragraphs(body)).split() == body.split()


cue_text = st.text(st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="<>{}-"), min_size=1,
                   max_size=30).filter(lambda s: s.strip())


@SETTINGS
@given(cues=st.lists(st.tuples(st.integers(0, 359_999_999), st.integers(1, 10_000), cue_text), min_size=1,
                     max_size=6), vtt=st.booleans())
def test_subtitles_round_trip(cues, vtt):
    """Cues written as SRT or WebVTT read back with their text and timing."""
    from tmforge.align.readers.subtitles import subtitle_cues

    def stamp(ms, sep):
        h, rest = divmod(ms, 3_600_000)
        m, rest = divmod(rest, 60_000)
        s, ms = divmod(rest, 1000)
        return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"

    sep = "." if vtt else ","
    blocks = [f"{k}\n{stamp(a, sep)} --> {stamp(a + d, sep)}\n{body}" for k, (a, d, body) in enumerate(cues, 1)]
    file_text = ("WEBVTT\n\n" if vtt else "") + "\n\n".join(blocks) + "\n"
    got = subtitle_cues(file_text)
    assert [(body, meta["start"], meta["end"]) for body, meta in got] == [
        (" ".join(body.split()), stamp(a, "."), stamp(a + d, ".")) for a, d, body in cues]


@SETTINGS
@given(beads=st.lists(st.tuples(st.lists(st.integers(0, 10**6), max_size=3),
                                st.lists(st.integers(0, 10**6), max_size=3)), max_size=10))
def test_beads_round_trip(beads):
    from tmforge.align.beads import format_beads, parse_beads
    from tmforge.types import Bead

    written = [Bead(tuple(s), tuple(t)) for s, t in beads]
    assert parse_beads(format_beads(written)) == written


@SETTINGS
@given(data=st.one_of(st.binary(max_size=500), text.map(lambda s: s.encode("utf-8"))))
def test_bead_reader_refuses_any_bytes_cleanly(data):
    from tmforge.align.beads import read_beads

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.align"
        path.write_bytes(data)
        try:
            read_beads(path)
        except TmforgeError:
            pass
