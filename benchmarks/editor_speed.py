"""The editor's speed in a real browser on a 10,000-sentence pair (Russian-English).

Builds the pair of benchmarks/speed.py (real WMT22 and Tatoeba sentence pairs,
seeded), runs `tmforge edit`'s steps (align, write the project file), starts
the editor's server on 127.0.0.1 and drives Debian's chromium with Playwright:

- open: from navigation to the page showing the beads;
- scroll: jumps to 20 positions across the document, each timed until the rows
  are rendered (only the rows on screen exist in the DOM);
- each edit: from the key press to the server's answer applied and shown
  (the page times it: request, save in SQLite, render), 20 of each kind;
- realign after one confirmation in the middle of the document, and after
  one merge there (which makes the neighbours wrong): timed in the page, and
  the server's own time.

Usage: python benchmarks/editor_speed.py [--sentences 10000] [--project KEEP.tmfproj] [--no-write]

--project keeps the aligned project file (aligning 10,000 sentences takes minutes) and
reuses it on later runs: the benchmark always edits a copy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align import pipeline  # noqa: E402
from tmforge.align.editor.app import Editor, Server  # noqa: E402
from tmforge.align.editor.build import SpanRecorder, create_project  # noqa: E402
from tmforge.align.editor.export import export_project  # noqa: E402
from tmforge.align.editor.project import Project  # noqa: E402
from tmforge.threads import usable_cores  # noqa: E402
from tmforge.align.embed import load_encoder  # noqa: E402
from tmforge.align.search import SearchParams  # noqa: E402
from benchmarks.report import table, write_section  # noqa: E402
from benchmarks.speed import build_pair  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCROLL = """async (y) => {
  const list = document.getElementById('list'); const t = performance.now();
  list.scrollTop = y;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [performance.now() - t, document.querySelectorAll('.bead').length];
}"""


def timed_key(page, key: str, what: str) -> dict:
    """Press a key and wait for the edit to be saved and shown: the page's timing {ms, serverCpuMs}."""
    before = page.evaluate("window.__editor.saved")
    page.keyboard.press(key)
    page.wait_for_function(f"window.__editor.saved > {before}", timeout=60000)
    error = page.evaluate("document.body.dataset.error || ''")
    if error:
        raise SystemExit(f"{what} failed: {error}")
    return page.evaluate("window.__editor.timings[window.__editor.timings.length - 1]")


def build_project(sentences: int, folder: Path) -> tuple[Project, float]:
    """Align the speed benchmark's pair as `tmforge edit` does; the project and the seconds it took."""
    build_pair(sentences, folder)
    started = time.perf_counter()
    recorder, params = SpanRecorder(load_encoder()), SearchParams()
    alignment = pipeline.align_files(folder / "ru.txt", folder / "en.txt", encoder=recorder, params=params)
    project = create_project(folder / "ru.tmfproj", alignment, recorder, params,
                             [folder / "ru.txt", folder / "en.txt"], "bench")
    return project, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=10000)
    parser.add_argument("--project", type=Path, help="aligned project to reuse (built and kept there if missing)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = None
        if args.project and args.project.exists():
            shutil.copyfile(args.project, folder / "ru.tmfproj")
            project = Project.open(folder / "ru.tmfproj")
        else:
            project, made = build_project(args.sentences, folder)
            if args.project:   # keep a copy of the untouched project for later runs
                project.close()
                shutil.copyfile(folder / "ru.tmfproj", args.project)
                project = Project.open(folder / "ru.tmfproj")
        size_mb = (folder / "ru.tmfproj").stat().st_size / 1e6
        server = Server(Editor(project, export=lambda p, out: export_project(p, out).written)).start()
        rows = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
                page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)
                t = time.perf_counter()
                page.goto(server.url)
                page.wait_for_selector("body[data-ready='1']", timeout=120000)
                open_s = time.perf_counter() - t
                rows.append(["open the page (navigation to beads shown)", 1, f"{open_s * 1000:.0f}",
                             f"{open_s * 1000:.0f}", ""])
                height = page.evaluate("document.getElementById('spacer').offsetHeight")
                scrolls = [page.evaluate(SCROLL, height * k / 20) for k in range(20)]
                rows.append(["scroll to a new position, rows rendered", 20,
                             f"{statistics.median(s[0] for s in scrolls):.1f}", f"{max(s[0] for s in scrolls):.1f}", ""])
                in_dom = max(s[1] for s in scrolls)
                n = len(project.beads)
                edits = {"confirm (c)": [], "merge (m)": [], "undo (Ctrl+Z)": [], "redo (Ctrl+Y)": [],
                         "split (s)": [], "move a sentence ([)": [], "delete from export (x)": []}
                for r in range(20):
                    page.evaluate(f"window.__editor.select({n // 4 + 37 * r})")
                    edits["confirm (c)"].append(timed_key(page, "c", "confirm"))
                    page.keyboard.press("j")
                    edits["merge (m)"].append(timed_key(page, "m", "merge"))
                    edits["undo (Ctrl+Z)"].append(timed_key(page, "Control+z", "undo"))
                    edits["redo (Ctrl+Y)"].append(timed_key(page, "Control+y", "redo"))
                    edits["split (s)"].append(timed_key(page, "s", "split"))
                    edits["move a sentence ([)"].append(timed_key(page, "[", "move"))
                    edits["delete from export (x)"].append(timed_key(page, "x", "delete"))
                for what, timings in edits.items():
                    ms = [t["ms"] for t in timings]
                    cpu = [t["serverCpuMs"] for t in timings]
                    rows.append([f"edit: {what}, saved and shown", len(ms), f"{statistics.median(ms):.1f}",
                                 f"{max(ms):.1f}", f"{statistics.median(cpu):.1f}"])
                # Realign: first settle the edits above, then one confirmation / one merge mid-document.
                timed_key(page, "r", "realign")
                for label, key in (("realign after one confirmation", "c"), ("realign after one merge", "m")):
                    page.evaluate(f"window.__editor.select({3 * n // 4})")
                    timed_key(page, key, label)
                    timing = timed_key(page, "r", label)
                    rows.append([f"{label} (in the page)", 1, f"{timing['ms']:.0f}", f"{timing['ms']:.0f}",
                                 f"{timing['serverCpuMs']:.0f}"])
                browser.close()
        finally:
            server.stop()
            project.close()
    load = os.getloadavg()[0]
    body = table(["step", "times", "median ms", "max ms", "server CPU ms (median)"], rows)
    building = (f"Aligning and writing the project took {made:.0f} s" if made is not None
                else f"The project was reused from {args.project} (built by an earlier run)")
    body += (f"\n\n{args.sentences} sentences per side ({n} beads). {building} (the project file is "
             f"{size_mb:.0f} MB: float16 span embeddings). At most {in_dom} rows were in the DOM at once. "
             "Targets: open < 3 s, each edit < 100 ms, realign < 2 s. Wall times are from key press to the "
             "change shown in the page; the server CPU column is the request's CPU time on the server's "
             f"thread (its Server-Timing header), which does not grow with other processes' load "
             f"(load average {load:.1f} on {usable_cores()} usable cores at the end of this run).")
    print(body)
    if not args.no_write:
        write_section("editor-speed", "Editor: speed in the browser (10,000-sentence pair)", body)


if __name__ == "__main__":
    main()
