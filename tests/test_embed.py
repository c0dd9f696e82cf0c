import numpy as np

from align.embed import CachedEncoder


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
