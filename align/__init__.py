"""tmforge aligner: read, detect, segment, embed and align Russian/English text.

    >>> import align
    >>> result = align.align_files("ru.txt", "en.txt")
    >>> memory = align.to_memory(result)
"""

from align.threads import cap_thread_env

cap_thread_env()  # before numpy loads

from align.beads import Bead, format_beads, parse_beads, read_beads  # noqa: E402
from align.detect import detect_language  # noqa: E402
from align.mixed import split_mixed  # noqa: E402
from align.embed import Encoder, load_encoder  # noqa: E402
from align.evaluate import evaluate  # noqa: E402
from align.io import read_document  # noqa: E402
from align.pipeline import Alignment, align_files, align_mixed, align_sentences, to_memory  # noqa: E402
from align.search import SearchParams  # noqa: E402
from align.segment import segment_paragraphs, split_sentences  # noqa: E402
from tm.errors import TmforgeError  # noqa: E402

__all__ = ["Alignment", "Bead", "Encoder", "SearchParams", "TmforgeError", "align_files", "align_mixed",
           "align_sentences", "detect_language", "evaluate", "format_beads", "load_encoder", "parse_beads",
           "read_beads", "read_document", "segment_paragraphs", "split_mixed", "split_sentences",
           "to_memory"]
