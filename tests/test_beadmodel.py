"""The learned bead score: its features, the band recorder, the logistic fit and its use in the search."""

import numpy as np

from tmforge.align.beadmodel import FEATURES, BandRecorder, BeadFeatures, Model, fit_logistic
from tmforge.align.realign import align_passes
from tmforge.align.search import SearchParams, centered, mean_spans, search

F = {name: k for k, name in enumerate(FEATURES)}


def unit_rows(rng, n, d=16):
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def spans(vectors):
    return centered(mean_spans(vectors, 4))


SRC = ["Im Jahr 1998 kamen 12 Leute?", "Der Gipfel (4478 m) ruft.", "Nebel!", "Morgen: Wetter 07.", "Ende."]
TGT = ["En 1998, 12 personnes vinrent ?", "Le sommet (4478 m)", "appelle.", "Brouillard !", "Matin : temps 7.",
       "Fin."]


def test_features_match_a_direct_computation():
    rng = np.random.default_rng(1)
    xs, ys = spans(unit_rows(rng, len(SRC))), spans(unit_rows(rng, len(TGT)))
    feats = BeadFeatures(xs, ys, SRC, TGT)
    n, m = len(SRC), len(TGT)
    feats.prepare(np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64))   # the whole matrix is the band
    one = xs[0] @ ys[0].T
    assert np.allclose(feats.row_best, one.max(axis=1)) and np.allclose(feats.col_best, one.max(axis=0))
    got = feats(1, 2, 1, np.array([0, 1, 2]))         # "Der Gipfel (4478 m) ruft." against target pairs
    for row, s in zip(got, (0, 1, 2)):
        cos = float(xs[0, 1] @ ys[1, s])
        own = [cos, float(ys[0, s] @ xs[0, 1]), float(ys[0, s + 1] @ xs[0, 1])]
        best = [one[1].max(), one[:, s].max(), one[:, s + 1].max()]
        assert np.isclose(row[F["cosine"]], cos, atol=1e-5)
        assert np.isclose(row[F["margin"]], cos - np.mean(best), atol=1e-5)
        assert np.isclose(row[F["deficit"]], max(b - o for b, o in zip(best, own)), atol=1e-5)
        assert np.isclose(row[F["weakest"]], min(own), atol=1e-5)
        assert row[F["extra_sentences"]] == 1 and row[F["both_many"]] == 0
    # "(4478 m)" is in the target pairs starting at 0 and 1; the one at 0 also brings 1998 and 12 unmatched
    assert list(got[:, F["numbers_shared"]]) == [1, 1, 0]
    assert list(got[:, F["numbers_unmatched"]]) == [2, 0, 1]
    assert got[1, F["punctuation"]] < got[0, F["punctuation"]]   # ( ) on both sides against ? and ( ) alone
    first = feats(1, 1, 0, np.array([0]))[0]                       # 1998 and 12 on both sides; ? on both
    assert first[F["numbers_shared"]] == 2 and first[F["numbers_unmatched"]] == 0
    assert first[F["punctuation"]] == 0
    assert feats(1, 1, 3, np.array([4]))[0][F["numbers_shared"]] == 1   # 07 and 7 are one number


def test_logistic_fit_recovers_known_coefficients():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(20000, 2)) * [1.0, 3.0] + [0.5, -1.0]
    p = 1 / (1 + np.exp(-(1.5 * x[:, 0] - 0.5 * x[:, 1] - 1.0)))
    model = fit_logistic(x, (rng.random(p.size) < p).astype(float), l2=0.1)
    assert np.allclose(model.coefficients, [1.5, -0.5], atol=0.1) and abs(model.intercept + 1.0) < 0.15


def test_band_recorder_labels_exactly_the_gold_candidates():
    rng = np.random.default_rng(3)
    base = unit_rows(rng, 12)
    tgt = base + 0.3 * unit_rows(rng, 12)
    xs, ys = spans(base), spans(tgt / np.linalg.norm(tgt, axis=1, keepdims=True))
    texts = [f"s{k}" for k in range(12)]
    recorder = BandRecorder(BeadFeatures(xs, ys, texts, texts))
    beads = search(mean_spans(base, 4), mean_spans(tgt, 4), [10] * 12, [10] * 12, SearchParams(centre_prior=0),
                   extra=recorder)
    assert [b.src for b in beads] == [b.tgt for b in beads]          # the search is undisturbed (gain 0)
    gold = [((k,), (k,)) for k in range(12)]
    features, labels = recorder.labelled(gold)
    assert labels.sum() == 12 and features.shape == (labels.size, len(FEATURES))
    # every positive row is a 1-1 bead (no extra sentences) and its cosine is the diagonal's
    pos = features[labels == 1]
    assert (pos[:, F["extra_sentences"]] == 0).all()
    assert np.allclose(np.sort(pos[:, F["cosine"]]), np.sort(np.einsum("kd,kd->k", xs[0], ys[0])), atol=1e-5)


def test_model_weight_brings_the_learned_score_into_the_search():
    # Unrelated vectors (no evidence in the cosine), but every pair shares its numbers: a model that values
    # shared numbers pairs them, the cosine alone leaves them out.
    rng = np.random.default_rng(4)
    src = [f"Satz {k} von {k + 40} Sachen." for k in range(6)]
    tgt = [f"Phrase {k} de {k + 40} choses." for k in range(6)]
    xs, ys = mean_spans(unit_rows(rng, 6), 4), mean_spans(unit_rows(rng, 6), 4)
    numbers = Model(tuple(2.0 if f == "numbers_shared" else 0.0 for f in FEATURES), 0.0)

    def diagonal(beads):
        return sum(1 for b in beads if len(b.src) == 1 and b.src == b.tgt)

    plain = SearchParams(cross_margin=0.0, attach=False)     # the search alone (the repair pass sees cosines only)
    off = align_passes(xs, ys, src, tgt, plain, model=numbers)
    on = align_passes(xs, ys, src, tgt, SearchParams(model_weight=0.2, cross_margin=0.0, attach=False), model=numbers)
    assert diagonal(on) == 6 and diagonal(off) < 3
    assert "model_weight:0.2" in SearchParams(model_weight=0.2).signature()


def test_shipped_coefficients_cover_every_feature():
    from tmforge.align.beadmodel import COEFFICIENTS
    assert len(COEFFICIENTS.coefficients) == len(FEATURES) and np.isfinite(COEFFICIENTS.coefficients).all()
