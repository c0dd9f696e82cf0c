"""Splitting a mixed Russian/English document into language streams, keeping anchors.

The document is first re-expressed as *pieces*: a paragraph in one language is
one piece; a paragraph that switches language is cut into its runs of
sentences, and a bilingual line ("Русский текст / English text", "Русский
текст (English text)") into its two halves. Each piece keeps the index of its
paragraph and its character offsets, so the rest of the pipeline works on
pieces as it would on paragraphs. Neighbouring Russian and English pieces that
translate each other become anchor pairs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import razdel

from tmforge.align.detect import (
    LANGS,
    detect_language,
    dominant_script,
    script_scores,
    weighted_words,
)
from tmforge.align.inline import clip_marks
from tmforge.types import Paragraph
from tmforge.align.search import centered

# Less evidence than this (a name, an acronym, "OK.") cannot switch the language
# of a sentence that sits between two sentences of the same language.
_WEAK = 2.0
# A half of a bilingual line needs less: the separator already says two languages meet
# ("Совет безопасности / Security Council" has a title-case half).
_HALF = 1.0
# Separators of a bilingual line: "RU / EN", "RU | EN", "RU — EN".
_SEPARATOR = re.compile(r"\s+(?:/|\||—|–)\s+")
_TRAILING_PARENS = re.compile(r"\s*\(([^()]+)\)\s*[.;,]?\s*$")
# Halves of a bilingual line must look like translations: similar lengths.
_MAX_LENGTH_RATIO = 3.0
# A mixed document is Russian/English: Latin-script text is taken for another language
# only when lingua finds that language this many times likelier than English. Short
# English lines ("Calorie content: 407 kcal.") score 1.4-2.4; of the Text+Berg German
# and French lines lingua calls other, 0.1 % and 1.7 % score below 3.
_ENGLISH_ODDS = 3.0


def _label(text: str) -> str:
    return detect_language(text, english_odds=_ENGLISH_ODDS)


@dataclass
class MixedSplit:
    """Per-language streams of one mixed document, with the correspondences kept.

    `paragraphs[k]` is piece k of the document (a whole paragraph unless its
    paragraph switches language), `labels[k]` its label, `parents[k]` the index
    of the document paragraph it comes from; `stream(lang)` lists piece indices
    of that language in order; `anchors` pairs a Russian and an English piece
    index that translate each other.
    """

    paragraphs: list[Paragraph]
    labels: list[str]
    anchors: list[tuple[int, int]] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)

    def stream(self, lang: str) -> list[int]:
        return [k for k, label in enumerate(self.labels) if label == lang]

    def partner(self, k: int) -> int | None:
        for r, e in self.anchors:
            if k in (r, e):
                return e if k == r else r
        return None


def _strength(text: str) -> float:
    return max(script_scores(text).values(), default=0.0)


def _as_running_text(text: str) -> str:
    """A half written all in capitals ("ДОГОВОР ПОСТАВКИ") in lower case: its words are words, not acronyms."""
    letters = [ch for ch in text if ch.isalpha()]
    return text.lower() if len(letters) > 3 and all(ch.isupper() for ch in letters) else text


def _plausible_pair(a: str, b: str) -> bool:
    la, lb = len(a.strip()), len(b.strip())
    return min(la, lb) > 0 and max(la, lb) / min(la, lb) <= _MAX_LENGTH_RATIO


def bilingual_halves(text: str) -> tuple[int, int, int] | None:
    """Where a bilingual line splits: (end of first half, start of second, end of second), or None.

    "Русский текст / English text" and "Русский текст (English text)" split when
    both halves carry enough words to be told apart, each is in one script, one
    is Russian and the other English, and their lengths are similar.
    """
    candidates = [(m.start(), m.end(), len(text)) for m in _SEPARATOR.finditer(text)]
    parens = _TRAILING_PARENS.search(text)
    if parens:
        candidates.append((parens.start(), parens.start(1), parens.end(1)))
    for end_a, start_b, end_b in candidates:
        a, b = _as_running_text(text[:end_a]), _as_running_text(text[start_b:end_b])
        if not _plausible_pair(a, b) or min(_strength(a), _strength(b)) < _HALF:
            continue
        if max(min(script_scores(a).values()), min(script_scores(b).values())) >= _WEAK:
            continue  # a half that itself switches language: the separator is not the seam
        if {_label(a), _label(b)} == set(LANGS):
            return end_a, start_b, end_b
    return None


@dataclass
class _Unit:
    start: int  # offsets into the paragraph text
    end: int
    label: str
    pair: int = -1  # the other half of a bilingual line (unit index), or -1


def _runs(text: str) -> list[tuple[int, int]]:
    """Stretches of one script inside a sentence that switches without punctuation
    ("Минцифры хочет одарить писателей MinTsifry intends to grant ..."): words of
    each script in a row, with runs too weak to be a language (a name, an
    acronym) absorbed by their neighbours."""
    runs: list[list] = []  # [start, end, script, weight]
    for start, end, script, weight in weighted_words(text):
        if runs and script == runs[-1][2]:
            runs[-1][1] = end
            runs[-1][3] += weight
        else:
            runs.append([start, end, script, weight])
    if runs:  # runs cover the whole text: each reaches to where the next one starts
        runs[0][0] = 0
        for before, after in zip(runs, runs[1:]):
            before[1] = after[0]
        runs[-1][1] = len(text)
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for k, run in enumerate(runs):
            if run[3] < _WEAK:  # too little to be a language of its own: join a neighbour
                other = k - 1 if k > 0 else k + 1
                a, b = sorted((k, other))
                runs[a:b + 1] = [[runs[a][0], runs[b][1], runs[other][2], runs[a][3] + runs[b][3]]]
                changed = True
                break
        merged = []
        for run in runs:  # neighbours of one script become one run
            if merged and merged[-1][2] == run[2]:
                merged[-1][1], merged[-1][3] = run[1], merged[-1][3] + run[3]
            else:
                merged.append(run)
        runs = merged
    return [(run[0], run[1]) for run in runs]


def _units(text: str) -> list[_Unit]:
    """Sentences of a paragraph, bilingual lines cut into halves, each labelled."""
    halves = bilingual_halves(text)
    if halves:  # the whole paragraph is one bilingual line
        end_a, start_b, end_b = halves
        units = [_Unit(0, end_a, "", 1), _Unit(start_b, end_b, "", 0)]
    else:
        units = []
        for sent in razdel.sentenize(text):
            halves = bilingual_halves(sent.text)
            if halves:
                end_a, start_b, end_b = halves
                k = len(units)
                units.append(_Unit(sent.start, sent.start + end_a, "", k + 1))
                units.append(_Unit(sent.start + start_b, sent.start + end_b, "", k))
            elif min(script_scores(sent.text).values()) >= _WEAK:
                units += [_Unit(sent.start + a, sent.start + b, "") for a, b in _runs(sent.text)]
            else:
                units.append(_Unit(sent.start, sent.stop, ""))
    for unit in units:
        unit.label = _label(text[unit.start:unit.end])
    # A sentence in brackets after one in the other language is its translation: "Текст. (Text.)";
    # not when the sentence before or after it is in brackets too: then the brackets belong
    # to the text ("Imagine this. (Учтите ...) (Consider ...)").
    def bracketed(k: int) -> bool:
        body = text[units[k].start:units[k].end] if 0 <= k < len(units) else ""
        return body.startswith("(") and body.rstrip(".;").endswith(")")

    for k in range(1, len(units)):
        if (bracketed(k) and not bracketed(k - 1) and not bracketed(k + 1) and units[k].pair < 0
                and units[k - 1].pair < 0 and {units[k].label, units[k - 1].label} == set(LANGS)):
            units[k].pair, units[k - 1].pair = k - 1, k
    return units


def _settle(units: list[_Unit], text: str) -> None:
    """Neutral units take the language around them; a weak unit (a name, "OK.") takes the
    language of the strong units on both sides when they agree. Weak neighbours do not
    vote: their own labels are guesses ("МК СЛАВДА FC-160. CF SLAVDA FC-160." alternates)."""
    strong = [_strength(text[u.start:u.end]) >= _WEAK for u in units]

    def nearest(order: range, k: int) -> str | None:
        """Label of the nearest unit in `order` that may speak for unit k."""
        for j in order:
            if units[j].label != "neutral" and (strong[j] or units[k].label == "neutral"):
                return units[j].label
        return None

    for k, unit in enumerate(units):
        if unit.pair >= 0 or (strong[k] and unit.label != "neutral"):
            continue
        before, after = nearest(range(k - 1, -1, -1), k), nearest(range(k + 1, len(units)), k)
        if unit.label == "neutral":
            unit.label = before or after or "neutral"
        elif before == after and before in LANGS:
            unit.label = before


def _paragraph_pieces(p: Paragraph) -> list[tuple[int, int, str, int]]:
    """(start, end, label, pair offset) pieces of one paragraph, offsets into p.text."""
    scores = script_scores(p.text)
    whole = [(0, len(p.text), _label(p.text), 0)]
    one_script = min(scores.values()) < _WEAK
    if one_script and not (_SEPARATOR.search(p.text) or _TRAILING_PARENS.search(p.text)):
        return whole
    units = _units(p.text)
    if one_script and all(unit.pair < 0 for unit in units):
        return whole  # a dash or brackets, not a bilingual line
    _settle(units, p.text)
    pieces: list[list] = []  # [start, end, label, pair offset]
    unit_piece: list[int] = []
    for k, unit in enumerate(units):
        joinable = pieces and pieces[-1][2] == unit.label and unit.pair < 0 and units[k - 1].pair < 0
        if joinable:
            pieces[-1][1] = unit.end
        else:
            pieces.append([unit.start, unit.end, unit.label, 0])
        unit_piece.append(len(pieces) - 1)
    for k, unit in enumerate(units):
        if unit.pair >= 0:
            pieces[unit_piece[k]][3] = unit_piece[unit.pair] - unit_piece[k]
    return [tuple(piece) for piece in pieces]


def length_affinity(a: str, b: str) -> float:
    """How plausible two texts are as translations, judged by length alone (1 = same length)."""
    return math.exp(-abs(math.log((len(a) + 1) / (len(b) + 1))))


def pair_adjacent(labels: Sequence[str], affinity: Callable[[int, int], float],
                  threshold: float = 0.0) -> list[tuple[int, int]]:
    """Pair neighbouring paragraphs of opposite languages (ru next to en) as translations.

    Each paragraph joins at most one pair; where a paragraph could pair with
    either neighbour, the pairing with the highest total affinity wins (a small
    dynamic program over the sequence). Returns (ru index, en index) pairs.
    """
    n = len(labels)
    best = [0.0] * (n + 1)  # best[k]: total affinity of paragraphs k.. paired optimally
    take = [False] * (n + 1)
    for k in range(n - 2, -1, -1):
        best[k] = best[k + 1]
        if {labels[k], labels[k + 1]} == set(LANGS):
            gain = affinity(k, k + 1)
            if gain > threshold and gain + best[k + 2] > best[k]:
                best[k], take[k] = gain + best[k + 2], True
    pairs, k = [], 0
    while k < n - 1:
        if take[k]:
            pairs.append((k, k + 1) if labels[k] == "ru" else (k + 1, k))
            k += 2
        else:
            k += 1
    return pairs


def split_pieces(paragraphs: Sequence[Paragraph]) -> tuple[list[Paragraph], list[str], list[int],
                                                          list[tuple[int, int]]]:
    """Pieces of a document: (pieces, labels, parent paragraph of each, bilingual-line pairs)."""
    pieces: list[Paragraph] = []
    labels: list[str] = []
    parents: list[int] = []
    pairs: list[tuple[int, int]] = []
    for index, p in enumerate(paragraphs):
        # Offsets map into the document exactly unless the paragraph was joined from wrapped lines.
        exact = p.end - p.start == len(p.text)
        for start, end, label, pair in _paragraph_pieces(p):
            text = p.text[start:end]
            lead = len(text) - len(text.lstrip())
            text = text.strip()
            begin = p.start + start + lead if exact else p.start
            # The piece keeps the inline formatting that falls in it (bold, links: TMX tags later).
            marks = clip_marks(p.marks, start + lead, start + lead + len(text)) if p.marks else ()
            pieces.append(Paragraph(text, begin, begin + len(text) if exact else p.end, marks=marks))
            labels.append(label)
            parents.append(index)
            if pair > 0:
                k = len(pieces) - 1
                pairs.append((k, k + pair) if label == "ru" else (k + pair, k))
    # A neutral paragraph (a date, a figure) goes with its neighbours' language.
    for k, label in enumerate(labels):
        if label == "neutral":
            around = [labels[j] for j in (k - 1, k + 1) if 0 <= j < len(labels) and labels[j] != "neutral"]
            labels[k] = around[0] if around else "neutral"
    return pieces, labels, parents, pairs


def centred_by_label(vectors: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Encoder vectors with the mean of each language's pieces removed (where it has two or more):
    what all pieces of one language share, the language above all, says nothing about
    which pieces translate each other (the aligner's scores are centred the same way)."""
    out = np.array(vectors, dtype=np.float32)
    groups = np.array(labels)
    for lang in LANGS:
        mask = groups == lang
        if mask.sum() > 1:
            out[mask] = centered(out[mask][None])[0]
    return out


def split_mixed(paragraphs: Sequence[Paragraph],
                affinity: Callable[[int, int], float] | None = None,
                threshold: float = 0.0, encoder=None) -> MixedSplit:
    """Cut a document into pieces, label them and pair translations.

    Halves of a bilingual line are always a pair; other neighbouring Russian and
    English pieces pair by `affinity(i, j)` over piece indices (default: cosine
    similarity of centred `encoder` embeddings when an encoder is given, else length).
    """
    pieces, labels, parents, pairs = split_pieces(paragraphs)
    if affinity is None and encoder is not None:
        vectors = centred_by_label(encoder.encode([p.text for p in pieces]), labels)

        def affinity(i: int, j: int) -> float:
            return float(vectors[i] @ vectors[j])
    elif affinity is None:
        def affinity(i: int, j: int) -> float:
            return length_affinity(pieces[i].text, pieces[j].text)
    paired = {k for pair in pairs for k in pair}
    # Pieces without letters (a date, "* * *") translate nothing: pairing looks past them.
    lettered = [k for k, p in enumerate(pieces) if dominant_script(p.text) is not None]
    free = ["pair" if k in paired else labels[k] for k in lettered]
    found = pair_adjacent(free, lambda i, j: affinity(lettered[i], lettered[j]), threshold)
    anchors = sorted(pairs + [(lettered[r], lettered[e]) for r, e in found], key=min)
    return MixedSplit(pieces, labels, anchors, parents)


# Centred embedding similarity above which neighbouring pieces are taken as translations
# (chosen on the mixed WMT22 documents of benchmarks/detect.py).
ANCHOR_THRESHOLD = 0.15
STREAMS = ("ru", "en", "other")


def split_document(paragraphs: Sequence[Paragraph], encoder=None) -> MixedSplit:
    """The split `tmforge split` and `tmforge align MIXED` both use: anchors by embeddings."""
    if encoder is None:
        from tmforge.align.embed import load_encoder

        encoder = load_encoder()
    return split_mixed(paragraphs, threshold=ANCHOR_THRESHOLD, encoder=encoder)


def stream_of(label: str) -> str:
    """The output stream of a label: "ru", "en", or "other" (other languages and text without letters)."""
    return label if label in LANGS else "other"


def split_outputs(folder: str | Path) -> list[Path]:
    """The files `write_split` writes into `folder`."""
    folder = Path(folder)
    return [folder / f"{name}.txt" for name in STREAMS] + [folder / "anchors.tsv", folder / "report.tsv"]


def check_split_outputs(folder: str | Path, inputs: Sequence[str | Path] = (), force: bool = False) -> None:
    """Refuse, before any work, a folder that is a file, or outputs that are inputs or exist without force."""
    from tmforge.atomic import check_writable
    from tmforge.errors import TmforgeError

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise TmforgeError(f"{folder} is a file; give a folder for the streams")
    if not folder.is_dir():
        return  # created when writing: nothing in it to lose
    for out in split_outputs(folder):
        check_writable(out, tuple(inputs), force)


def write_split(split: MixedSplit, folder: str | Path, inputs: Sequence[str | Path] = (),
                force: bool = True) -> dict[str, int]:
    """Write ru.txt, en.txt, other.txt (pieces separated by blank lines), anchors.tsv and report.tsv.

    report.tsv has one row per piece: its index, source paragraph, label,
    stream, anchor partner, character offsets in the document and text.
    The five files are written together or not at all; an input among them is
    refused, and an existing one without `force`. Returns the number of pieces per stream.
    """
    from tmforge.atomic import atomic_group, atomic_write

    folder = Path(folder)
    check_split_outputs(folder, inputs, force)
    folder.mkdir(parents=True, exist_ok=True)
    streams = [stream_of(label) for label in split.labels]
    with atomic_group():
        for name in STREAMS:
            with atomic_write(folder / f"{name}.txt") as fh:
                fh.write("".join(p.text + "\n\n" for p, s in zip(split.paragraphs, streams) if s == name))
        with atomic_write(folder / "anchors.tsv") as fh:
            fh.write("ru_piece\ten_piece\tru_text\ten_text\n")
            for r, e in split.anchors:
                fh.write(f"{r}\t{e}\t{_cell(split.paragraphs[r].text)}\t{_cell(split.paragraphs[e].text)}\n")
        with atomic_write(folder / "report.tsv") as fh:
            fh.write("piece\tparagraph\tlabel\tstream\tpartner\tstart\tend\ttext\n")
            for k, (p, label) in enumerate(zip(split.paragraphs, split.labels)):
                partner = split.partner(k)
                fh.write(f"{k}\t{split.parents[k]}\t{label}\t{streams[k]}\t{'' if partner is None else partner}"
                         f"\t{p.start}\t{p.end}\t{_cell(p.text)}\n")
    return {name: streams.count(name) for name in STREAMS}


def _cell(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ")
