"""SRT and WebVTT subtitles: one paragraph per cue, its timing kept as props (start, end)."""

from __future__ import annotations

import re

from tmforge.align.readers.base import Parsed, TextReader, join_blocks, text_head
from tmforge.errors import TmforgeError

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_CUE_TAGS = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def _timestamp(h: str | None, m: str, s: str, ms: str) -> str:
    return f"{int(h or 0):02d}:{int(m):02d}:{int(s):02d}.{int(ms.ljust(3, '0')):03d}"


def subtitle_cues(text: str) -> list[tuple[str, dict[str, str]]]:
    """(text, {start, end}) of each SRT or WebVTT cue, tags removed, lines joined."""
    cues = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        timing_at = next((k for k, line in enumerate(lines[:3]) if _TIMING.match(line)), None)
        if timing_at is None:
            continue  # WEBVTT header, NOTE, STYLE, REGION, stray text
        t = _TIMING.match(lines[timing_at]).groups()
        body = " ".join(_CUE_TAGS.sub("", line).strip() for line in lines[timing_at + 1:])
        body = " ".join(body.split())
        if body:
            cues.append((body, {"start": _timestamp(*t[:4]), "end": _timestamp(*t[4:])}))
    return cues


class SubtitleReader(TextReader):
    """Cues are the units a subtitle translator aligns: the pipeline neither splits nor joins them."""

    whole_units = True

    def parse(self, text: str, source: str) -> Parsed:
        joined, paragraphs = join_blocks(subtitle_cues(text))
        if text.strip() and not paragraphs:
            raise TmforgeError(f"{source} has no subtitle cues (lines like 00:00:01,000 --> 00:00:02,000); "
                               "check the file or rename it to .txt")
        return Parsed(joined, paragraphs)


class SrtReader(SubtitleReader):
    name = "srt"
    label = "SRT subtitles"
    extensions = (".srt",)

    def sniff(self, data: bytes) -> float:
        return 0.9 if any(_TIMING.match(line) for line in text_head(data).splitlines()[:4]) else 0.0


class VttReader(SubtitleReader):
    name = "vtt"
    label = "WebVTT subtitles"
    extensions = (".vtt",)

    def sniff(self, data: bytes) -> float:
        return 1.0 if text_head(data).lstrip().lower().startswith("webvtt") else 0.0
