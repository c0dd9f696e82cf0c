"""`--model` names an encoder backend and a model; span-composing encoders are declared, not guessed."""

import subprocess
import sys

import numpy as np
import pytest

from tmforge.align.embed import (BACKENDS, DEFAULT_MODEL, Backend, CachedEncoder, SpanEncoder, UseEncoder,
                                 load_encoder, register_backend, resolve_model)
from tmforge.align.pipeline import span_embeddings
from tmforge.align.progress import ProgressView
from tmforge.errors import TmforgeError


@pytest.mark.parametrize("spec,backend,model", [
    (None, "use", "m3"), ("", "use", "m3"), ("use-m3", "use", "m3"), ("use:m3", "use", "m3"),
    ("st:sentence-transformers/LaBSE", "st", "sentence-transformers/LaBSE"),
    ("ST:/models/labse", "st", "/models/labse"),
    ("sentence-transformers/LaBSE", "st", "sentence-transformers/LaBSE"),  # plain names work as before
    ("/models/labse", "st", "/models/labse"),
    ("C:\\models\\labse", "st", "C:\\models\\labse"),  # a Windows drive is not a backend
])
def test_model_names_resolve_to_a_backend(spec, backend, model):
    found, name = resolve_model(spec)
    assert (found.name, name) == (backend, model)


def test_an_existing_folder_whose_name_has_a_colon_is_a_model_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hf:labse").mkdir()
    assert resolve_model("hf:labse")[0].name == "st"


def test_an_unknown_backend_lists_the_known_ones():
    with pytest.raises(TmforgeError) as caught:
        resolve_model("laser:ru-en")
    message = str(caught.value)
    assert "unknown encoder backend 'laser'" in message
    for backend in BACKENDS.values():
        assert backend.usage in message


@pytest.mark.parametrize("spec,match", [("use:labse", "one model, m3"), ("st:", "needs a model name")])
def test_a_backend_refuses_a_model_it_does_not_have(spec, match):
    with pytest.raises(TmforgeError, match=match):
        load_encoder(spec)


def test_the_default_is_loaded_once_and_composes_spans(encoder):
    assert load_encoder(DEFAULT_MODEL) is load_encoder() is encoder
    assert isinstance(encoder, UseEncoder) and isinstance(encoder, SpanEncoder)
    assert load_encoder(threads=1) is not encoder and load_encoder(threads=1).threads == 1


def test_a_registered_backend_is_named_by_model(encoder):
    backend = Backend("cached-use", "cached-use:m3", "the bundled encoder, each text embedded once",
                      lambda model, device, threads: CachedEncoder(load_encoder(model and f"use:{model}")))
    register_backend(backend)
    try:
        loaded = load_encoder("cached-use:m3")
        assert isinstance(loaded, CachedEncoder) and loaded.inner is encoder
        with pytest.raises(ValueError, match="already registered"):
            register_backend(backend)
    finally:
        del BACKENDS["cached-use"]


def test_spans_are_composed_only_by_span_encoders(encoder):
    texts = ["Договор подписан.", "Он вступает в силу сразу.", "The treaty is signed.", "It takes effect at once."]
    composed = span_embeddings(encoder, texts, 2)
    assert np.array_equal(composed, encoder.spans(texts, 2))
    # A wrapper that only encodes is no SpanEncoder: its spans are the joined texts re-encoded.
    cached = CachedEncoder(encoder)
    assert not isinstance(cached, SpanEncoder)
    reencoded = span_embeddings(cached, texts, 2)
    assert np.allclose(reencoded[1, 0], encoder.encode([" ".join(texts[:2])])[0], atol=1e-6)
    assert not np.allclose(reencoded[1, 0], composed[1, 0], atol=1e-6)


def test_the_progress_wrapper_keeps_what_the_encoder_can_do(encoder):
    view = ProgressView(enabled=False)
    assert isinstance(view.wrap(encoder), SpanEncoder)
    assert not isinstance(view.wrap(CachedEncoder(encoder)), SpanEncoder)


def test_cli_refuses_an_unknown_backend_before_any_work(tmp_path):
    src, tgt = tmp_path / "ru.txt", tmp_path / "en.txt"
    src.write_text("Привет.\n", encoding="utf-8")
    tgt.write_text("Hello.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "tmforge", "align", str(src), str(tgt), "--model", "laser:x",
                          "-o", str(tmp_path / "out.tmx")], capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.startswith("error: unknown encoder backend 'laser'") and "st:NAME_OR_PATH" in run.stderr
    assert not (tmp_path / "out.tmx").exists()
