"""tmforge translation memories: model, TMX and other formats, everyday operations."""

from tmforge.threads import cap_thread_env

cap_thread_env()  # polars sizes its pool at import: keep it within the usable cores

from tmforge.errors import TmforgeError  # noqa: E402
from tmforge.tm.model import TranslationMemory, TranslationUnit  # noqa: E402
from tmforge.tm.options import ReadOptions, WriteOptions, WriteReport  # noqa: E402
from tmforge.tm.formats import (MemoryFormat, format_for, iter_memory, read_memory, registry,  # noqa: E402
                                write_memory)
from tmforge.tm.ops import FilterOptions, dedupe, filter_memory, merge, stats  # noqa: E402
from tmforge.tm.tmx import TmxReader, iter_tmx, read_tmx, write_tmx  # noqa: E402

__all__ = ["FilterOptions", "MemoryFormat", "ReadOptions", "TmforgeError", "TmxReader", "TranslationMemory",
           "TranslationUnit", "WriteOptions", "WriteReport", "dedupe", "filter_memory", "format_for",
           "iter_memory", "iter_tmx", "merge", "read_memory", "read_tmx", "registry", "stats", "write_memory",
           "write_tmx"]
