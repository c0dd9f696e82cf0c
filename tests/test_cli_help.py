"""The command line at an 80-column terminal: help that fits, -h, --version, one-line usage errors."""

import os
import re
import subprocess
import sys
from importlib.metadata import version

import pytest
from typer.main import get_command

from tmforge.align.cli import app
from tmforge.commandline import run


def command_paths(command, path=()):
    """Every command and group of the tree, as the words that call it."""
    yield list(path)
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, (*path, name))


COMMANDS = list(command_paths(get_command(app)))  # tmforge, align, ..., tm, tm convert, ... and any added later
EXAMPLED = [[], ["align"], ["eval"], ["split"], ["tm"], ["tm", "convert"], ["tm", "merge"],
            ["tm", "dedupe"], ["tm", "filter"], ["tm", "stats"]]


class Run:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def tmforge(capsys, monkeypatch):
    """The command run in this process through its real entry point, at an 80-column terminal."""
    monkeypatch.setenv("COLUMNS", "80")

    def invoke(*args):
        with pytest.raises(SystemExit) as end:
            run(app, [str(a) for a in args])
        out, err = capsys.readouterr()
        return Run(end.value.code, out, err)
    return invoke


def subprocess_tmforge(*args):
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True,
                          text=True, env=env)


def click_command(path):
    command = get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def option_names(command):
    return [name for param in command.params if not getattr(param, "hidden", False)
            for name in (*param.opts, *param.secondary_opts) if name.startswith("-")]


@pytest.fixture
def helps(tmforge):
    """Every command's --help at COLUMNS=80."""
    return {" ".join(path): tmforge(*path, "--help") for path in COMMANDS}


@pytest.mark.parametrize("path", [" ".join(p) for p in COMMANDS])
def test_help_fits_80_columns_and_names_every_option_whole(helps, path):
    done = helps[path]
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    assert not re.search(r"[╭│╰…]", done.stdout)  # no boxes squeezing the text, nothing cut off
    for name in option_names(click_command(path.split())):
        # Whole: not followed by more of a name (a cut-off --lang-c would not match --lang-code).
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", done.stdout), name
    assert f"Usage: tmforge {path}".rstrip() in done.stdout


def test_top_level_and_tm_help_show_examples(helps):
    for path in ("", "tm"):
        text = helps[path].stdout
        examples = text[text.index("Examples:"):]
        assert re.search(rf"\n +tmforge {path} ?\w", examples), text
    for path in (" ".join(p) for p in EXAMPLED if p and p != ["tm"]):
        assert "tmforge " + path in helps[path].stdout.split("Usage:", 1)[1], path  # an example of itself


def test_help_groups_align_options(helps):
    text = helps["align"].stdout
    sections = re.findall(r"^(\w[\w ]*):$", text, flags=re.M)
    assert sections[:7] == ["Examples", "Arguments", "Input", "Output", "Alignment", "Batch", "Screen"][
        :len(sections[:7])] or sections
    for section, option in (("Input", "--src-lang"), ("Output", "--lang-code"), ("Alignment", "--model"),
                            ("Batch", "--jobs"), ("Screen", "--quiet")):
        block = text.split(f"\n{section}:\n", 1)[1].split("\n\n", 1)[0]
        assert option in block, (section, block)


@pytest.mark.parametrize("path", [[], ["align"], ["tm"], ["tm", "filter"]])
def test_h_is_help(helps, tmforge, path):
    done = tmforge(*path, "-h")
    assert done.returncode == 0
    assert done.stdout == helps[" ".join(path)].stdout


def test_version_and_a_usage_error_through_the_installed_entry_point():
    done = subprocess_tmforge("--version")
    assert done.returncode == 0
    assert done.stdout == f"tmforge {version('tmforge')}\n" and done.stderr == ""
    done = subprocess_tmforge("align", "-x")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: no such option: -x; see tmforge align --help\n"


@pytest.mark.parametrize("args, words", [
    (["align", "ru.txt", "--no-such-option"], ["no such option", "--no-such-option", "tmforge align --help"]),
    (["align", "ru.txt", "--outptu", "x.tmx"], ["--outptu", "--output", "tmforge align --help"]),
    (["tm", "convert", "memory.tmx"], ["missing argument", "OUTPUT", "tmforge tm convert --help"]),
    (["align", "a.txt", "b.txt", "--whitespace", "squeeze"], ["--whitespace", "squeeze", "trim", "keep"]),
    (["tm", "dedupe", "a.tmx", "-o", "b.tmx", "--mode", "fuzzy"], ["--mode", "fuzzy", "normalized"]),
    (["align", "a.txt", "b.txt", "--jobs", "0"], ["--jobs", "1"]),
    (["frobnicate"], ["no such command", "frobnicate", "tmforge --help"]),
    (["tm", "stats"], ["missing argument", "SOURCE", "tmforge tm stats --help"]),
])
def test_usage_error_is_one_error_line_exit_2(tmforge, args, words):
    done = tmforge(*args)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "--help" in lines[0] and done.stdout == ""
    for word in words:
        assert word in lines[0], lines[0]


def test_no_arguments_prints_the_help(tmforge):
    done = tmforge()
    assert done.returncode == 2 and "Examples:" in done.stderr and "align" in done.stderr


def test_align_help_names_the_input_formats_and_xliff(helps):
    # A translator asking "does it read my PDF / EPUB / subtitles?" found no answer in the help; the top help
    # listed the outputs without XLIFF.
    from tmforge.align.readers import READERS

    text = " ".join(helps["align"].stdout.split())
    assert all(ext in text for ext in (".pdf", ".epub", ".odt", ".xlsx", ".pptx", ".srt", ".vtt", ".docx", ".md"))
    assert all(ext in text for ext in READERS.extensions)
    assert "TMX and XLIFF for CAT tools" in " ".join(helps[""].stdout.split())
