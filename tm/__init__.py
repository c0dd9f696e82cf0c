"""tmforge translation memories: model, TMX and other formats, everyday operations."""

import os as _os

# polars sizes its pool at import; keep it within the usable cores.
try:
    _os.environ.setdefault("POLARS_MAX_THREADS", str(max(1, len(_os.sched_getaffinity(0)))))
except AttributeError:
    pass

from tm.errors import TmforgeError  # noqa: E402
from tm.model import TranslationMemory, TranslationUnit  # noqa: E402
from tm.formats import read_memory, write_memory  # noqa: E402
from tm.ops import FilterOptions, dedupe, filter_memory, merge, stats  # noqa: E402
from tm.tmx import TmxOptions, TmxReader, iter_tmx, read_tmx, write_tmx  # noqa: E402

__all__ = ["FilterOptions", "TmforgeError", "TmxOptions", "TmxReader", "TranslationMemory", "TranslationUnit",
           "dedupe", "filter_memory", "iter_tmx", "merge", "read_memory", "read_tmx", "stats", "write_memory",
           "write_tmx"]
