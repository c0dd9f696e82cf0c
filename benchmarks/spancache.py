"""Span embeddings cached on disk (.bench-cache/spans), so tuning loops encode each text once.

The key is a hash of the encoder's name and version, the span width and the
texts themselves: any change to one of them misses the cache and re-encodes.
"""

from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np

from benchmarks.report import ROOT
from tmforge.align.pipeline import span_embeddings

CACHE = ROOT / ".bench-cache" / "spans"


def cached_spans(encoder, texts: Sequence[str], max_span: int, exact: bool = False) -> np.ndarray:
    digest = hashlib.sha256(f"{encoder.name}|{encoder.version}|{max_span}|{exact}".encode())
    for t in texts:
        digest.update(t.encode("utf-8") + b"\0")
    path = CACHE / f"{digest.hexdigest()[:32]}.npy"
    if path.is_file():
        return np.load(path)
    spans = span_embeddings(encoder, texts, max_span, exact=exact)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, spans)
    tmp.replace(path)
    return spans
