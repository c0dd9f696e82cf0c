"""Hostile and broken inputs (issue 12): one `error:` line and the documented exit code, nothing lost,
nothing left half written, no hang. Each test here failed on the code before the fix."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
import time
import tracemalloc

import pytest

from conftest import DATA, SAMPLES

RU = SAMPLES / "parallel" / "ru.txt"
EN = SAMPLES / "parallel" / "en.txt"


def tmforge(*args, timeout=120, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, **kwargs)


def assert_error(run, code, *words):
    assert run.returncode == code, (run.returncode, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for word in words:
        assert word in lines[0], lines[0]


def hidden_files(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


# ---------------------------------------------------------------- split never overwrites

def test_split_refuses_to_overwrite_its_input(tmp_path):
    mixed = tmp_path / "en.txt"  # the name of one of the streams split writes
    mixed.write_bytes((SAMPLES / "mixed.txt").read_bytes())
    before = mixed.read_bytes()
    for force in ((), ("--force",)):  # an input is never overwritten, --force or not
        run = tmforge("split", mixed, "-o", tmp_path, *force)
        assert_error(run, 2, "also an input")
        assert mixed.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en.txt"]


def test_split_refuses_existing_outputs_without_force(tmp_path):
    out = tmp_path / "streams"
    out.mkdir()
    (out / "ru.txt").write_text("keep me\n", encoding="utf-8")
    run = tmforge("split", SAMPLES / "mixed.txt", "-o", out)
    assert_error(run, 2, "already exists", "--force")
    assert sorted(p.name for p in out.iterdir()) == ["ru.txt"]
    assert (out / "ru.txt").read_text(encoding="utf-8") == "keep me\n"
    run = tmforge("split", SAMPLES / "mixed.txt", "-o", out, "--force")
    assert run.returncode == 0, run.stderr
    assert (out / "ru.txt").read_text(encoding="utf-8") != "keep me\n"
    assert sorted(p.name for p in out.iterdir()) == ["anchors.tsv", "en.txt", "other.txt", "report.tsv", "ru.txt"]


# ---------------------------------------------------------------- SIGTERM and SIGHUP

def test_sigterm_inside_an_atomic_write_removes_the_temporary_file(tmp_path):
    from tmforge.atomic import atomic_write
    from tmforge.signals import Terminated

    target = tmp_path / "out.txt"
    target.write_text("old\n", encoding="utf-8")
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated) as caught:
        with atomic_write(target) as fh:
            fh.write("half of the new content")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises at once; never reached
    assert caught.value.exit_code == 128 + signal.SIGTERM
    assert target.read_text(encoding="utf-8") == "old\n"
    assert hidden_files(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) == before  # the handler lasts for the write only


def _wait_for_handler(proc, sig, limit=120):
    """Wait until the child catches `sig` (main() has started): before that, imports can take seconds
    on a loaded machine and the default action would end the child, which says nothing about main()."""
    status = f"/proc/{proc.pid}/status"
    if not os.path.exists(status):
        time.sleep(8)
        return
    for _ in range(limit * 10):
        with open(status) as fh:
            caught = next(int(line.split()[1], 16) for line in fh if line.startswith("SigCgt:"))
        if caught & (1 << (sig - 1)):
            return
        time.sleep(0.1)
    raise AssertionError("the child never installed its signal handler")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_termination_mid_run_prints_one_line_and_leaves_nothing(tmp_path, sig):
    src, tgt = tmp_path / "ru.txt", tmp_path / "en.txt"
    src.write_text(RU.read_text(encoding="utf-8") * 40, encoding="utf-8")
    tgt.write_text(EN.read_text(encoding="utf-8") * 40, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    # the child starts with the default action even where the suite itself runs under nohup
    proc = subprocess.Popen([sys.executable, "-m", "tmforge", "align", str(src), str(tgt), "-o",
                             str(out / "m.tmx"), "--review", str(out / "m.html")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(sig, signal.SIG_DFL))
    _wait_for_handler(proc, sig)
    time.sleep(2)  # into the work: aligning 2,000 paragraphs a side takes far longer
    assert proc.poll() is None, "finished before the signal: use a larger input"
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, stderr
    assert stderr.splitlines() == [stderr.strip()] and stderr.startswith("error: terminated"), stderr
    assert list(out.iterdir()) == []


def test_a_hangup_the_caller_ignores_stays_ignored(tmp_path):
    """Under nohup SIGHUP is ignored: the run must go on through a hangup (and still end cleanly on SIGTERM)."""
    src, tgt = tmp_path / "ru.txt", tmp_path / "en.txt"
    src.write_text(RU.read_text(encoding="utf-8") * 40, encoding="utf-8")
    tgt.write_text(EN.read_text(encoding="utf-8") * 40, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()

    def like_nohup():
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    proc = subprocess.Popen([sys.executable, "-m", "tmforge", "align", str(src), str(tgt), "-o",
                             str(out / "m.tmx")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=like_nohup)
    _wait_for_handler(proc, signal.SIGTERM)
    time.sleep(2)
    assert proc.poll() is None, "finished before the signal: use a larger input"
    proc.send_signal(signal.SIGHUP)
    time.sleep(1)
    assert proc.poll() is None, "the hangup ended a run that was started with SIGHUP ignored"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert list(out.iterdir()) == []


# ---------------------------------------------------------------- the last line of defence

BROKEN = """
import sys
from tmforge.align import cli
def broken(*args, **kwargs):
    raise ValueError("an unforeseen failure")
cli.read_document = broken
sys.argv = ["tmforge", *sys.argv[1:]]
cli.main()
"""


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
def test_an_unexpected_exception_is_one_line_and_exit_3(tmp_path, debug):
    args = ["split", str(SAMPLES / "mixed.txt"), "-o", str(tmp_path / "s")] + (["--debug"] if debug else [])
    run = subprocess.run([sys.executable, "-c", BROKEN, *args], capture_output=True, text=True, timeout=120)
    assert run.returncode == 3, run.stderr
    last = run.stderr.splitlines()[-1]
    assert last.startswith("error: internal error (ValueError: an unforeseen failure)") and "--debug" in last
    if debug:
        assert "Traceback" in run.stderr
    else:
        assert run.stderr.splitlines() == [last]
    assert not (tmp_path / "s").exists()


# ---------------------------------------------------------------- not regular files, size cap

def test_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    run = tmforge("align", fifo, EN, "-o", tmp_path / "m.tmx", timeout=60)  # the old code blocked forever
    assert_error(run, 2, "named pipe", "regular file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.txt"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"{device} missing")
    run = tmforge("align", device, EN, "-o", tmp_path / "m.tmx", timeout=60)
    assert_error(run, 2, "a device", "regular file")


def test_inputs_over_the_size_cap_are_refused_and_the_cap_can_be_raised(tmp_path):
    big = tmp_path / "ru.txt"
    big.write_text(RU.read_text(encoding="utf-8") * 80, encoding="utf-8")  # over 1 MB
    en = tmp_path / "en.txt"
    en.write_text(EN.read_text(encoding="utf-8") * 80, encoding="utf-8")
    assert big.stat().st_size > 1024 ** 2
    run = tmforge("--max-input-size", "1M", "align", big, en, "-o", tmp_path / "m.align")
    assert_error(run, 2, str(big), "--max-input-size")
    run = tmforge("align", big, en, "-o", tmp_path / "m.align", env={"TMFORGE_MAX_INPUT_SIZE": "1M"})
    assert_error(run, 2, "input limit of 1.0 MB")
    assert not (tmp_path / "m.align").exists()
    run = tmforge("--max-input-size", "1M", "eval", big, big)  # every command reading whole files
    assert_error(run, 2, "input limit")


def test_parse_size():
    from tmforge.errors import TmforgeError
    from tmforge.inputs import parse_size

    assert parse_size("1M") == 1024 ** 2 and parse_size("2g") == 2 * 1024 ** 3 and parse_size("512") == 512
    assert parse_size("1.5 GB") == 3 * 1024 ** 3 // 2
    for bad in ("", "lots", "-1M", "0", "3X"):
        with pytest.raises(TmforgeError):
            parse_size(bad)


# ---------------------------------------------------------------- eval, manifest

def test_eval_on_a_non_utf8_file(tmp_path):
    pred = tmp_path / "pred.align"
    pred.write_bytes("[0]:[0]\n# выравнивание\n".encode("cp1251"))
    run = tmforge("eval", pred, pred)
    assert_error(run, 2, "not UTF-8", str(pred))


def test_eval_on_a_huge_index(tmp_path):
    pred = tmp_path / "pred.align"
    pred.write_text("[0]:[0]\n[" + "9" * 5000 + "]:[1]\n", encoding="utf-8")
    run = tmforge("eval", pred, pred)
    assert_error(run, 2, "line 2", "sentence index")


def test_manifest_field_over_the_csv_limit(tmp_path):
    manifest = tmp_path / "pairs.csv"
    manifest.write_text(f"{RU},{EN}\n\"{'x' * 200_000}\",{EN}\n", encoding="utf-8")
    run = tmforge("align", manifest, "-o", tmp_path / "all.tmx")
    assert_error(run, 2, "manifest", "field larger than field limit")
    assert not (tmp_path / "all.tmx").exists()


# ---------------------------------------------------------------- write failures name the file

def test_a_failed_write_names_the_file_and_leaves_the_old_one(tmp_path):
    from tmforge.atomic import atomic_write
    from tmforge.errors import TmforgeError

    target = tmp_path / "m.txt"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(TmforgeError, match=f"cannot write {target}: No space left on device; free some space"):
        with atomic_write(target) as fh:
            fh.write("new")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # what a full disk makes write() raise
    assert target.read_text(encoding="utf-8") == "old\n" and hidden_files(tmp_path) == []


def _small_file_limit():
    # A real write failure from the kernel: writes past RLIMIT_FSIZE fail with EFBIG (Python ignores SIGXFSZ).
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_writing_a_tmx_past_the_disk_limit_names_the_path(tmp_path):
    from tmforge.tm.formats import write_memory
    from tmforge.tm.model import TranslationMemory, TranslationUnit

    units = [TranslationUnit(f"Предложение номер {k}.", f"Sentence number {k}.", "ru", "en") for k in range(2000)]
    source = tmp_path / "in.tsv"
    write_memory(TranslationMemory.from_units(units), source)
    out = tmp_path / "out.tmx"
    out.write_text("old\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "tmforge", "tm", "convert", str(source), str(out), "--force"],
                         capture_output=True, text=True, timeout=120, preexec_fn=_small_file_limit)
    assert_error(run, 2, f"cannot write {out}")
    assert out.read_text(encoding="utf-8") == "old\n"
    assert hidden_files(tmp_path) == []


# ---------------------------------------------------------------- tm stats streams

def _tmx_of(path, n):
    from tmforge.tm.tmx import write_tmx
    from tmforge.tm.model import TranslationUnit

    filler = "слово " * 80
    write_tmx((TranslationUnit(f"{filler}{k}", f"word {k} " * 60, "ru", "en", score=(k % 10) / 10)
               for k in range(n)), path)
    return path


def _peak_python_memory(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_tm_stats_of_a_tmx_streams_in_bounded_memory(tmp_path):
    from tmforge.tm.ops import stats, stats_of_units
    from tmforge.tm.tmx import iter_tmx, read_tmx

    small, large = _tmx_of(tmp_path / "s.tmx", 1000), _tmx_of(tmp_path / "l.tmx", 4000)
    peaks = [_peak_python_memory(lambda p=p: stats_of_units(iter_tmx(p), chunk=500)) for p in (small, large)]
    # Four times the units, about the same peak: the text of one chunk at a time, not of the file.
    assert peaks[1] < 1.5 * peaks[0], peaks
    assert stats_of_units(iter_tmx(large), chunk=500) == stats(read_tmx(large))
    run = tmforge("tm", "stats", large, "--json")
    assert run.returncode == 0 and '"units": 4000' in run.stdout, run.stderr


# ---------------------------------------------------------------- outputs that belong together

def _limited(script, *args, limit=20_000):
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True,
                          timeout=120, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))


def test_a_moses_pair_is_replaced_whole_or_not_at_all(tmp_path):
    from tmforge.tm.formats import write_memory
    from tmforge.tm.model import TranslationMemory, TranslationUnit

    old = TranslationMemory.from_units([TranslationUnit("Старая.", "Old.", "ru", "en")])
    write_memory(old, tmp_path / "c.moses")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    # The Russian side fits under the file-size limit, the English one (longer) does not.
    units = [TranslationUnit("Да.", "A much longer English sentence number " + str(k), "ru", "en")
             for k in range(1500)]
    source = tmp_path / "new.tsv"
    write_memory(TranslationMemory.from_units(units), source)
    assert (tmp_path / "new.tsv").stat().st_size < 200_000
    run = subprocess.run([sys.executable, "-m", "tmforge", "tm", "convert", str(source), str(tmp_path / "c.moses"),
                          "--force"], capture_output=True, text=True, timeout=120,
                         preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000)))
    assert_error(run, 2, "cannot write", "c.en")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != "new.tsv"} == before


def test_atomic_group_puts_back_what_it_replaced_when_a_later_rename_fails(tmp_path, monkeypatch):
    from tmforge import atomic

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a", encoding="utf-8")
    b.write_text("old b", encoding="utf-8")
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the second target's rename fails (the first one is already done)
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(Exception, match="cannot write"):
        with atomic.atomic_group():
            for path in (a, b):
                with atomic.atomic_write(path) as fh:
                    fh.write("new")
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert (a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")) == ("old a", "old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_a_memory_and_its_review_page_are_replaced_together_or_not_at_all(tmp_path):
    out, page = tmp_path / "m.align", tmp_path / "m.html"
    out.write_text("[0]:[0]\n", encoding="utf-8")
    page.write_text("<p>old</p>", encoding="utf-8")
    # The beads (a few KB) fit under the file-size limit, the review page of the sample (tens of KB) does not.
    run = subprocess.run([sys.executable, "-m", "tmforge", "align", str(RU), str(EN), "-o", str(out),
                          "--review", str(page), "--force", "--quiet"], capture_output=True, text=True,
                         timeout=300, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000)))
    assert_error(run, 2, f"cannot write {page}")
    assert out.read_text(encoding="utf-8") == "[0]:[0]\n" and page.read_text(encoding="utf-8") == "<p>old</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.align", "m.html"]


# ---------------------------------------------------------------- readers: deep HTML, subtitles, no quadratic work

@pytest.mark.parametrize("depth", [300, 5000])
def test_html_nested_deeper_than_the_parser_limit_is_read_whole(tmp_path, depth):
    from tmforge.align.io import read_document

    # Forum pages leave <font> open in every post: each post nests one level deeper.
    posts = "".join(f"<font color=red><p>Сообщение номер {k}.</p>" for k in range(depth))
    page = tmp_path / "page.html"
    page.write_text(f"<html><body>{posts}<p>Последний абзац.</p></body></html>", encoding="utf-8")
    doc = read_document(page)
    texts = [p.text for p in doc.paragraphs]
    assert texts == [f"Сообщение номер {k}." for k in range(depth)] + ["Последний абзац."]


def _subtitles(tmp_path, body, suffix=".srt"):
    from tmforge.align.io import read_document

    path = tmp_path / f"s{suffix}"
    path.write_text(body, encoding="utf-8")
    return read_document(path)


def test_malformed_subtitle_timings_are_named_not_dropped_silently(tmp_path):
    doc = _subtitles(tmp_path, "1\n00:00:01,000 --> 00:00:02,000\nFirst.\n\n"
                               "2\n00:00:03.000 -> 00:00:04,000\nSecond.\n\n"
                               "3\n00:00:05,000 --> 00:00:06\nThird.\n\n"
                               "4\n99:99:99,999 --> 99:99:99,999\nFourth.\n")
    assert [p.text for p in doc.paragraphs] == ["First."]
    assert len(doc.warnings) == 1 and "skipped 2 cues" in doc.warnings[0] and "line 10, 14" in doc.warnings[0]


def test_subtitle_hour_of_thousands_of_digits(tmp_path):
    doc = _subtitles(tmp_path, "1\n00:00:01,000 --> 00:00:02,000\nFirst.\n\n"
                               f"2\n{'9' * 5000}:00:03,000 --> 00:00:04,000\nSecond.\n")
    assert [p.text for p in doc.paragraphs] == ["First."] and "line 6" in doc.warnings[0]


def test_subtitles_with_no_valid_cue_name_the_bad_lines(tmp_path):
    from tmforge.errors import TmforgeError

    with pytest.raises(TmforgeError, match="malformed"):
        _subtitles(tmp_path, "1\n00:00:01,000 --> 00:61:02,000\nOnly.\n")
    with pytest.raises(TmforgeError, match="line 3"):  # an end before its start
        _subtitles(tmp_path, "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nBackwards.\n", ".vtt")


# Markers that open and never close: the lazy patterns this replaced scanned to the end of the
# paragraph from each one (quadratic: 40-90 s for 80 KB); each paragraph is just under the limit.
HOSTILE_INLINE = ["**a " * 24_000, "*a " * 33_000, "_a " * 33_000, "[a " * 33_000, "<a " * 33_000,
                  "[a](" * 24_000, "`a " * 33_000 + "`"]


def test_markdown_inline_markup_takes_linear_time(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("\n\n".join(HOSTILE_INLINE), encoding="utf-8")
    script = ("import sys; from tmforge.align.io import read_document; "
              "print(len(read_document(sys.argv[1]).paragraphs))")
    # A guard against a hang, not a speed measure: the old code took many minutes on this file.
    run = subprocess.run([sys.executable, "-c", script, str(page)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == str(len(HOSTILE_INLINE)), run.stderr


def test_subtitle_cue_over_the_limit_is_refused_before_tag_work(tmp_path):
    page = tmp_path / "s.srt"
    # 2 MB of unclosed tags in one cue line: the old pattern scanned to the end of the line from each '<'.
    page.write_text("1\n00:00:01,000 --> 00:00:02,000\n" + "<i " * 700_000 + "\n", encoding="utf-8")
    run = tmforge("align", page, EN, "-o", tmp_path / "m.tmx", timeout=120)
    assert_error(run, 2, "paragraph of", "limit")


def test_markdown_paragraph_over_the_limit_is_refused_before_inline_work(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("**a " * 300_000, encoding="utf-8")  # 1.2 MB in one paragraph: quadratic work took hours
    run = tmforge("align", page, EN, "-o", tmp_path / "m.tmx", timeout=120)
    assert_error(run, 2, "paragraph of", "limit")


def test_docx_that_unpacks_past_the_cap_is_refused_before_inflating(tmp_path):
    import zipfile

    page = tmp_path / "bomb.docx"
    with zipfile.ZipFile(page, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * (3 * 1024 ** 2) + "</w:document>")
    assert page.stat().st_size < 100_000  # 3 MB of XML in a few KB
    run = tmforge("--max-input-size", "1M", "align", page, EN, "-o", tmp_path / "m.tmx")
    assert_error(run, 2, "unpacks to 3.0 MB", "--max-input-size")


# ---------------------------------------------------------------- encodings

@pytest.mark.parametrize("encoding", ["undefined", "unicode_escape", "raw_unicode_escape", "punycode"])
def test_encodings_that_are_not_charsets_are_refused(tmp_path, encoding):
    page = tmp_path / "ru.txt"
    page.write_text("Привет \\ud800 мир.\n", encoding="utf-8")
    run = tmforge("align", page, EN, "-o", tmp_path / "m.tmx", "--encoding", encoding)
    assert_error(run, 2, f"unknown encoding '{encoding}'")


def test_a_page_declaring_charset_undefined_is_read_by_detection(tmp_path):
    from tmforge.align.io import read_document

    page = tmp_path / "p.html"
    page.write_bytes('<html><head><meta charset="undefined"></head><body><p>Привет, мир.</p></body></html>'
                     .encode("cp1251"))
    assert [p.text for p in read_document(page).paragraphs] == ["Привет, мир."]


def test_an_encoding_that_makes_lone_surrogates_is_refused(tmp_path):
    from tmforge.align.io import read_document
    from tmforge.errors import TmforgeError

    page = tmp_path / "a.txt"
    page.write_bytes(b"Hello +2AA- world.\n")  # UTF-7 for a lone U+D800, which no output can hold
    with pytest.raises(TmforgeError, match="lone surrogate"):
        read_document(page, "utf-7")


# ---------------------------------------------------------------- memories from other tools

def _tmx(path, seq="1", lang="en", extra=""):
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="ru" datatype="plaintext"/>\n'
        f'<body><tu><prop type="x-seq">{seq}</prop><tuv xml:lang="ru"><seg>Да{extra}</seg></tuv>'
        f'<tuv xml:lang="{lang}"><seg>Yes</seg></tuv></tu></body></tmx>\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("seq", ["--1", "²", "9" * 30, "٣"])
def test_tmx_x_seq_that_is_no_number_reads_as_none(tmp_path, seq):
    from tmforge.tm.formats import read_memory

    units = list(read_memory(_tmx(tmp_path / "a.tmx", seq)).units())
    assert [(u.source, u.seq) for u in units] == [("Да", None)]
    run = tmforge("tm", "convert", tmp_path / "a.tmx", tmp_path / "a.parquet")
    assert run.returncode == 0, run.stderr


def test_tmx_with_an_html_entity_names_it_and_its_line(tmp_path):
    run = tmforge("tm", "convert", _tmx(tmp_path / "a.tmx", extra="&nbsp;"), tmp_path / "a.tsv")
    assert_error(run, 2, "line 3", "&nbsp;", "not defined")


def test_underscore_locales_read_write_back_and_map(tmp_path):
    from tmforge.tm.formats import read_memory

    source = _tmx(tmp_path / "a.tmx", lang="en_US")
    run = tmforge("tm", "convert", source, tmp_path / "b.tmx")
    assert run.returncode == 0, run.stderr
    assert [u.tgt_lang for u in read_memory(tmp_path / "b.tmx").units()] == ["en-US"]
    run = tmforge("tm", "convert", source, tmp_path / "c.tmx", "--lang-code", "en_US=en-GB")
    assert run.returncode == 0, run.stderr
    assert [u.tgt_lang for u in read_memory(tmp_path / "c.tmx").units()] == ["en-GB"]


def test_a_fifo_memory_is_named_as_such(tmp_path):
    fifo = tmp_path / "m.tsv"
    os.mkfifo(fifo)
    for command in (("tm", "stats", fifo), ("tm", "convert", fifo, tmp_path / "out.tmx")):
        run = tmforge(*command, timeout=60)
        assert_error(run, 2, "named pipe")


@pytest.mark.parametrize("fmt,content", [
    (".tsv", "source\ttarget\tsrc_lang\ttgt_lang\tprops\nA\tB\tru\ten\t[1, 2]\n"),
    (".csv", 'source,target,src_lang,tgt_lang,props\nA,B,ru,en,"""just text"""\n'),
    (".jsonl", '{"source": "A", "target": "B", "src_lang": "ru", "tgt_lang": "en", "props": "[1]"}\n'),
])
def test_props_that_are_not_a_json_object(tmp_path, fmt, content):
    path = tmp_path / f"m{fmt}"
    path.write_text(content, encoding="utf-8")
    run = tmforge("tm", "convert", path, tmp_path / "out.tmx")
    assert_error(run, 2, "row 1", "not a JSON object")
    assert not (tmp_path / "out.tmx").exists()


def test_parquet_props_and_metadata_of_the_wrong_type(tmp_path):
    import polars as pl

    frame = pl.DataFrame({"source": ["a"], "target": ["b"], "src_lang": ["ru"], "tgt_lang": ["en"], "props": [3]})
    frame.write_parquet(tmp_path / "p.parquet")
    assert_error(tmforge("tm", "convert", tmp_path / "p.parquet", tmp_path / "p.tmx"), 2, "not a JSON object")
    frame.drop("props").write_parquet(tmp_path / "m.parquet", metadata={"tmforge.meta": "[1, 2]"})
    assert_error(tmforge("tm", "convert", tmp_path / "m.parquet", tmp_path / "m.tmx"), 2, "metadata")


def test_deeply_nested_jsonl(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert_error(tmforge("tm", "convert", path, tmp_path / "m.tmx"), 2, "m.jsonl")


def test_a_parquet_file_that_makes_polars_abort(tmp_path):
    # Found by mutating a memory written by tmforge: polars panics in a worker thread and aborts the
    # process (SIGABRT, no Python exception); tmforge reads Parquet in a child process first.
    run = tmforge("tm", "convert", DATA / "hostile" / "damaged-aborts-polars.parquet", tmp_path / "m.tmx")
    assert_error(run, 2, "damaged Parquet file", "SIGABRT")
    assert not (tmp_path / "m.tmx").exists()


def test_writing_parquet_past_the_disk_limit_names_the_path(tmp_path):
    from tmforge.tm.formats import write_memory
    from tmforge.tm.model import TranslationMemory, TranslationUnit

    units = [TranslationUnit(f"Предложение номер {k}.", f"Sentence number {k}.", "ru", "en") for k in range(3000)]
    source = tmp_path / "in.tsv"
    write_memory(TranslationMemory.from_units(units), source)
    out = tmp_path / "out.parquet"
    out.write_bytes(b"old")
    run = subprocess.run([sys.executable, "-m", "tmforge", "tm", "convert", str(source), str(out), "--force"],
                         capture_output=True, text=True, timeout=120,
                         preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000)))
    assert_error(run, 2, f"cannot write {out}")
    assert out.read_bytes() == b"old" and hidden_files(tmp_path) == []


def _docx_bytes(tmp_path):
    import docx

    document = docx.Document()
    for k in range(30):
        document.add_paragraph(f"Абзац номер {k}: текст, который сжимается.")
    document.save(tmp_path / "good.docx")
    return (tmp_path / "good.docx").read_bytes()


def _rezip(data, change):
    """The DOCX with word/document.xml's bytes (or zip header fields) changed by `change`."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                body = change(body)
            dst.writestr(info, body)
    return out.getvalue()


def _patch_member(data, name, offset_in_header, value):
    """Overwrite a field of a member's local and central headers (e.g. its compression method)."""
    import struct

    patched = bytearray(data)
    for signature, field in ((b"PK\x03\x04", offset_in_header), (b"PK\x01\x02", offset_in_header + 2)):
        pos = 0
        while (pos := patched.find(signature, pos)) >= 0:
            name_at = pos + (30 if signature == b"PK\x03\x04" else 46)
            length = struct.unpack_from("<H", patched, pos + (26 if signature == b"PK\x03\x04" else 28))[0]
            if bytes(patched[name_at:name_at + length]) == name.encode():
                struct.pack_into("<H", patched, pos + field, value)
            pos += 4
    return bytes(patched)


@pytest.mark.parametrize("damage", ["truncated XML", "bad deflate data", "unknown compression method"])
def test_damaged_docx_is_one_error_line(tmp_path, damage):
    data = _docx_bytes(tmp_path)
    if damage == "truncated XML":
        data = _rezip(data, lambda body: body[:len(body) // 2])
    elif damage == "bad deflate data":
        start = data.find(b"word/document.xml") + len("word/document.xml") + 40
        data = data[:start] + bytes(b ^ 0x5A for b in data[start:start + 64]) + data[start + 64:]
    else:
        data = _patch_member(data, "word/document.xml", 8, 99)  # method 99: not one zipfile knows
    page = tmp_path / "broken.docx"
    page.write_bytes(data)
    run = tmforge("align", page, EN, "-o", tmp_path / "m.tmx")
    assert_error(run, 2, "broken.docx")


def test_a_signal_caught_before_does_not_fail_a_later_command_in_the_same_process(monkeypatch, capsys):
    # The CLI is also run in-process (tests, notebooks): a SIGTERM that ended an earlier command must
    # not make the next, uninterrupted one report "terminated".
    from tmforge import signals
    from tmforge.align.cli import main

    monkeypatch.setattr(signals, "received", signal.SIGTERM)
    monkeypatch.setattr(sys, "argv", ["tmforge", "tm", "formats"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code in (0, None), capsys.readouterr().err
    assert "terminated" not in capsys.readouterr().err


def test_a_scanned_or_damaged_pdf_is_one_error_line_and_exit_2(tmp_path):
    from documents import pdf_bytes

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes([["x"]], scanned=True))
    assert_error(tmforge("align", scan, EN, "-o", tmp_path / "m.tmx"), 2, "scan.pdf", "no text layer", "OCR")
    good = pdf_bytes([["Поставщик передаёт товар в срок, указанный в приложении."]])
    start = good.find(b"stream\n", good.find(b"/Filter /FlateDecode", good.find(b"/Type /Page"))) + 7
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(good[:start] + bytes(b ^ 0x5A for b in good[start:start + 16]) + good[start + 16:])
    assert_error(tmforge("align", broken, EN, "-o", tmp_path / "m.tmx"), 2, "broken.pdf", "not a readable PDF")
    assert not (tmp_path / "m.tmx").exists()
