"""The layers import downwards only: core/ (the tmforge package) <- tm/ <- align/.

tm/ must work without the aligner (it gets a language detector passed in),
and core/ without either, so each can be reused and tested alone.
"""

import ast
from pathlib import Path

import pytest

from conftest import ROOT


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def offenders(folder: str, forbidden: tuple[str, ...], exempt: tuple[str, ...] = ()) -> dict[str, list[str]]:
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        if path.name in exempt:
            continue
        bad = sorted(m for m in imported_modules(path)
                     if any(m == f or m.startswith(f + ".") for f in forbidden))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_tm_never_imports_the_aligner():
    assert offenders("tm", ("tmforge.align", "align")) == {}


def test_core_imports_neither_package():
    # __main__ is the `python -m tmforge` entry point: it starts the command line, which is the top.
    assert offenders("core", ("tmforge.align", "tmforge.tm", "align", "tm"), exempt=("__main__.py",)) == {}


def test_the_scan_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from tmforge.align.detect import detect_language\n", encoding="utf-8")
    assert "tmforge.align.detect" in imported_modules(module)


@pytest.mark.parametrize("source", ["import tmforge.align", "from tmforge import align"])
def test_the_scan_sees_every_spelling(tmp_path, source):
    module = tmp_path / "m.py"
    module.write_text(source + "\n", encoding="utf-8")
    assert any(m == "tmforge.align" for m in imported_modules(module))
