"""tmforge translation memories: model, TMX and other formats, everyday operations."""

from tmforge.threads import cap_thread_env

cap_thread_env()  # polars sizes its pool at import: keep it within the usable cores

from tmforge.errors import TmforgeError  # noqa: E402
from tmforge.tm.model import TranslationMemory, TranslationUnit  # noqa: E402
from tmforge.tm.formats import read_memory, write_memory  # noqa: E402
from tmforge.tm.ops import FilterOptions, dedupe, filter_memory, merge, stats  # noqa: E402
from tmforge.tm.tmx import TmxOptions, TmxReader, iter_tmx, read_tmx, write_tmx  # noqa: E402

__all__ = ["FilterOptions", "TmforgeError", "TmxOptions", "TmxReader", "TranslationMemory", "TranslationUnit",
           "dedupe", "filter_memory", "iter_tmx", "merge", "read_memory", "read_tmx", "stats", "write_memory",
           "write_tmx"]
