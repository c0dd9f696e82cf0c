"""A word-translation lexicon learned from the material itself, and a lexical bead score.

After a first pass, the confident 1-1 beads are a small bitext. IBM Model 1
(EM over word co-occurrences, with a NULL word) or a Dice table learns from
them which units translate which: numbers, names and cognates fall out of it
without hand-made rules, and so do the content words the document repeats.
Units are lower-cased words cut to their first `stem` letters, a crude
subword that merges inflected forms (Gletscher/Gletschers, ледник/ледника).

The lexical score of a bead is composable from sentence pairs, like the
composed span embeddings: for each target unit, the translation mass the
bead's source units give it, summed over the bead and divided by the bead's
target units (and the same the other way round, averaged). Block sums over
a banded sentence-pair matrix give every 1..K-sentence candidate at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

_WORD = re.compile(r"\w+")
MAX_TRAINING_PAIRS = 20_000  # bounds the lexicon's cost on very long documents (evenly spaced sample)
MIN_PROBABILITY = 0.01       # table entries below this are dropped: noise that every pair would share


def units(text: str, stem: int = 0) -> list[str]:
    """Lower-cased word units of a sentence, each cut to `stem` characters (0 keeps whole words)."""
    words = _WORD.findall(text.lower())
    return [w[:stem] for w in words] if stem else words


class Vocabulary:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def encode(self, tokens: Iterable[str], grow: bool = True) -> np.ndarray:
        out = []
        for t in tokens:
            k = self.ids.get(t)
            if k is None and grow:
                k = self.ids[t] = len(self.ids)
            if k is not None:
                out.append(k)
        return np.array(out, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)


def _model1(src: list[np.ndarray], tgt: list[np.ndarray], n_src: int, n_tgt: int,
            iterations: int) -> sp.csr_matrix:
    """IBM Model 1 t(e | f) over id sequences; source id n_src is the NULL word. Vectorised EM."""
    f_parts, e_parts, g_parts = [], [], []
    offset = 0
    for f, e in zip(src, tgt):
        if not e.size:
            continue
        f = np.append(f, n_src)
        f_parts.append(np.repeat(f, e.size))
        e_parts.append(np.tile(e, f.size))
        g_parts.append(offset + np.tile(np.arange(e.size), f.size))
        offset += e.size
    if not f_parts:
        return sp.csr_matrix((n_src + 1, n_tgt), dtype=np.float64)
    tri_f, tri_e, group = (np.concatenate(p) for p in (f_parts, e_parts, g_parts))
    keys, pid = np.unique(tri_f * n_tgt + tri_e, return_inverse=True)
    pair_f, pair_e = keys // n_tgt, keys % n_tgt
    t = np.ones(keys.size)
    for _ in range(iterations):
        p = t[pid]
        denom = np.bincount(group, p, minlength=offset)
        counts = np.bincount(pid, p / denom[group], minlength=keys.size)
        total = np.bincount(pair_f, counts, minlength=n_src + 1)
        t = counts / total[pair_f]
    return sp.csr_matrix((t, (pair_f, pair_e)), shape=(n_src + 1, n_tgt))


def _dice(src: list[np.ndarray], tgt: list[np.ndarray], n_src: int, n_tgt: int) -> sp.csr_matrix:
    """Dice coefficient 2 C(f, e) / (C(f) + C(e)) over sentence co-occurrence counts."""
    rows = [np.unique(f) for f in src]
    cols = [np.unique(e) for e in tgt]
    f_cnt = np.bincount(np.concatenate(rows + [np.zeros(0, np.int64)]), minlength=n_src)
    e_cnt = np.bincount(np.concatenate(cols + [np.zeros(0, np.int64)]), minlength=n_tgt)
    pairs_f = [np.repeat(f, e.size) for f, e in zip(rows, cols)]
    pairs_e = [np.tile(e, f.size) for f, e in zip(rows, cols)]
    if not pairs_f:
        return sp.csr_matrix((n_src + 1, n_tgt), dtype=np.float64)
    co = sp.csr_matrix((np.ones(sum(p.size for p in pairs_f)), (np.concatenate(pairs_f), np.concatenate(pairs_e))),
                       shape=(n_src + 1, n_tgt))
    co.sum_duplicates()
    coo = co.tocoo()
    dice = 2 * coo.data / (f_cnt[coo.row] + e_cnt[coo.col])
    dice[coo.data < 2] = 0.0  # a single co-occurrence is chance, not evidence
    return sp.csr_matrix((dice, (coo.row, coo.col)), shape=co.shape)


@dataclass
class Lexicon:
    """Translation tables both ways over two vocabularies (rows: from-units, columns: to-units)."""

    src_vocab: Vocabulary
    tgt_vocab: Vocabulary
    forward: sp.csr_matrix   # (|src| , |tgt|): t(tgt unit | src unit)
    backward: sp.csr_matrix  # (|tgt| , |src|): t(src unit | tgt unit)
    stem: int

    @classmethod
    def train(cls, pairs: Sequence[tuple[str, str]], model: str = "model1", stem: int = 0,
              iterations: int = 5) -> "Lexicon":
        """Learn from sentence pairs (texts); `model` is "model1" or "dice"."""
        if len(pairs) > MAX_TRAINING_PAIRS:
            pick = np.linspace(0, len(pairs) - 1, MAX_TRAINING_PAIRS).astype(int)
            pairs = [pairs[k] for k in pick]
        sv, tv = Vocabulary(), Vocabulary()
        src = [sv.encode(units(s, stem)) for s, _ in pairs]
        tgt = [tv.encode(units(t, stem)) for _, t in pairs]
        ns, nt = len(sv), len(tv)
        if model == "model1":
            fwd = _model1(src, tgt, ns, nt, iterations)[:ns]
            bwd = _model1(tgt, src, nt, ns, iterations)[:nt]
        elif model == "dice":
            fwd = _dice(src, tgt, ns, nt)[:ns]
            bwd = fwd.T.tocsr()
        else:
            raise ValueError(f"unknown lexicon model {model!r}: use model1 or dice")
        return cls(sv, tv, _pruned(fwd), _pruned(bwd), stem)

    def bags(self, texts: Sequence[str], side: str) -> sp.csr_matrix:
        """(n, |vocab|) unit counts of sentences; units the lexicon never saw are dropped."""
        vocab = self.src_vocab if side == "src" else self.tgt_vocab
        ids = [vocab.encode(units(t, self.stem), grow=False) for t in texts]
        indptr = np.cumsum([0] + [x.size for x in ids])
        data = np.ones(int(indptr[-1]))
        flat = np.concatenate(ids) if ids else np.zeros(0, np.int64)
        bag = sp.csr_matrix((data, flat, indptr), shape=(len(texts), len(vocab)))
        bag.sum_duplicates()
        return bag


def _pruned(table: sp.csr_matrix) -> sp.csr_matrix:
    table = table.tocsr()
    table.data[table.data < MIN_PROBABILITY] = 0.0
    table.eliminate_zeros()
    return table


class LexicalScorer:
    """Lexical evidence for every candidate bead of a search, as an extra gain term.

    `search` calls `prepare(lo, hi)` with the finest level's band, then the
    scorer with (a, b, i0, starts): the gain of the beads pairing source
    sentences i0..i0+a-1 with target sentences s..s+b-1 for each s in starts.
    """

    def __init__(self, lexicon: Lexicon, src_texts: Sequence[str], tgt_texts: Sequence[str],
                 weight: float, offset: float, size_weight: float, max_span: int):
        x = lexicon.bags(src_texts, "src")
        y = lexicon.bags(tgt_texts, "tgt")
        self.fwd = (x @ lexicon.forward).tocsr()    # (n, |tgt|): mass each source sentence gives target units
        self.bwd = (y @ lexicon.backward).tocsr()   # (m, |src|)
        self.x, self.y = x, y
        # Units counted for normalising: all the sentence's words, known to the lexicon or not.
        self.src_units = np.array([len(units(t, lexicon.stem)) for t in src_texts], dtype=np.float64)
        self.tgt_units = np.array([len(units(t, lexicon.stem)) for t in tgt_texts], dtype=np.float64)
        self.src_cum = np.concatenate([[0.0], np.cumsum(self.src_units)])
        self.tgt_cum = np.concatenate([[0.0], np.cumsum(self.tgt_units)])
        self.weight, self.offset, self.size_weight, self.max_span = weight, offset, size_weight, max_span
        self.col0 = np.zeros(0, np.int64)
        self.fwd_band = self.bwd_band = np.zeros((0, 0))

    def prepare(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Sentence-pair masses for every cell a bead of the band can touch, one row per source sentence."""
        n, m, k = self.x.shape[0], self.y.shape[0], self.max_span
        # Source sentence r is in beads ending at rows r+1..r+k, whose targets start at lo[.]-k and end by hi[.].
        ends = np.minimum(np.arange(n)[:, None] + np.arange(1, k + 1)[None, :], n)
        col0 = np.maximum(lo[ends].min(axis=1) - k, 0)
        col1 = np.minimum(hi[ends].max(axis=1), m)
        width = int((col1 - col0).max()) + 1 if n else 1
        self.col0 = col0
        self.fwd_band = np.zeros((n, width))
        self.bwd_band = np.zeros((n, width))
        block = 256
        for r0 in range(0, n, block):
            r1 = min(r0 + block, n)
            c0, c1 = int(col0[r0:r1].min()), int(col1[r0:r1].max())
            if c1 <= c0:
                continue
            f = (self.fwd[r0:r1] @ self.y[c0:c1].T).toarray()       # source r -> target c
            b = (self.x[r0:r1] @ self.bwd[c0:c1].T).toarray()       # target c -> source r
            for r in range(r0, r1):
                lo_c, hi_c = int(col0[r]), int(col1[r])
                if hi_c > lo_c:
                    self.fwd_band[r, : hi_c - lo_c] = f[r - r0, lo_c - c0: hi_c - c0]
                    self.bwd_band[r, : hi_c - lo_c] = b[r - r0, lo_c - c0: hi_c - c0]
        # Running sums along each row: a run of b target sentences is then two lookups.
        self.fwd_cum = np.concatenate([np.zeros((n, 1)), np.cumsum(self.fwd_band, axis=1)], axis=1)
        self.bwd_cum = np.concatenate([np.zeros((n, 1)), np.cumsum(self.bwd_band, axis=1)], axis=1)

    def scores(self, a: int, b: int, i0: int, starts: np.ndarray) -> np.ndarray:
        """The lexical score in [0, ~1] of each candidate bead (the mean of both directions' coverage)."""
        fwd = np.zeros(starts.size)
        bwd = np.zeros(starts.size)
        width = self.fwd_cum.shape[1] - 1
        for r in range(i0, i0 + a):
            # prepare() covers every cell the search asks for; the bounds only guard the array
            first = np.minimum(np.maximum(starts - self.col0[r], 0), width)
            last = np.minimum(np.maximum(starts + b - self.col0[r], 0), width)
            fwd += self.fwd_cum[r, last] - self.fwd_cum[r, first]
            bwd += self.bwd_cum[r, last] - self.bwd_cum[r, first]
        tgt_n = self.tgt_cum[starts + b] - self.tgt_cum[starts]
        src_n = self.src_cum[i0 + a] - self.src_cum[i0]
        return 0.5 * (fwd / np.maximum(tgt_n, 1.0) + bwd / max(src_n, 1.0))

    def pair_scores(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The lexical score of arbitrary 1-1 pairs (source i[k], target j[k]), outside any band."""
        fwd = np.asarray(self.fwd[i].multiply(self.y[j]).sum(axis=1)).ravel()
        bwd = np.asarray(self.x[i].multiply(self.bwd[j]).sum(axis=1)).ravel()
        return 0.5 * (fwd / np.maximum(self.tgt_units[j], 1.0) + bwd / np.maximum(self.src_units[i], 1.0))

    def pair_gain(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self.weight * (self.pair_scores(i, j) - self.offset)

    def __call__(self, a: int, b: int, i0: int, starts: np.ndarray) -> np.ndarray:
        return self.weight * ((a + b) / 2.0) ** self.size_weight * (self.scores(a, b, i0, starts) - self.offset)
