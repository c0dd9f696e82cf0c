"""Span embeddings cached on disk (.bench-cache/spans), so tuning loops encode each text once.

The key is a hash of the encoder's name and version, the span width and the
texts themselves: any change to one of them misses the cache and re-encodes.
"""

from __future__ import annotations

import hashlib
from typing import Callable, Sequence

import numpy as np

from benchmarks.report import ROOT
from tmforge.align.pipeline import span_embeddings

CACHE = ROOT / ".bench-cache" / "spans"


def cached(made_by: str, texts: Sequence[str], compute: Callable[[], np.ndarray]) -> np.ndarray:
    """`compute()` once for these texts and `made_by` (what makes the array: encoder, version, options),
    then read from disk."""
    digest = hashlib.sha256(made_by.encode())
    for t in texts:
        digest.update(t.encode("utf-8") + b"\0")
    path = CACHE / f"{digest.hexdigest()[:32]}.npy"
    if path.is_file():
        return np.load(path)
    array = compute()
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, array)
    tmp.replace(path)
    return array


def cached_spans(encoder, texts: Sequence[str], max_span: int, exact: bool = False) -> np.ndarray:
    return cached(f"{encoder.name}|{encoder.version}|{max_span}|{exact}", texts,
                  lambda: span_embeddings(encoder, texts, max_span, exact=exact))
