"""Thread caps live in tmforge.threads only: worker environments are set there and restored after."""

import os

from tmforge.threads import THREAD_VARS, thread_env


def test_thread_env_sets_every_variable_and_restores_them(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    with thread_env(3):
        assert all(os.environ[var] == "3" for var in THREAD_VARS)
    assert os.environ["OMP_NUM_THREADS"] == "7" and "MKL_NUM_THREADS" not in os.environ


def test_no_other_module_lists_thread_variables():
    from conftest import ROOT

    for folder in ("align", "tm", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "OPENBLAS_NUM_THREADS" not in text and "sched_getaffinity" not in text, path
