"""tmforge installs under its own name: the folders align/ and tm/ must not become top-level `align` and `tm`."""

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_the_wheel_holds_only_the_tmforge_namespace(tmp_path):
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    wheel = next(tmp_path.glob("tmforge-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"tmforge"}, top
    # Every file of the three folders ships (subpackages and data files must be listed in pyproject.toml).
    for folder, package in (("core", "tmforge"), ("align", "tmforge/align"), ("tm", "tmforge/tm")):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                shipped = f"{package}/{path.relative_to(ROOT / folder).as_posix()}"
                assert shipped in names, (f"{shipped} is not in the wheel: add its package to [tool.setuptools] "
                                          "packages (or its files to package-data) in pyproject.toml")
    assert "warning" not in run.stderr.lower(), run.stderr


def test_python_dash_m_tmforge_runs_the_cli():
    run = subprocess.run([sys.executable, "-m", "tmforge", "--help"], capture_output=True, text=True)
    assert run.returncode == 0 and "align" in run.stdout
