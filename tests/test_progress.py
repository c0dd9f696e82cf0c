"""Progress of one long pair: determinate counts from the pipeline, shown only on a terminal."""

import io
import json
import os
import pty
import select
import subprocess
import sys

import numpy as np
import pytest
from rich.console import Console

from conftest import SAMPLES
from tmforge.align import pipeline
from tmforge.align.progress import ProgressView
from tmforge.align.search import SearchParams, search
from tmforge.reporting import Stage, stage_step

RU = SAMPLES / "parallel" / "ru.txt"
EN = SAMPLES / "parallel" / "en.txt"


class Recorder:
    """A Progress callback that keeps every report."""

    def __init__(self):
        self.events = []

    def __call__(self, stage, done=0, total=None):
        self.events.append((stage, done, total))

    def of(self, stage):
        return [(done, total) for s, done, total in self.events if s == stage]


def assert_counts_up_to_total(reports, total):
    assert reports, "stage never reported"
    assert {t for _, t in reports} == {total}  # the total is known from the first report on
    done = [d for d, _ in reports]
    assert done[0] == 0 and done[-1] == total and done == sorted(done)


def test_a_pair_reports_sentences_embedded_and_rows_searched(encoder):
    recorder = Recorder()
    result = pipeline.align_files(RU, EN, encoder=encoder, progress=recorder)
    stages = list(dict.fromkeys(s for s, _, _ in recorder.events))
    assert stages == ["reading", "segmenting", "embedding", "aligning"]
    assert_counts_up_to_total(recorder.of("embedding"), len(result.src) + len(result.tgt))
    rows = recorder.of("aligning")
    assert_counts_up_to_total(rows, rows[-1][1])
    assert rows[-1][1] >= len(result.src) + 1  # every row of the finest level, at least
    # Listening changes nothing.
    assert pipeline.align_files(RU, EN, encoder=encoder).beads == result.beads


def test_search_counts_the_rows_of_every_pyramid_level():
    rng = np.random.default_rng(7)
    n, m, d = 300, 320, 16
    src = rng.normal(size=(n, d)).astype(np.float32)
    tgt = np.vstack([src[:n // 2], rng.normal(size=(20, d)), src[n // 2:]]).astype(np.float32)
    spans = [pipeline.search.__globals__["mean_spans"](x, 4) for x in (src, tgt)]
    params = SearchParams(coarse_cells=5_000)  # several levels: 300x320 pooled down to 75x80
    reports = []
    beads = search(spans[0], spans[1], np.full(n, 40), np.full(m, 40), params,
                   on_step=lambda done, total: reports.append((done, total)))
    total = reports[-1][1]
    levels, rows = [n], n
    while rows * (m * rows // n) > params.coarse_cells and rows > 8:
        rows = (rows + 1) // 2
        levels.append(rows)
    assert total == sum(r + 1 for r in levels) and len(levels) > 2
    assert [d for d, _ in reports] == list(range(total + 1))  # 0, then one report per row, none missed
    assert search(spans[0], spans[1], np.full(n, 40), np.full(m, 40), params) == beads


def test_reencoded_spans_report_and_equal_the_silent_result(encoder):
    texts = [f"Sentence number {k} of a long text." for k in range(150)]  # 594 spans: three chunks
    reports = []
    told = pipeline.span_embeddings(encoder, texts, 4, exact=True, on_step=lambda d, t: reports.append((d, t)))
    spans = sum(len(texts) - k for k in range(4))
    assert reports == [(256, spans), (512, spans), (spans, spans)]
    assert np.array_equal(told, pipeline.span_embeddings(encoder, texts, 4, exact=True))


def test_stage_reports_at_most_its_grain_and_always_the_end():
    recorder = Recorder()
    stage = Stage(recorder, "embedding", 10_000, grain=100)
    for part_start, size in ((0, 6_000), (6_000, 4_000)):
        step = stage.part(part_start, size)
        for done in range(1, size + 1):
            step(done, size)
    reports = recorder.of("embedding")
    assert len(reports) <= 102 and reports[0] == (0, 10_000) and reports[-1] == (10_000, 10_000)
    assert Stage(None, "embedding", 5).part(0, 5) is None and stage_step(None, "aligning") is None


def test_view_draws_counts_and_time_left_never_a_question_mark():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80, color_system=None)
    with ProgressView(console=console, delay=0) as view:
        view.stage("loading encoder")
        view._start()
        view._progress.refresh()
        view.stage("embedding", 0, 10_000)
        view.stage("embedding", 2_500, 10_000)
        view._progress.refresh()
    screen = out.getvalue()
    assert "loading encoder" in screen and "2,500/10,000 sentences" in screen and "ETA " in screen
    assert "/?" not in screen
    assert all(len(line) <= 80 for line in screen.replace("\r", "\n").splitlines())


def test_view_is_silent_off_a_terminal():
    out = io.StringIO()
    with ProgressView(console=Console(file=out), delay=0) as view:
        view.stage("embedding", 5, 10)
    assert out.getvalue() == ""


def run_in_pty(args, timeout=240):
    """Run tmforge with stdout and stderr on a terminal; everything it wrote, and its exit code."""
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "tmforge", *map(str, args)], stdin=child, stdout=child,
                            stderr=child, env=env, close_fds=True)
    os.close(child)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], timeout)
        if not ready:
            proc.kill()
            raise AssertionError("no output for too long")
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace"), proc.wait()


@pytest.mark.slow
def test_terminal_shows_the_steps_first_and_quiet_json_stay_clean(tmp_path):
    screen, code = run_in_pty(["align", RU, EN, "-o", tmp_path / "a.tmx"])
    assert code == 0
    first = screen.index("loading encoder")
    assert first < screen.index("aligned 1 of 1 pair")  # the first line comes before any result
    assert "wrote" in screen
    screen, code = run_in_pty(["align", RU, EN, "-o", tmp_path / "b.tmx", "--quiet"])
    assert code == 0 and screen == ""
    screen, code = run_in_pty(["align", RU, EN, "-o", tmp_path / "c.tmx", "--json"])
    assert code == 0 and json.loads(screen)["aligned"] == 1
