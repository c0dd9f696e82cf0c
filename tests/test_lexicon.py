"""The learned lexicon, the lexical bead score, the crossing repair and their knobs in the signature."""

import numpy as np
import pytest

from tmforge.align.beads import Bead
from tmforge.align.lexicon import Lexicon, LexicalScorer, units
from tmforge.align.realign import NearestMean, align_passes
from tmforge.align.repair import cross_repair
from tmforge.align.search import SearchParams, mean_spans

# Real German-French word pairs; the bitext below is built from them, so the lexicon must find them.
PAIRS = {"berg": "montagne", "gletscher": "glacier", "hütte": "cabane", "schnee": "neige",
         "gipfel": "sommet", "seil": "corde", "führer": "guide", "nebel": "brouillard",
         "grat": "arête", "wand": "paroi", "morgen": "matin", "wetter": "temps"}
FUNCTION = (["der", "und", "im"], ["le", "et", "dans"])


def bitext(n: int, seed: int) -> list[tuple[str, str]]:
    """Sentence pairs of 2-4 content words each, in shuffled order, with function words on both sides."""
    rng = np.random.default_rng(seed)
    words = sorted(PAIRS)
    out = []
    for _ in range(n):
        chosen = list(rng.choice(words, size=rng.integers(2, 5), replace=False))
        src = chosen + list(rng.choice(FUNCTION[0], size=2))
        tgt = [PAIRS[w] for w in chosen] + list(rng.choice(FUNCTION[1], size=2))
        rng.shuffle(src)
        rng.shuffle(tgt)
        out.append((" ".join(src).capitalize() + ".", " ".join(tgt).capitalize() + "."))
    return out


@pytest.mark.parametrize("model", ["model1", "dice"])
def test_lexicon_learns_the_translation_pairs_of_a_bitext(model):
    lex = Lexicon.train(bitext(300, seed=3), model=model)
    fwd = lex.forward.toarray()
    tgt_words = {w: k for w, k in lex.tgt_vocab.ids.items()}
    for de, fr in PAIRS.items():
        row = fwd[lex.src_vocab.ids[de]]
        content = [tgt_words[w] for w in PAIRS.values()]  # the best content word is the translation
        assert content[int(np.argmax(row[content]))] == tgt_words[fr], (de, fr)
    if model == "model1":  # and it outweighs every function word too
        assert all(np.argmax(fwd[lex.src_vocab.ids[de]]) == tgt_words[fr] for de, fr in PAIRS.items())


def test_stem_units_merge_inflected_forms():
    assert units("Gletschers, Gletscher!", stem=5) == ["glets", "glets"]
    assert units("Ледника и ледник.", stem=0) == ["ледника", "и", "ледник"]


def test_lexical_score_prefers_the_translation_to_its_neighbours():
    pairs = bitext(200, seed=4)
    lex = Lexicon.train(pairs[:150])
    src, tgt = [s for s, _ in pairs[150:]], [t for _, t in pairs[150:]]
    scorer = LexicalScorer(lex, src, tgt, 1.0, 0.0, 0.5, 4)
    i = np.arange(1, len(src) - 1)
    right = scorer.pair_scores(i, i)
    shifted = scorer.pair_scores(i, i + 1)
    assert (right > shifted).mean() > 0.9
    # The banded form the search uses gives the same numbers as the direct one.
    n = len(src)
    scorer.prepare(np.zeros(n + 1, np.int64), np.full(n + 1, n, np.int64))
    assert np.allclose([scorer.scores(1, 1, k, np.array([k]))[0] for k in i], right)


def scores_from(matrix: np.ndarray):
    return lambda i, j: matrix[i, j]


def test_repair_swaps_two_crossed_beads_when_the_evidence_is_clear():
    sim = np.full((4, 4), 0.05)
    sim[0, 0] = sim[3, 3] = 0.8
    sim[1, 2] = sim[2, 1] = 0.7        # sentences 1 and 2 were swapped by the translator
    sim[1, 1] = sim[2, 2] = 0.2
    beads = [Bead((k,), (k,), 0.9) for k in range(4)]
    out = cross_repair(beads, scores_from(sim), lambda s: s, margin=0.3, skip=-0.15)
    assert [(b.src, b.tgt) for b in out] == [((0,), (0,)), ((1,), (2,)), ((2,), (1,)), ((3,), (3,))]


def test_repair_leaves_monotone_beads_alone():
    sim = np.full((4, 4), 0.1) + np.eye(4) * 0.6
    sim[1, 2] = sim[2, 1] = 0.5        # a plausible crossing, but weaker than the straight pairs
    beads = [Bead((k,), (k,), 0.9) for k in range(4)]
    out = cross_repair(beads, scores_from(sim), lambda s: s, margin=0.3, skip=-0.15)
    assert out == beads


def test_repair_pairs_a_moved_sentence_and_leaves_unrelated_skips_out():
    # Source 1 moved two places on the target side (to 3); source 4 and target 5 translate nothing.
    sim = np.full((6, 6), 0.05)
    for i, j in ((0, 0), (2, 1), (3, 2), (1, 3)):
        sim[i, j] = 0.8
    beads = [Bead((0,), (0,)), Bead((1,), ()), Bead((2,), (1,)), Bead((3,), (2,)), Bead((), (3,)),
             Bead((4,), ()), Bead((), (4,)), Bead((5,), (5,))]
    sim[5, 5] = 0.8
    out = cross_repair(beads, scores_from(sim), lambda s: s, margin=0.8, skip=-0.15)
    got = {(b.src, b.tgt) for b in out}
    assert ((1,), (3,)) in got and ((1,), ()) not in got and ((), (3,)) not in got
    assert ((4,), ()) in got and ((), (4,)) in got   # 0.05 is no evidence


def test_signature_records_the_new_knobs():
    default = SearchParams().signature()
    for knob in ("lex_weight", "lex_offset", "lex_model", "lex_stem", "lex_min_confidence",
                 "cross_margin", "cross_window"):
        assert f"|{knob}:" in default
    assert SearchParams(lex_weight=0.2).signature() != default
    assert "lex_model:dice" in SearchParams(lex_model="dice").signature()


def test_second_pass_with_a_lexicon_covers_every_sentence_once():
    pairs = bitext(80, seed=5)
    src, tgt = [s for s, _ in pairs], [t for _, t in pairs]
    rng = np.random.default_rng(5)
    base = rng.normal(size=(80, 32))
    xs = (base + rng.normal(scale=0.8, size=base.shape)).astype(np.float32)
    ys = (base + rng.normal(scale=0.8, size=base.shape)).astype(np.float32)
    params = SearchParams(lex_weight=0.5, lex_offset=0.1, lex_min_confidence=0.5)
    beads = align_passes(mean_spans(xs, 4), mean_spans(ys, 4), src, tgt, params)
    assert sorted(i for b in beads for i in b.src) == list(range(80))
    assert sorted(j for b in beads for j in b.tgt) == list(range(80))


def test_nearest_mean_is_the_mean_of_the_k_best_cosines_with_the_other_side():
    rng = np.random.default_rng(4)
    xs, ys = rng.normal(size=(7, 12)), rng.normal(size=(600, 12))
    near = NearestMean(xs, ys, 3)
    idx = np.array([5, 0, 5, 2])
    want = [float(np.sort(xs[i] @ ys.T)[-3:].mean()) for i in idx]
    assert near(idx) == pytest.approx(want)
    assert near(np.array([2])) == pytest.approx(want[3:])   # from what it knows


def test_repair_with_the_knn_margin_still_pairs_a_moved_sentence():
    """A target sentence moved two places: the margin score pairs it back, as the cosine does."""
    rng = np.random.default_rng(8)
    xs = rng.normal(size=(20, 32))
    order = list(range(20))
    order.insert(12, order.pop(9))                      # the translation of sentence 9 comes after 11
    ys = np.array([xs[k] + rng.normal(scale=0.4, size=32) for k in order])
    src, tgt = [f"s{k}" for k in range(20)], [f"t{k}" for k in range(20)]
    spans = mean_spans(xs.astype(np.float32), 4), mean_spans(ys.astype(np.float32), 4)
    moved = ((9,), (order.index(9),))
    for margin, knn in ((0.3, 0), (0.3, 4), (0.0, 4)):
        keys = {(b.src, b.tgt) for b in align_passes(*spans, src, tgt, SearchParams(cross_margin=margin,
                                                                                     cross_knn=knn))}
        assert (moved in keys) == bool(margin)          # the repair, not the search, pairs it


def test_attach_joins_a_left_out_sentence_only_when_the_bead_matches_better():
    from tmforge.align.repair import attach_skips

    beads = [Bead((0,), (0,)), Bead((1,), ()), Bead((2,), (1,)), Bead((), (2,)), Bead((3,), (3,))]
    table = {((0,), (0,)): 0.5, ((0, 1), (0,)): 0.6, ((1, 2), (1,)): 0.3, ((2,), (1,)): 0.55,
             ((2,), (1, 2)): 0.5, ((3,), (3,)): 0.7, ((3,), (2, 3)): 0.75}

    def cosine(s, t):
        return table.get((s, t))

    got = [(b.src, b.tgt) for b in attach_skips(beads, cosine, lambda c: c, 0.02)]
    # source 1 joins its left bead (+0.1, the right one loses); target 2 joins the right bead (+0.05)
    assert got == [((0, 1), (0,)), ((2,), (1,)), ((3,), (2, 3))]
    assert [(b.src, b.tgt) for b in attach_skips(beads, cosine, lambda c: c, 0.2)] == \
        [(b.src, b.tgt) for b in beads]                      # nothing clears a high margin


def test_attach_keeps_runs_contiguous_after_a_crossing():
    from tmforge.align.repair import attach_skips

    beads = [Bead((0,), (2,)), Bead((1,), ()), Bead((2,), (0,))]     # crossed by the repair pass
    got = attach_skips(beads, lambda s, t: 1.0 if s == (0, 1) else 0.0, lambda c: c, 0.0)
    assert [(b.src, b.tgt) for b in got] == [((0, 1), (2,)), ((2,), (0,))]
    beads = [Bead((3,), (2,)), Bead((), (0,)), Bead((1,), (5,))]
    got = attach_skips(beads, lambda s, t: 1.0 if len(t) > 1 else 0.0, lambda c: c, 0.0)
    assert [(b.src, b.tgt) for b in got] == [(b.src, b.tgt) for b in beads]   # (0, 2) or (0, 5): no run
