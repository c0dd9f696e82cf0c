"""SRT and WebVTT subtitles: one paragraph per cue, its timing kept as props (start, end).

Timings keep the notation of their format, 00:00:01,000 in SRT and
00:00:01.000 in WebVTT (hours always written), so a memory's props can be
pasted back into a file of the same kind; align/cuetime.py reads both.
"""

from __future__ import annotations

import html
import re

from tmforge.align.readers.base import Parsed, TextReader, join_blocks, text_head
from tmforge.errors import TmforgeError

_TIME = r"(?:([0-9]{1,3}):)?([0-9]{1,2}):([0-9]{2})[,.]([0-9]{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s|$)")
_ARROW = re.compile(r"-->")
# One tag, or one {\...} override: the class excludes the opener too, so a line of many '<'
# and no '>' is scanned once, not once per '<'.
_CUE_TAGS = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")


def _timestamp(h: str | None, m: str, s: str, ms: str, separator: str = ".") -> tuple[str, int] | None:
    """HH:MM:SS.mmm (`separator` before the milliseconds: "," in SRT) and milliseconds, or None for an
    impossible time (minutes or seconds over 59)."""
    hours, minutes, seconds, millis = int(h or 0), int(m), int(s), int(ms.ljust(3, "0"))
    if minutes > 59 or seconds > 59:
        return None
    return (f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}",
            ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)


def subtitle_cues(text: str, malformed: list[int] | None = None, decimal: str = ".",
                  entities: bool = False) -> list[tuple[str, dict[str, str]]]:
    """(text, {start, end}) of each SRT or WebVTT cue, tags removed, lines joined; timings written with
    `decimal` before the milliseconds ("," for SRT, "." for WebVTT). `entities`: character references
    (`&amp;` `&lt;` `&nbsp;`) are decoded, as WebVTT writes "&", "<" and ">" in cue text.

    A cue whose timing line is malformed or impossible (99:99:99,999, an end
    before its start) is skipped; its line number goes into `malformed`.
    """
    cues = []
    line = 1
    pos = 0
    for separator in [*_BLANK_LINES.finditer(text), None]:
        end = separator.start() if separator else len(text)
        block, block_line = text[pos:end], line
        if separator:
            line += text.count("\n", pos, separator.end())
            pos = separator.end()
        lines = [(n, body) for n, body in enumerate(block.split("\n"), block_line) if body.strip()]
        arrow_at = next((k for k, (_, body) in enumerate(lines[:3]) if _ARROW.search(body)), None)
        if arrow_at is None:
            continue  # WEBVTT header, NOTE, STYLE, REGION, stray text
        number, timing_line = lines[arrow_at]
        match = _TIMING.match(timing_line)
        start = _timestamp(*match.groups()[:4], decimal) if match else None
        stop = _timestamp(*match.groups()[4:], decimal) if match else None
        if start is None or stop is None or stop[1] < start[1]:
            if malformed is not None:
                malformed.append(number)
            continue
        body = " ".join(_CUE_TAGS.sub("", body).strip() for _, body in lines[arrow_at + 1:])
        body = " ".join((html.unescape(body) if entities else body).split())
        if body:
            cues.append((body, {"start": start[0], "end": stop[0]}))
    return cues


def _line_list(numbers: list[int], shown: int = 10) -> str:
    listed = ", ".join(map(str, numbers[:shown]))
    return listed + (f" and {len(numbers) - shown} more" if len(numbers) > shown else "")


class SubtitleReader(TextReader):
    """Cues are the units a subtitle translator aligns: the pipeline neither splits nor joins them."""

    whole_units = True
    decimal = "."  # before the milliseconds of a timing, as the format writes it
    entities = False  # cue text writes & < > as character references (WebVTT)

    def parse(self, text: str, source: str) -> Parsed:
        malformed: list[int] = []
        joined, paragraphs = join_blocks(subtitle_cues(text, malformed, self.decimal, self.entities))
        if text.strip() and not paragraphs:
            found = f"; the timing lines at line {_line_list(malformed)} are malformed" if malformed else ""
            raise TmforgeError(f"{source} has no subtitle cues (lines like 00:00:01,000 --> 00:00:02,000){found}; "
                               "check the file or rename it to .txt")
        warnings = [f"{source}: skipped {len(malformed)} cues whose timing line is malformed or impossible "
                    f"(line {_line_list(malformed)}); write them as 00:00:01,000 --> 00:00:02,000"] if malformed else []
        return Parsed(joined, paragraphs, warnings)


class SrtReader(SubtitleReader):
    name = "srt"
    label = "SRT subtitles"
    extensions = (".srt",)
    decimal = ","

    def sniff(self, data: bytes) -> float:
        return 0.9 if any(_TIMING.match(line) for line in text_head(data).splitlines()[:4]) else 0.0


class VttReader(SubtitleReader):
    name = "vtt"
    label = "WebVTT subtitles"
    extensions = (".vtt",)
    entities = True

    def sniff(self, data: bytes) -> float:
        return 1.0 if text_head(data).lstrip().lower().startswith("webvtt") else 0.0
