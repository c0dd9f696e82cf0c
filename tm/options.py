"""What every memory writer is told (WriteOptions) and what it tells back (WriteReport).

One object for both command lines and every format: a format applies the
options that mean something for it (tuids only exist in TMX, a Moses pair
has no props) and ignores the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from tmforge.errors import TmforgeError
from tmforge.tm.langtags import canonical_tag, parse_lang_codes

WHITESPACE_MODES = ("trim", "keep")
INLINE_MODES = ("strip", "keep")


@dataclass(frozen=True)
class WriteOptions:
    """What goes into a written memory besides the text; everything optional can be turned off.

    Built once from the command line (or by a caller) and validated on
    construction, so bad language codes are refused before any long work.
    """

    # Unit language -> written tag, {"ru": "ru-RU"} or ["ru=ru-RU", "en-GB"]; validated BCP 47.
    lang_codes: Mapping[str, str] | Iterable[str] | None = None
    props: bool = True              # score, bead, document, seq and the units' own props
    tuids: bool = True              # TMX: a tuid on every tu, numbered from 1
    dates: bool = True              # creation dates of the header and of every unit that has one
    whitespace: str = "trim"        # "trim" leading/trailing whitespace of segments, or "keep" it
    include_empty: bool = False     # also write units with an empty side
    inline_markup: bool = False     # TMX: segments hold inline markup (bpt/ept/ph/it/hi) to write as tags
    # XLIFF: units scoring below this are flagged as needing review (1.2 state needs-review-translation,
    # 2.0 subState tmforge:needs-review); None flags nothing. align sets it from --low.
    review_below: float | None = None
    # The direction where the units do not say it (an empty memory: a Moses pair still names its two
    # files). TMX also writes srclang into its header (default: the first unit's source language).
    srclang: str | None = None
    tgtlang: str | None = None

    def __post_init__(self) -> None:
        if self.whitespace not in WHITESPACE_MODES:
            raise TmforgeError(f"unknown whitespace option '{self.whitespace}'; use trim or keep")
        object.__setattr__(self, "lang_codes", parse_lang_codes(self.lang_codes))
        for name in ("srclang", "tgtlang"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, canonical_tag(value))


@dataclass
class WriteReport:
    """What a writer did: units written and skipped, text it had to change."""

    written: int = 0
    skipped_empty: int = 0
    dropped_chars: int = 0
    long_segments: int = 0
    markup_errors: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.written} units written"]
        if self.skipped_empty:
            parts.append(f"{self.skipped_empty} with an empty side skipped")
        if self.dropped_chars:
            parts.append(f"{self.dropped_chars} characters XML 1.0 forbids removed")
        return "; ".join(parts)


@dataclass(frozen=True)
class ReadOptions:
    """How a reader picks and renders units; formats use what applies to them.

    src_lang/tgt_lang pick the pair in a multilingual TMX (en finds en-US) and
    name the two files of a Moses pair; inline='strip' keeps only the text of
    TMX inline markup, 'keep' keeps the markup.
    """

    src_lang: str | None = None
    tgt_lang: str | None = None
    inline: str = "strip"

    def __post_init__(self) -> None:
        if self.inline not in INLINE_MODES:
            raise TmforgeError(f"unknown inline option '{self.inline}'; use strip or keep")
        for name in ("src_lang", "tgt_lang"):
            value = getattr(self, name)
            if value:
                object.__setattr__(self, name, canonical_tag(value))
