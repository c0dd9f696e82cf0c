from __future__ import annotations

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
