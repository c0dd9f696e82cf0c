"""Keep numerical libraries within the cores this process may use.

BLAS pools larger than the usable cores thrash (17x slower measured on a
2-core machine), so every thread knob is capped before numpy or polars load.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS",
                "POLARS_MAX_THREADS", "RAYON_NUM_THREADS")


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def cap_thread_env() -> None:
    """Set thread-count variables the user has not set; effective only before the libraries load."""
    n = str(usable_cores())
    for var in THREAD_VARS:
        os.environ.setdefault(var, n)


@contextmanager
def thread_env(threads: int) -> Iterator[None]:
    """Every thread-count variable set to `threads` inside the block, as it was after.

    For starting worker processes: a spawned child reads them before its
    numerical libraries load, so each worker uses `threads` threads.
    """
    saved = {var: os.environ.get(var) for var in THREAD_VARS}
    os.environ.update({var: str(threads) for var in THREAD_VARS})
    try:
        yield
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value
