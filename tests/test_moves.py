"""The moved-block pass (align/moves.py): interrupted sentences joined across a gap, moved blocks paired,
ordinary documents left alone; and the embedding and confidence of a bead with a gap."""

import numpy as np

from tmforge.align.beads import Bead
from tmforge.align.confidence import bead_measures, runs, set_embedding
from tmforge.align.moves import SideVectors, move_repair
from tmforge.align.realign import align_passes
from tmforge.align.search import SearchParams, mean_spans

DIM = 64
MOVES = SearchParams(moves=True, move_window=6, move_margin=0.1, move_weak=0.35)


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def meanings(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, DIM))


def interrupted_document(seed: int = 1):
    """Source sentence 6 is interrupted by a two-sentence caption (7, 8) and ends at 9; the target has the
    sentence whole at 6 and the caption three sentences later (9, 10). Returns vectors and the gold beads."""
    m = meanings(20, seed)
    half_a, half_b = m[12], m[13]                  # each half carries part of the sentence's meaning
    cap1, cap2 = m[14], m[15]
    src = [m[k] for k in range(6)] + [half_a, cap1, cap2, half_b] + [m[k] for k in range(6, 12)]
    tgt = [m[k] for k in range(6)] + [half_a + half_b] + [m[6], m[7]] + [cap1, cap2] + [m[k] for k in range(8, 12)]
    rng = np.random.default_rng(seed + 100)
    xs = np.array([unit(v) + rng.normal(scale=0.15, size=DIM) / np.sqrt(DIM) for v in src], np.float32)
    ys = np.array([unit(v) + rng.normal(scale=0.15, size=DIM) / np.sqrt(DIM) for v in tgt], np.float32)
    gold = {((k,), (k,)) for k in range(6)} | {((6, 9), (6,)), ((7,), (9,)), ((8,), (10,)),
                                               ((10,), (7,)), ((11,), (8,))} | {((12 + k,), (11 + k,)) for k in range(4)}
    return xs, ys, gold


def texts(n: int) -> list[str]:
    return ["w" * 40] * n


def aligned(xs, ys, params):
    return align_passes(mean_spans(xs, 4), mean_spans(ys, 4), texts(len(xs)), texts(len(ys)), params)


def test_an_interrupted_sentence_is_joined_across_the_moved_caption():
    xs, ys, gold = interrupted_document()
    plain = {(b.src, b.tgt) for b in aligned(xs, ys, SearchParams())}
    assert ((6, 9), (6,)) not in plain            # the monotone search cannot give it one bead
    out = aligned(xs, ys, MOVES)
    got = {(b.src, b.tgt) for b in out if b.src and b.tgt}
    assert ((6, 9), (6,)) in got
    assert got == {g for g in gold if g[0] and g[1]}
    covered_src = sorted(i for b in out for i in b.src)
    covered_tgt = sorted(j for b in out for j in b.tgt)
    assert covered_src == list(range(len(xs))) and covered_tgt == list(range(len(ys)))
    joined = next(b for b in out if b.src == (6, 9))
    assert joined.score is not None and joined.score > 0.5


def test_an_ordinary_document_is_left_alone():
    m = meanings(40, seed=7)
    rng = np.random.default_rng(8)
    xs = (m + rng.normal(scale=0.6, size=m.shape)).astype(np.float32)
    ys = (m + rng.normal(scale=0.6, size=m.shape)).astype(np.float32)
    ys = np.vstack([ys[:10], unit(ys[10] + ys[11])[None] * 3, ys[12:]]).astype(np.float32)   # one 2-1 merge
    off = aligned(xs, ys, SearchParams())
    assert [(b.src, b.tgt) for b in aligned(xs, ys, MOVES)] == [(b.src, b.tgt) for b in off]


def side(vectors: np.ndarray) -> SideVectors:
    spans = mean_spans(vectors.astype(np.float32), 4)
    return SideVectors(spans, spans[0].mean(axis=0), np.full(vectors.shape[0], 40.0))


def test_a_left_out_half_joins_a_strong_bead_across_a_gap_and_a_weak_bead_takes_nothing():
    # Target 3 is left out, two beads away from the bead of source 0: it carries the rest of source 0.
    m = meanings(8, seed=3)
    xs = np.vstack([unit(m[0] + m[1]), m[2], m[3], m[4], m[5]])
    ys = np.vstack([m[0], m[6], m[2], m[1], m[4], m[5]])
    beads = [Bead((0,), (0,), 0.9), Bead((1,), (2,), 0.9), Bead((), (1,)), Bead((2,), (), None),
             Bead((), (3,)), Bead((3,), (4,), 0.9), Bead((4,), (5,), 0.9)]
    src, tgt = side(xs), side(ys)
    out = move_repair(beads, src, tgt, lambda c: c, margin=0.1, window=4, max_span=4, weak=0.35)
    got = {(b.src, b.tgt) for b in out}
    assert ((0,), (0, 3)) in got                   # the other half of source 0 joins across the gap
    assert ((), (1,)) in got and ((2,), ()) in got  # unrelated sentences stay out
    assert len(out) == len(beads) - 1
    # a weak bead gives but never takes: with every pair bead counted weak, nothing moves
    assert move_repair(beads, src, tgt, lambda c: c, margin=0.1, window=4, max_span=4, weak=1.5) == beads
    # nor beyond the window
    assert move_repair(beads, src, tgt, lambda c: c, margin=0.1, window=2, max_span=4, weak=0.35) == beads


def test_a_caption_glued_to_a_weak_bead_pairs_with_its_translation_placed_later():
    # Source 4-5 is a caption the search glued to source 3; its translation is target 6-7, left out.
    m = meanings(12, seed=4)
    xs = np.vstack([m[0], m[1], m[2], m[3], m[8], m[9], m[4], m[5], m[6]])
    ys = np.vstack([m[0], m[1], m[2], m[3], m[4], m[5], m[8], m[9], m[6]])
    beads = [Bead((k,), (k,), 0.9) for k in range(3)] + [
        Bead((3, 4, 5), (3,), 0.3), Bead((6,), (4,), 0.9), Bead((7,), (5,), 0.9), Bead((), (6,)), Bead((), (7,)),
        Bead((8,), (8,), 0.9)]
    out = move_repair(beads, side(xs), side(ys), lambda c: c, margin=0.1, window=4, max_span=4, weak=0.75)
    got = [(b.src, b.tgt) for b in out]
    assert got == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,)), ((5,), (7,)), ((4,), (6,)),
                   ((6,), (4,)), ((7,), (5,)), ((8,), (8,))]
    # without block pairs the caption stays where the search put it
    assert move_repair(beads, side(xs), side(ys), lambda c: c, margin=0.1, window=4, max_span=4, weak=0.75,
                       pairs=False) == beads


def test_set_embedding_of_a_run_is_its_span_and_a_gap_weighs_its_runs():
    rng = np.random.default_rng(2)
    spans = mean_spans(rng.normal(size=(9, DIM)).astype(np.float32), 4)
    assert runs((5, 2, 3, 7)) == [(2, 2), (5, 1), (7, 1)]
    assert np.allclose(set_embedding(spans, (2, 3, 4)), spans[2, 2])
    weights = np.array([1, 1, 1, 1, 1, 3, 1, 1, 1], float)
    gap = set_embedding(spans, (1, 5), weights)
    assert np.allclose(gap, unit(spans[0, 1] + 3 * spans[0, 5]), atol=1e-6)
    # runs longer than the spans are cut into span-wide pieces
    assert np.allclose(set_embedding(spans, tuple(range(0, 9))),
                       unit(4 * spans[3, 0] + 4 * spans[3, 4] + spans[0, 8]), atol=1e-6)


def test_confidence_measures_a_bead_with_a_gap_by_its_runs():
    xs, ys, _ = interrupted_document()
    src, tgt = mean_spans(xs, 4), mean_spans(ys, 4)
    lengths = (np.full(len(xs), 40.0), np.full(len(ys), 40.0))
    (whole, excess), (half, _) = bead_measures([Bead((6, 9), (6,)), Bead((6,), (6,))], src, tgt, lengths=lengths)
    assert whole > half + 0.1 and excess == 0.0     # the joined halves match better than either
    (wrong, wrong_excess), = bead_measures([Bead((6, 7), (6,))], src, tgt, lengths=lengths)
    assert wrong < half and wrong_excess > 0.2      # the half glued to a caption line: its part beats it


def test_signature_records_the_moves_knobs():
    default = SearchParams().signature()
    for knob in ("moves", "move_margin", "move_window", "move_weak", "move_pairs"):
        assert f"|{knob}:" in default
    assert SearchParams(moves=True).signature() != default


def test_every_sentence_stays_in_exactly_one_bead_however_much_moves():
    # Loose settings make the pass move nearly everything it may: its bookkeeping must hold.
    loose = SearchParams(moves=True, move_window=8, move_margin=-1.0, move_weak=0.1)
    moved = gapped = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        n, m = int(rng.integers(5, 40)), int(rng.integers(5, 40))
        xs, ys = rng.normal(size=(n, DIM)).astype(np.float32), rng.normal(size=(m, DIM)).astype(np.float32)
        out = aligned(xs, ys, loose)
        plain = aligned(xs, ys, SearchParams())
        moved += sum(b not in plain for b in out)
        gapped += sum(len(runs(b.src)) > 1 or len(runs(b.tgt)) > 1 for b in out)
        assert sorted(i for b in out for i in b.src) == list(range(n))
        assert sorted(j for b in out for j in b.tgt) == list(range(m))
        for b in out:
            assert b.src or b.tgt
            assert len(b.src) <= 4 and len(b.tgt) <= 4
            assert len(runs(b.src)) <= 2 and len(runs(b.tgt)) <= 2
    assert moved > 50 and gapped > 20     # the settings did move sentences, gaps included
