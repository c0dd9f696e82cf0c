"""The search on synthetic documents whose true beads are known by construction.

Each bead is a bag of random 'word' vectors; its source and target sentences
partition the same words differently, so only the true grouping reproduces the
bead's meaning exactly, as with a real translation split or merged.
"""

import numpy as np
import pytest

from tmforge.align.beads import Bead
from tmforge.align.search import SearchParams, mean_spans, search

KINDS = [(1, 1)] * 12 + [(1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1)]


def synthetic(n_beads: int, seed: int, dim: int = 96):
    rng = np.random.default_rng(seed)
    src_vecs, tgt_vecs, src_len, tgt_len, gold = [], [], [], [], []
    previous = (1, 1)
    for _ in range(n_beads):
        a, b = KINDS[rng.integers(len(KINDS))]
        if min(a, b) == 0 and min(previous) == 0 and (a, b) != previous:
            a, b = 1, 1  # a deletion next to an insertion is indistinguishable from a bad 1-1
        previous = (a, b)
        words = rng.normal(size=(6, dim))
        bead_src, bead_tgt = [], []
        src_cuts = []
        for side, count, vecs, lens, idx in ((0, a, src_vecs, src_len, bead_src),
                                             (1, b, tgt_vecs, tgt_len, bead_tgt)):
            if count == 0:
                continue
            # the two sides cut the bead's words at different places, as real splits do
            choices = [c for c in range(1, 6) if c not in src_cuts] if side else list(range(1, 6))
            cuts = sorted(rng.choice(choices, size=count - 1, replace=False)) if count > 1 else []
            if side == 0:
                src_cuts = list(cuts)
            for part in np.split(np.arange(6), cuts):
                idx.append(len(vecs))
                vecs.append(words[part].sum(axis=0) + rng.normal(scale=0.3, size=dim))
                lens.append(20 * len(part))
        if a == 0 or b == 0:  # an unaligned sentence has words of its own
            vecs = src_vecs if a else tgt_vecs
            vecs[-1] = rng.normal(size=dim) * 2
        gold.append(Bead(tuple(bead_src), tuple(bead_tgt)))
    return (np.array(src_vecs, dtype=np.float32), np.array(tgt_vecs, dtype=np.float32),
            np.array(src_len), np.array(tgt_len), gold)


def strict_accuracy(pred, gold):
    return len({(b.src, b.tgt) for b in pred} & {(b.src, b.tgt) for b in gold}) / len(gold)


@pytest.mark.parametrize("seed", [1, 2])
def test_recovers_many_to_many_beads(seed):
    xs, ys, xl, yl, gold = synthetic(60, seed)
    pred = search(mean_spans(xs, 4), mean_spans(ys, 4), xl, yl)
    assert strict_accuracy(pred, gold) >= 0.95


def test_band_search_on_long_documents_matches_exact_search():
    xs, ys, xl, yl, gold = synthetic(400, 7)
    spans_x, spans_y = mean_spans(xs, 4), mean_spans(ys, 4)
    exact = search(spans_x, spans_y, xl, yl, SearchParams(coarse_cells=10**9))
    banded = search(spans_x, spans_y, xl, yl, SearchParams(coarse_cells=2_000))
    assert strict_accuracy(banded, gold) >= 0.95
    assert strict_accuracy(banded, exact) >= 0.99


def test_every_sentence_is_covered_once_in_order():
    xs, ys, xl, yl, _ = synthetic(80, 3)
    pred = search(mean_spans(xs, 4), mean_spans(ys, 4), xl, yl, SearchParams(coarse_cells=500))
    assert [i for b in pred for i in b.src] == list(range(len(xs)))
    assert [j for b in pred for j in b.tgt] == list(range(len(ys)))
    assert all(0.0 <= b.score <= 1.0 for b in pred if b.src and b.tgt)


def test_empty_side_gives_only_insertions():
    xs = np.zeros((4, 1, 8), dtype=np.float32)
    pred = search(np.zeros((4, 0, 8), dtype=np.float32), xs, [], [10])
    assert pred == [Bead((), (0,))]


def test_a_paragraph_missing_on_one_side_leaves_the_rest_aligned(tmp_path, sample_gold, encoder):
    """Real text: drop one Russian paragraph of the sample; every other gold 1-1 pair must survive."""
    from tmforge.align.pipeline import align_files
    from conftest import SAMPLES

    en, ru, gold = sample_gold
    paragraphs = (SAMPLES / "parallel" / "ru.txt").read_text(encoding="utf-8").split("\n\n")
    dropped = paragraphs.pop(len(paragraphs) // 2)
    (tmp_path / "ru.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    result = align_files(SAMPLES / "parallel" / "en.txt", tmp_path / "ru.txt", encoder=encoder)
    found = {(s, t) for s, t, b in result.pairs() if b.src and b.tgt}
    expected = {(en[b.src[0]], ru[b.tgt[0]]) for b in gold
                if len(b.src) == len(b.tgt) == 1 and ru[b.tgt[0]] not in dropped}
    assert len(expected) > 35
    assert expected - found == set()
    # the English sentences of the dropped paragraph stay unaligned rather than paired with wrong text
    orphans = [s for s, t, b in result.pairs() if b.src and not b.tgt]
    assert len(orphans) >= 2


def with_unrelated_lines(seed: int, n: int = 40, dim: int = 64, scale: float = 0.75):
    """1-1 translations with an unrelated target line (a caption, say) after every fourth pair."""
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n, dim))
    ys, unrelated, gold = [], [], []
    for k in range(n):
        gold.append(Bead((k,), (len(ys),)))
        ys.append(xs[k] + rng.normal(scale=0.5, size=dim))
        if k % 4 == 1:
            unrelated.append(len(ys))
            gold.append(Bead((), (len(ys),)))
            ys.append(rng.normal(size=dim) * scale)
    return xs.astype(np.float32), np.array(ys, dtype=np.float32), gold, unrelated


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unrelated_lines_are_left_out_of_beads(seed):
    xs, ys, gold, unrelated = with_unrelated_lines(seed)
    lengths = ([100] * len(xs), [100] * len(ys))
    spans = (mean_spans(xs, 4), mean_spans(ys, 4))

    def left_out(params):
        pred = search(*spans, *lengths, params)
        alone = {b.tgt[0] for b in pred if not b.src}
        return sum(j in alone for j in unrelated) / len(unrelated), pred

    share, pred = left_out(SearchParams())
    share_untrimmed, _ = left_out(SearchParams(trim_penalty=0.0))
    assert share >= 0.6
    assert share > share_untrimmed  # the trim term, not the rest of the score, leaves them out
    assert strict_accuracy(pred, gold) >= 0.85
