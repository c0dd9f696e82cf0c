"""The sentence-transformers backend, offline, with a tiny model the test builds and saves itself.

The model is a StaticEmbedding over a word-level tokenizer in which each
English word and its Russian translation share one random vector, so a real
alignment can be checked without downloading anything.
"""

import subprocess
import sys

import numpy as np
import pytest

st = pytest.importorskip("sentence_transformers", reason="sentence-transformers is not installed: pip install torch==2.13.0 (the CPU build) then pip install -e '.[st]' (.ci/run does this)")
tokenizers = pytest.importorskip("tokenizers")

WORDS = [("council", "совет"), ("meeting", "заседание"), ("secretary", "секретарь"), ("border", "граница"),
         ("program", "программа"), ("drugs", "наркотики"), ("peace", "мир"), ("treaty", "договор"),
         ("security", "безопасность"), ("terrorism", "терроризм"), ("members", "члены"), ("year", "год")]
EN = ["council meeting", "secretary", "border program drugs", "peace treaty", "security terrorism",
      "members year"]
RU = ["совет заседание", "секретарь", "граница программа", "наркотики", "мир договор",
      "безопасность терроризм", "члены год"]


def devices() -> list[str]:
    import torch

    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    try:
        from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    except ImportError:
        from sentence_transformers.models import StaticEmbedding
    vocab = {"[UNK]": 0, "[PAD]": 1}
    rng = np.random.default_rng(0)
    vectors = [rng.normal(size=32), np.zeros(32)]
    for en, ru in WORDS:
        shared = rng.normal(size=32)
        for word in (en, ru):
            vocab[word] = len(vocab)
            vectors.append(shared)
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    module = StaticEmbedding(tok, embedding_weights=np.array(vectors, dtype=np.float32))
    path = tmp_path_factory.mktemp("tiny-st")
    st.SentenceTransformer(modules=[module], device="cpu").save(str(path))
    return path


@pytest.mark.parametrize("device", devices())
def test_sentence_transformer_encoder_aligns_many_to_many(tiny_model, device):
    from tmforge.align.embed import load_encoder
    from tmforge.align.pipeline import align_sentences

    encoder = load_encoder(str(tiny_model), device=device)
    assert str(encoder._model.device).startswith(device)
    vectors = encoder.encode(EN)
    assert vectors.shape == (len(EN), 32)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    beads = align_sentences(EN, RU, encoder)
    got = [(b.src, b.tgt) for b in beads]
    assert got == [((0,), (0,)), ((1,), (1,)), ((2,), (2, 3)), ((3,), (4,)), ((4,), (5,)), ((5,), (6,))]


@pytest.mark.parametrize("device", devices())
def test_cli_model_option_uses_the_saved_model(tiny_model, tmp_path, device):
    src, tgt = tmp_path / "en.txt", tmp_path / "ru.txt"
    src.write_text("\n".join(EN) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(RU) + "\n", encoding="utf-8")
    out = tmp_path / "out.align"
    run = subprocess.run([sys.executable, "-m", "tmforge", "align", str(src), str(tgt), "--segmented",
                          "--src-lang", "en", "--tgt-lang", "ru", "--model", str(tiny_model),
                          "--device", device, "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8").splitlines()[2] == "[2]:[2, 3]"


def test_missing_model_is_a_one_line_error(tmp_path):
    from tmforge.align.embed import SentenceTransformerEncoder
    from tmforge.errors import TmforgeError

    with pytest.raises(TmforgeError, match="cannot load model"):
        SentenceTransformerEncoder(str(tmp_path / "no-such-model"))
