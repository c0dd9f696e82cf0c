"""tmforge aligner: read, detect, segment, embed and align Russian/English text.

    >>> from tmforge import align
    >>> result = align.align_files("ru.txt", "en.txt")
    >>> memory = align.to_memory(result)
"""

from tmforge.threads import cap_thread_env

cap_thread_env()  # before numpy loads

from tmforge.align.beads import Bead, format_beads, parse_beads, read_beads  # noqa: E402
from tmforge.align.detect import detect_language  # noqa: E402
from tmforge.align.mixed import split_mixed  # noqa: E402
from tmforge.align.embed import Encoder, load_encoder  # noqa: E402
from tmforge.align.evaluate import evaluate  # noqa: E402
from tmforge.align.readers import read_document  # noqa: E402
from tmforge.align.pipeline import Alignment, align_files, align_mixed, align_sentences, to_memory  # noqa: E402
from tmforge.align.search import SearchParams  # noqa: E402
from tmforge.align.segment import segment_paragraphs, split_sentences  # noqa: E402
from tmforge.errors import TmforgeError  # noqa: E402

__all__ = ["Alignment", "Bead", "Encoder", "SearchParams", "TmforgeError", "align_files", "align_mixed",
           "align_sentences", "detect_language", "evaluate", "format_beads", "load_encoder", "parse_beads",
           "read_beads", "read_document", "segment_paragraphs", "split_mixed", "split_sentences",
           "to_memory"]
