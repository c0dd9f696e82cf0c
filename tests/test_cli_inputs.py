"""Bad input through the command line: a one-line message that says what to do, the documented
exit code, no output or temporary file left behind, and inputs untouched."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLES

RU = SAMPLES / "parallel" / "ru.txt"
EN = SAMPLES / "parallel" / "en.txt"


def tmforge(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)


def snapshot(folder):
    """Every file under folder with a hash of its bytes: what must not change."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_refused(run, code, *words):
    assert run.returncode == code, (run.returncode, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert run.stdout == ""


@pytest.fixture
def inputs(tmp_path):
    """A folder holding copies of the sample pair, and an empty output folder beside it."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ru.txt").write_bytes(RU.read_bytes())
    (folder / "en.txt").write_bytes(EN.read_bytes())
    (tmp_path / "out").mkdir()
    return folder


def refuse(inputs, args, code, *words):
    before = snapshot(inputs)
    out_dir = inputs.parent / "out"
    run = tmforge("align", *args, "-o", out_dir / "memory.tmx")
    assert_refused(run, code, *words)
    assert list(out_dir.iterdir()) == []  # no output, no temporary file
    assert snapshot(inputs) == before   # inputs untouched (and nothing written beside them)


def test_missing_path(inputs):
    refuse(inputs, [inputs / "nope.txt", inputs / "en.txt"], 2, "not found", "check the path")


def test_a_folder_instead_of_a_file(inputs):
    refuse(inputs, [inputs], 2, "is a folder", "give two folders")
    refuse(inputs, [inputs, inputs / "en.txt"], 2, "folder", "two files or two folders")


@pytest.mark.parametrize("content", [b"", b"  \n\t\n  \n"])
def test_empty_or_whitespace_file(inputs, content):
    (inputs / "empty.txt").write_bytes(content)
    refuse(inputs, [inputs / "empty.txt", inputs / "en.txt"], 2, "is empty", "give a file with text")


def test_binary_file(inputs):
    (inputs / "photo.txt").write_bytes(bytes(range(256)) * 64)
    refuse(inputs, [inputs / "ru.txt", inputs / "photo.txt"], 2, "binary file")


def test_undecodable_bytes(inputs):
    data = RU.read_bytes()
    (inputs / "broken.txt").write_bytes(data[:3000] + b"\xff\xfe\xfd" + data[3000:])
    refuse(inputs, [inputs / "broken.txt", inputs / "en.txt"], 2, "not valid UTF-8", "--encoding")


def test_both_files_in_the_same_language(inputs):
    (inputs / "en2.txt").write_bytes(EN.read_bytes())
    refuse(inputs, [inputs / "en.txt", inputs / "en2.txt"], 2, "both files are in English")


def test_one_side_twenty_times_longer(inputs):
    ru = RU.read_text(encoding="utf-8")
    short = "\n\n".join(ru.split("\n\n")[:1]) + "\n"
    (inputs / "short.txt").write_text(short, encoding="utf-8")
    en_letters = sum(c.isalpha() for c in EN.read_text(encoding="utf-8"))
    assert en_letters / sum(c.isalpha() for c in short) >= 20
    refuse(inputs, [inputs / "short.txt", inputs / "en.txt"], 2, "times longer", "--no-length-check")


def test_ten_megabyte_single_line(inputs):
    line = ("Это очень длинная строка без единого перевода строки " * 200_000)[:10_000_000]
    (inputs / "line.txt").write_text(line, encoding="utf-8")
    refuse(inputs, [inputs / "line.txt", inputs / "en.txt"], 2, "characters", "break the text")


def test_file_with_only_numbers(inputs):
    (inputs / "numbers.txt").write_text("12 345\n\n2024 2025 2026\n\n3.14 2.71\n", encoding="utf-8")
    refuse(inputs, [inputs / "numbers.txt", inputs / "en.txt"], 2, "does not look like Russian or English",
           "--src-lang")


def test_output_equal_to_an_input(inputs):
    before = snapshot(inputs)
    run = tmforge("align", inputs / "ru.txt", inputs / "en.txt", "-o", inputs / "en.txt", "--force")
    assert_refused(run, 2, "is also an input")
    assert snapshot(inputs) == before


def test_review_page_equal_to_an_input(inputs, tmp_path):
    (inputs / "page.html").write_text("<p>keep me</p>", encoding="utf-8")
    before = snapshot(inputs)
    run = tmforge("align", inputs / "ru.txt", inputs / "page.html", "-o", tmp_path / "out" / "m.tmx",
                  "--review", inputs / "page.html", "--force")
    assert_refused(run, 2, "is also an input")
    assert snapshot(inputs) == before


def test_unwritable_output_folder(inputs, tmp_path):
    if os.geteuid() == 0:
        target = "/proc"  # permission bits do not stop root; /proc refuses new files to everyone
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        target = str(locked)
    before = snapshot(inputs)
    run = tmforge("align", inputs / "ru.txt", inputs / "en.txt", "-o", f"{target}/memory.tmx")
    assert_refused(run, 2, "not writable", "choose another output")
    assert snapshot(inputs) == before


def test_missing_output_folder(inputs, tmp_path):
    run = tmforge("align", inputs / "ru.txt", inputs / "en.txt", "-o", tmp_path / "no" / "such" / "m.tmx")
    assert_refused(run, 2, "does not exist", "create it")


def test_existing_output_without_force(inputs, tmp_path):
    out = tmp_path / "out" / "memory.tmx"
    out.write_text("earlier work", encoding="utf-8")
    run = tmforge("align", inputs / "ru.txt", inputs / "en.txt", "-o", out)
    assert_refused(run, 2, "already exists", "--force")
    assert out.read_text(encoding="utf-8") == "earlier work"


def test_unknown_output_format(inputs, tmp_path):
    run = tmforge("align", inputs / "ru.txt", inputs / "en.txt", "-o", tmp_path / "out" / "m.docx")
    assert_refused(run, 2, "unknown output format")


def test_usage_error_exits_2(inputs):
    run = tmforge("align", inputs / "ru.txt", "--no-such-option")
    assert run.returncode == 2 and "no such option" in run.stderr and run.stderr.count("\n") == 1


@pytest.mark.parametrize("batch", [False, True], ids=["pair", "batch"])
def test_ctrl_c_mid_run_leaves_nothing(tmp_path, batch):
    # The sample repeated: long enough that aligning it takes far longer than the wait below.
    ru_lines = (SAMPLES / "parallel" / "ru.txt").read_text(encoding="utf-8") * 40
    en_lines = (SAMPLES / "parallel" / "en.txt").read_text(encoding="utf-8") * 40
    src, tgt = tmp_path / "ru", tmp_path / "en"
    src.mkdir()
    tgt.mkdir()
    for name in ("a.txt", "b.txt") if batch else ("a.txt",):
        (src / name).write_text(ru_lines, encoding="utf-8")
        (tgt / name).write_text(en_lines, encoding="utf-8")
    before = snapshot(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    args = [src, tgt] if batch else [src / "a.txt", tgt / "a.txt"]
    proc = subprocess.Popen([sys.executable, "-m", "tmforge", "align", *map(str, args), "-o", str(out / "m.tmx"),
                             "--review", str(out / "m.html")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            # a shell's background job starts with SIGINT ignored; a terminal's Ctrl-C does not
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(6)  # imports take about a second; aligning 2,000 paragraphs a side takes far longer
    assert proc.poll() is None, "finished before the interrupt: use a larger input"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr.splitlines() == [stderr.strip()] and stderr.startswith("error: interrupted")
    assert list(out.iterdir()) == []
    assert snapshot(tmp_path) == before


def _loaded_numpy(pid: int) -> bool:
    """Whether the process has mapped numpy's core library: the CLI's imports have begun, not ended."""
    return "_multiarray_umath" in Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads a process's mappings from /proc (Linux)")
def test_ctrl_c_while_the_cli_is_still_loading_is_one_line_and_130(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "tmforge", "align", str(SAMPLES / "parallel" / "ru.txt"),
                             str(SAMPLES / "parallel" / "en.txt"), "-o", str(tmp_path / "m.tmx")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not _loaded_numpy(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)  # the CLI's imports (polars, lingua, the encoder) are still running
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert stderr.splitlines() == [stderr.strip()] and stderr.startswith("error: interrupted")
    assert list(tmp_path.iterdir()) == []
