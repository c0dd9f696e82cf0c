"""Reading input files: kept so `from tmforge.align.io import read_document` goes on working.

The readers live in align/readers/ (one class per format), decoding in
align/encodings.py; new code imports from there.
"""

from tmforge.align.encodings import SINGLE_BYTE, decode, detect_encoding, normalize
from tmforge.align.readers import (MAX_PARAGRAPH, READERS, Document, read_bytes, read_document, read_lines,
                                   read_text, split_paragraphs)
from tmforge.types import Paragraph

FORMATS = READERS.names

__all__ = ["FORMATS", "MAX_PARAGRAPH", "SINGLE_BYTE", "Document", "Paragraph", "decode", "detect_encoding",
           "normalize", "read_bytes", "read_document", "read_lines", "read_text", "split_paragraphs"]
