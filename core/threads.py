"""Keep numerical libraries within the cores this process may use.

BLAS pools larger than the usable cores thrash (17x slower measured on a
2-core machine), so every thread knob is capped before numpy or polars load.
"""

from __future__ import annotations

import os

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
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
    for var in _THREAD_VARS:
        os.environ.setdefault(var, n)
