"""Open a page in a real headless browser (Debian's chromium) and return the DOM it rendered."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lxml import html as lxml_html

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    exe = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
    if exe is None:
        pytest.skip("chromium is not installed: apt-get install chromium (.ci/run installs it for CI)")
    return exe


def rendered_dom(page: Path):
    """The page's DOM after its scripts ran, parsed with lxml."""
    exe = chromium()
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return lxml_html.fromstring(run.stdout)


def screenshot(page: Path, png: Path, size: str = "1400,1000") -> None:
    exe = chromium()
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                        f"--screenshot={png}", page.resolve().as_uri()], capture_output=True, timeout=120, check=True)
