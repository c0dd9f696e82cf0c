"""tmforge translation memories: model, TMX and other formats, everyday operations."""

import os as _os

# polars sizes its pool at import; keep it within the usable cores.
try:
    _os.environ.setdefault("POLARS_MAX_THREADS", str(max(1, len(_os.sched_getaffinity(0)))))
except AttributeError:
    pass

from tm.errors import TmforgeError  # noqa: E402
from tm.model import TranslationMemory  # noqa: E402
from tm.formats import read_memory, write_memory  # noqa: E402

__all__ = ["TmforgeError", "TranslationMemory", "read_memory", "write_memory"]
