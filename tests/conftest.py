from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = ROOT / "tests" / "data"  # everything the suite reads besides samples/ (tests/data/README.md)


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def encoder():
    from tmforge.align.embed import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def sample_gold():
    """The bundled sample: English and Russian gold sentences and gold beads (en -> ru)."""
    from tmforge.align.beads import read_beads

    parallel = SAMPLES / "parallel"
    return (read_lines(parallel / "en.sent"), read_lines(parallel / "ru.sent"),
            read_beads(parallel / "gold.align"))


@pytest.fixture()
def cli(capsys):
    """The same entry point in this process (starting a process costs seconds on a loaded machine)."""
    from tmforge.align.cli import main

    def run(*args):
        old = sys.argv
        sys.argv = ["tmforge", *map(str, args)]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        finally:
            sys.argv = old
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)
    return run
