"""The aligner's passes: a first search, then what it makes possible.

With `lex_weight` set, the confident 1-1 beads of the first pass train a
lexicon (align/lexicon.py; the realign idea of hunalign) and a second search
adds the lexical score to every candidate bead. With `cross_margin` set, a
repair pass (align/repair.py) lets local crossings in; with `moves`, sentences
move to beads within a window, gaps allowed (align/moves.py). With none, this
is one search, exactly as before.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from tmforge.align.beads import Bead
from tmforge.align import beadmodel
from tmforge.align.beadmodel import BeadFeatures, ModelScorer
from tmforge.align.cuetime import Combined, TimeScorer, fit_clock, mapped
from tmforge.align.lexicon import Lexicon, LexicalScorer
from tmforge.align.moves import SideVectors, move_repair
from tmforge.align.repair import attach_skips, cross_repair
from tmforge.align.search import DocumentContext, SearchParams, centered, centres, confidence, search


def confident_pairs(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str],
                    min_confidence: float) -> list[tuple[str, str]]:
    """Texts of the 1-1 beads at least this confident: the bitext a lexicon learns from."""
    return [(src[b.src[0]], tgt[b.tgt[0]]) for b in beads
            if len(b.src) == 1 and len(b.tgt) == 1 and b.score is not None and b.score >= min_confidence]


def train_lexicon(pairs: Sequence[tuple[str, str]], params: SearchParams) -> Lexicon:
    return Lexicon.train(pairs, model=params.lex_model, stem=params.lex_stem)


def align_passes(src_spans: np.ndarray, tgt_spans: np.ndarray, src: Sequence[str], tgt: Sequence[str],
                 params: SearchParams, src_paragraphs=None, tgt_paragraphs=None,
                 lexicon: Lexicon | None = None, first: list[Bead] | None = None,
                 on_step=None, times: tuple[np.ndarray, np.ndarray] | None = None,
                 references: tuple[np.ndarray | None, np.ndarray | None] | None = None,
                 model: beadmodel.Model | None = None) -> list[Bead]:
    """Align sentences given their span embeddings and texts.

    `lexicon`, when given (one learned over a whole batch), replaces the
    document's own; `first` is a first pass already run with the same params;
    `on_step(done, total)` follows the first search (as `search` tells it);
    `times`, the (n, 2) and (m, 2) start/end milliseconds of subtitle cues, adds
    their overlap as evidence (align/cuetime.py) once the first pass matched the clocks;
    `references`, the languages' reference mean vectors, which `params.centre_prior` blends into the centring;
    `model`, the learned bead score's coefficients where `params.model_weight` is set (default: the shipped ones).
    """
    lengths = (np.array([len(s) for s in src]), np.array([len(t) for t in tgt]))
    learned = bead_model(src_spans, tgt_spans, src, tgt, params, references, model)
    if first is None:
        first = search(src_spans, tgt_spans, *lengths, params, src_paragraphs, tgt_paragraphs, on_step=on_step,
                       references=references, extra=learned)
    timing = _timing(first, times, params) if src and tgt else None
    if not (params.lex_weight or params.cross_margin or params.attach or params.moves or timing) \
            or not src or not tgt:
        return first
    beads, scorer = first, None
    if params.lex_weight:
        if lexicon is None:
            lexicon = train_lexicon(confident_pairs(first, src, tgt, params.lex_min_confidence), params)
        scorer = LexicalScorer(lexicon, src, tgt, params.lex_weight, params.lex_offset, params.size_weight,
                               params.max_span)
    if scorer is not None or timing is not None:
        extra = Combined(tuple(x for x in (scorer, timing, learned) if x is not None))
        if timing is not None:        # timed cues are not paragraphs: a line split over two cues is no crossing
            src_paragraphs = tgt_paragraphs = None
        beads = search(src_spans, tgt_spans, *lengths, params, src_paragraphs, tgt_paragraphs, extra=extra,
                       references=references)
    # The repair passes score against the centring the search used (one context for all of them).
    context = DocumentContext.of(src_spans, tgt_spans, *lengths, params, references)
    if params.cross_margin:
        xs, ys = centered(src_spans[:1], context.src_centre)[0], centered(tgt_spans[:1], context.tgt_centre)[0]

        near_src, near_tgt = (NearestMean(xs, ys, params.cross_knn), NearestMean(ys, xs, params.cross_knn)) \
            if params.cross_knn else (None, None)

        def pair_score(i: np.ndarray, j: np.ndarray) -> np.ndarray:
            cos = np.einsum("kd,kd->k", xs[i], ys[j])
            if near_src is not None:     # margin: what the pair shares beyond what each shares with anything
                cos = cos - (near_src(i) + near_tgt(j)) / 2
            return cos + (scorer.pair_gain(i, j) if scorer is not None else 0.0)

        beads = cross_repair(beads, pair_score, confidence, params.cross_margin, params.skip, params.cross_window)
    if params.attach:
        xs, ys = centered(src_spans, context.src_centre), centered(tgt_spans, context.tgt_centre)

        def pair_cosine(s: tuple[int, ...], t: tuple[int, ...]) -> float | None:
            if len(s) > xs.shape[0] or len(t) > ys.shape[0]:
                return None
            return float(xs[len(s) - 1, s[0]] @ ys[len(t) - 1, t[0]])

        # in a short document, as in the search's merge check, a joined sentence must add clearer evidence
        margin = params.attach_margin + context.share ** params.attach_short_power
        beads = attach_skips(beads, pair_cosine, confidence, margin)
    if params.moves:
        beads = move_repair(beads, SideVectors(src_spans, context.src_centre, lengths[0]),
                            SideVectors(tgt_spans, context.tgt_centre, lengths[1]), confidence,
                            params.move_margin, params.move_window, params.max_span, params.move_weak,
                            params.move_pairs)
    return beads


def bead_model(src_spans: np.ndarray, tgt_spans: np.ndarray, src: Sequence[str], tgt: Sequence[str],
               params: SearchParams, references=None, model: beadmodel.Model | None = None) -> ModelScorer | None:
    """The learned bead score (align/beadmodel.py) as a search extra, or None when `model_weight` is 0."""
    if not params.model_weight or not src or not tgt:
        return None
    src_centre, tgt_centre = centres(src_spans, tgt_spans, params, references)
    features = BeadFeatures(centered(src_spans, src_centre), centered(tgt_spans, tgt_centre), src, tgt)
    return ModelScorer(features, model or beadmodel.COEFFICIENTS, params.model_weight, params.model_offset)


class NearestMean:
    """Mean cosine of a sentence with its k nearest sentences on the other side (the margin of bitext
    mining), computed for the sentences asked about only, once each."""

    def __init__(self, vectors: np.ndarray, other: np.ndarray, k: int):
        self.vectors, self.other, self.k = vectors, other, min(k, other.shape[0])
        self.known: dict[int, float] = {}

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        missing = np.unique([i for i in np.asarray(idx).tolist() if i not in self.known])
        for start in range(0, missing.size, 512):
            rows = missing[start:start + 512]
            sims = self.vectors[rows] @ self.other.T
            top = np.partition(sims, sims.shape[1] - self.k, axis=1)[:, -self.k:]
            self.known.update(zip(rows.tolist(), top.mean(axis=1).tolist()))
        return np.array([self.known[i] for i in np.asarray(idx).tolist()], dtype=np.float64)


def _timing(first: list[Bead], times, params: SearchParams) -> TimeScorer | None:
    """The time-overlap scorer for subtitle cues whose clocks the first pass could match, else None."""
    if times is None or not params.time_weight:
        return None
    src_times, tgt_times = times
    clock = fit_clock(first, src_times, tgt_times)
    if clock is None:
        return None
    return TimeScorer(src_times, mapped(tgt_times, clock), params.time_weight, params.time_offset)
