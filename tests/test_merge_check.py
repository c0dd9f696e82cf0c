"""The merge check and the reference-blended centring of the search, on vectors built here.

A short document's own mean is a poor centre: two sentences centred on their
mean are opposite vectors, and a two-sentence span is left with only what the
sentences share. The search then joins a true pair and a mismatch into one 2-2
bead. Centring on the mean blended with the language's reference mean, and
making a many-sentence bead beat its best part, keeps the true pair alone.
"""

from dataclasses import replace

import numpy as np
import pytest

from tmforge.align.search import SearchParams, _best_part, _Side, mean_spans, search

OLD = SearchParams(centre_prior=0.0, short_part_penalty=0.0)   # the search before either change


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def two_sentence_document(seed: int, dim: int = 64):
    """Sentences = what all sentences share + their language's own direction + their meaning + noise.
    The first pair is a translation, the second is not (its target means something else)."""
    rng = np.random.default_rng(seed)
    common = np.full(dim, 3.0 / 8)
    src_lang, tgt_lang = rng.normal(size=dim) * 0.5 / 8, rng.normal(size=dim) * 0.5 / 8
    meaning = rng.normal(size=(3, dim)) / 8
    noise = rng.normal(scale=1.5 / 8, size=(4, dim))
    xs = _unit(np.array([common + src_lang + meaning[0], common + src_lang + meaning[1]]) + noise[:2])
    ys = _unit(np.array([common + tgt_lang + meaning[0], common + tgt_lang + meaning[2]]) + noise[2:])
    references = (_unit(common + src_lang) * 0.8, _unit(common + tgt_lang) * 0.8)
    return mean_spans(xs, 4), mean_spans(ys, 4), references


def outcomes(params: SearchParams, docs: int = 60) -> tuple[float, float]:
    """(share of documents joined into one 2-2 bead, share keeping the true pair as its own bead)."""
    joined = kept = 0
    for seed in range(docs):
        xs, ys, references = two_sentence_document(seed)
        keys = {(b.src, b.tgt) for b in search(xs, ys, [60, 60], [60, 60], params, references=references)}
        joined += ((0, 1), (0, 1)) in keys
        kept += ((0,), (0,)) in keys
    return joined / docs, kept / docs


@pytest.fixture(scope="module")
def old_and_new():
    return outcomes(OLD), outcomes(SearchParams())


def test_two_sentence_mismatch_is_no_longer_joined_with_the_true_pair(old_and_new):
    (old_joined, old_kept), (joined, kept) = old_and_new
    assert old_joined > 0.8          # the document's own centre joins them
    assert joined < 0.15 and kept > 0.85


def test_short_merge_check_adds_to_the_centring(old_and_new):
    _, (joined, _) = old_and_new
    centred_only, _ = outcomes(replace(SearchParams(), short_part_penalty=0.0))
    assert joined < centred_only


def test_best_part_is_the_best_smaller_bead_inside():
    rng = np.random.default_rng(3)
    xs, ys = mean_spans(_unit(rng.normal(size=(9, 16))), 4), mean_spans(_unit(rng.normal(size=(10, 16))), 4)
    src, tgt = _Side.build(xs, np.ones(9), np.zeros(9)), _Side.build(ys, np.ones(10), np.zeros(10))
    for a, b in ((2, 2), (1, 3), (3, 1), (1, 4), (2, 1)):
        i0, starts = 2, np.arange(1, 10 - b + 1)
        got = _best_part(src, tgt, a, b, i0, starts)
        for k, j0 in enumerate(starts):
            want = max(float(ys[b2 - 1, j0 + dt] @ xs[a2 - 1, i0 + ds])
                       for a2 in range(1, a + 1) for b2 in range(1, b + 1) if (a2, b2) != (a, b)
                       for ds in range(a - a2 + 1) for dt in range(b - b2 + 1))
            assert got[k] == pytest.approx(want, abs=1e-5)


def test_merge_check_leaves_out_a_sentence_that_adds_nothing():
    """1-1 translations, an unrelated target line after every third pair: with the trim term off and leaving
    a sentence out made costly, the merge check alone must leave the unrelated lines out of beads."""
    rng = np.random.default_rng(5)
    xs = rng.normal(size=(30, 48))
    ys, unrelated = [], []
    for k in range(30):
        ys.append(xs[k] + rng.normal(scale=0.5, size=48))
        if k % 3 == 1:
            unrelated.append(len(ys))
            ys.append(rng.normal(size=48) * 0.75)
    spans = mean_spans(_unit(xs), 4), mean_spans(_unit(np.array(ys)), 4)

    def left_out(params: SearchParams) -> int:
        alone = {b.tgt[0] for b in search(*spans, [100] * 30, [100] * len(ys), params) if not b.src}
        return sum(j in alone for j in unrelated)

    base = SearchParams(trim_penalty=0.0, short_part_penalty=0.0, skip=-0.3)
    assert left_out(base) <= len(unrelated) // 2
    assert left_out(replace(base, part_penalty=1.0)) == len(unrelated)


def test_signature_records_the_new_knobs():
    sig = SearchParams().signature()
    for knob in ("centre_prior", "part_penalty", "part_margin", "short_part_penalty", "short_part_power"):
        assert f"|{knob}:" in sig
    assert SearchParams(centre_prior=0.0).signature() != sig


def test_knn_margin_subtracts_each_sentences_usual_neighbourhood():
    from tmforge.align.search import _nearest_means

    rng = np.random.default_rng(6)
    xs, ys = _unit(rng.normal(size=(5, 8))), _unit(rng.normal(size=(7, 8)))
    near_x, near_y = _nearest_means(xs, ys, 2)
    top = [float(np.sort(xs[i] @ ys.T)[-2:].mean()) for i in range(5)]
    assert np.diff(near_x) == pytest.approx(np.array(top) - np.mean(top), abs=1e-6)
    assert near_y.shape == (8,) and near_y[-1] == pytest.approx(0.0, abs=1e-6)
    # on: the search still covers every sentence once
    beads = search(mean_spans(xs, 4), mean_spans(ys, 4), [50] * 5, [50] * 7, SearchParams(knn_weight=0.5))
    assert sorted(i for b in beads for i in b.src) == list(range(5))
    assert sorted(j for b in beads for j in b.tgt) == list(range(7))


def test_per_sentence_skip_values_chain_like_the_single_value():
    """The DP with every sentence's skip value given equals the DP with the one value; a sentence whose skip
    is made cheap is left out."""
    from tmforge.align.search import _run_dp

    rng = np.random.default_rng(7)
    xs, ys = _unit(rng.normal(size=(12, 16))), _unit(rng.normal(size=(14, 16)))
    ys[:12] = _unit(xs + rng.normal(scale=0.3, size=(12, 16)))
    p = SearchParams()
    lo, hi = np.zeros(13, np.int64), np.full(13, 14, np.int64)

    def run(src_skips=None, tgt_skips=None):
        src = _Side.build(mean_spans(xs, 4), np.full(12, 50.0), np.zeros(12, np.int64))
        tgt = _Side.build(mean_spans(ys, 4), np.full(14, 50.0), np.zeros(14, np.int64))
        src.skips, tgt.skips = src_skips, tgt_skips
        return _run_dp(src, tgt, lo, hi, p.beads, p, 0.0)

    assert run(np.full(12, p.skip), np.full(14, p.skip)) == run()
    cheap = np.full(14, p.skip)
    cheap[3] = 5.0
    assert any(a == 0 and j == 3 for _, a, j, b, _ in run(None, cheap))


def test_the_editors_realign_scores_a_short_document_as_the_first_alignment_did():
    """Realign searches a stretch against the whole document's context: with the references the first
    alignment had, it is the same centring and merge check, so an untouched two-sentence document is
    realigned to the same beads (the document's own mean joined the true pair with the mismatch)."""
    from tmforge.align.editor.realign import Inputs, _search

    differ_without = 0
    for seed in range(30):
        xs, ys, references = two_sentence_document(seed)
        lengths, para = np.full(2, 60.0), np.zeros(2, np.int64)
        first = [(b.src, b.tgt) for b in search(xs, ys, lengths, lengths, SearchParams(), references=references)]
        inputs = Inputs(xs, ys, lengths, lengths, para, para, SearchParams(), references)
        assert [(b.src, b.tgt) for b in _search(inputs, 0, 2, 0, 2)] == first
        plain = Inputs(xs, ys, lengths, lengths, para, para, SearchParams())
        differ_without += [(b.src, b.tgt) for b in _search(plain, 0, 2, 0, 2)] != first
    assert differ_without > 0     # the references matter here, so the test can tell
