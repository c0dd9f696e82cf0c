"""A multilingual memory from several translations of one source.

Each translation is aligned to the source on its own (the usual pipeline,
with its checks: languages, encodings, unrelated files, untranslated text).
The source's sentences are the pivot: the alignments agree on them, but not
on how they group (German may join two source sentences that French keeps
apart). A unit therefore covers the smallest run of source sentences that
no translation's bead crosses, and each translation contributes the target
sentences of its beads inside that run. A translation that leaves a source
sentence of the run unaligned (or its target untranslated) says nothing for
that run: its text would be a partial translation, so its tuv is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from tmforge.align.beads import Bead
from tmforge.errors import TmforgeError
from tmforge.tm.model import now_utc
from tmforge.tm.multilingual import MultilingualUnit, Variant
from tmforge.types import Alignment


@dataclass
class Run:
    """Source sentences start..stop-1, and per translation the beads covering them (None: no translation)."""

    start: int
    stop: int
    beads: list[list[Bead] | None]


def source_runs(alignments: Sequence[Alignment], keep_untranslated: bool = False,
                keep_no_text: bool = False) -> list[Run]:
    """The finest grouping of the source sentences that every alignment's beads respect."""
    if not alignments:
        return []
    n = len(alignments[0].src)
    for alignment in alignments[1:]:
        if [s.text for s in alignment.src] != [s.text for s in alignments[0].src]:
            raise TmforgeError("the source was split into different sentences for different translations; "
                               "give --src-lang so that it is read the same way each time")
    joined = [False] * max(0, n - 1)   # joined[i]: some bead holds source sentences i and i+1
    covering: list[dict[int, Bead]] = []
    for alignment in alignments:
        left_out = set() if keep_untranslated else set(alignment.untranslated)
        if not keep_no_text:   # a side without a letter: nothing to translate (align/notext.py)
            left_out |= set(alignment.no_text)
        by_sentence: dict[int, Bead] = {}
        for k, bead in enumerate(alignment.beads):
            for i in bead.src[:-1]:
                joined[i] = True
            if bead.src and bead.tgt and k not in left_out:
                by_sentence.update({i: bead for i in bead.src})
        covering.append(by_sentence)
    runs, start = [], 0
    for i in range(n):
        if i == n - 1 or not joined[i]:
            per_translation: list[list[Bead] | None] = []
            for by_sentence in covering:
                if all(j in by_sentence for j in range(start, i + 1)):
                    beads = list(dict.fromkeys(by_sentence[j] for j in range(start, i + 1)))
                    per_translation.append(beads)
                else:
                    per_translation.append(None)
            runs.append(Run(start, i + 1, per_translation))
            start = i + 1
    return runs


def multilingual_units(alignments: Sequence[Alignment], keep_untranslated: bool = False,
                       document: str | None = None, keep_no_text: bool = False) -> list[MultilingualUnit]:
    """One unit per source run that at least one translation covers (see the module docstring)."""
    created = now_utc()
    units = []
    source = alignments[0] if alignments else None
    for seq, run in enumerate(source_runs(alignments, keep_untranslated, keep_no_text), 1):
        translations = []
        for alignment, beads in zip(alignments, run.beads):
            if beads is None:
                continue
            targets = [j for bead in beads for j in bead.tgt]
            scores = [b.score for b in beads if b.score is not None]
            translations.append(Variant(alignment.tgt_lang, " ".join(alignment.tgt[j].text for j in targets),
                                        min(scores) if scores else None, f"{run.stop - run.start}-{len(targets)}"))
        if translations:
            text = " ".join(s.text for s in source.src[run.start:run.stop])
            units.append(MultilingualUnit(Variant(source.src_lang, text), tuple(translations),
                                          document=document, seq=seq, created=created))
    return units


def check_languages(alignments: Sequence[Alignment], paths: Sequence[str | Path]) -> None:
    """Two translations in one language would give a tu two tuv of one language: refused."""
    seen: dict[str, str | Path] = {}
    for alignment, path in zip(alignments, paths):
        if alignment.tgt_lang == alignment.src_lang:
            raise TmforgeError(f"{path} is in the source's language ({alignment.src_lang})")
        if alignment.tgt_lang in seen:
            raise TmforgeError(f"{seen[alignment.tgt_lang]} and {path} are both in {alignment.tgt_lang}; a "
                               "multilingual memory holds one translation per language: align them separately")
        seen[alignment.tgt_lang] = path
