"""Splitting a mixed Russian/English document into language streams with anchors."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

from align.detect import LANGS, detect_language
from align.io import Paragraph


@dataclass
class MixedSplit:
    """Per-language streams of one mixed document, with the correspondences kept.

    `labels[k]` is the label of paragraph k of the document; `streams[lang]`
    lists document paragraph indices of that language in order; `anchors`
    pairs a Russian and an English paragraph index that translate each other.
    """

    paragraphs: list[Paragraph]
    labels: list[str]
    anchors: list[tuple[int, int]] = field(default_factory=list)

    def stream(self, lang: str) -> list[int]:
        return [k for k, label in enumerate(self.labels) if label == lang]


def label_paragraphs(paragraphs: Sequence[Paragraph]) -> list[str]:
    """Label each paragraph; a neutral one takes its preceding neighbour's language."""
    labels = [detect_language(p.text) for p in paragraphs]
    for k, label in enumerate(labels):
        if label == "neutral" and k > 0 and labels[k - 1] in LANGS:
            labels[k] = labels[k - 1]
    return labels


def length_affinity(a: str, b: str) -> float:
    """How plausible two texts are as translations, judged by length alone (1 = same length)."""
    return math.exp(-abs(math.log((len(a) + 1) / (len(b) + 1))))


def pair_adjacent(labels: Sequence[str], affinity: Callable[[int, int], float],
                  threshold: float = 0.0) -> list[tuple[int, int]]:
    """Pair neighbouring paragraphs of opposite languages (ru next to en) as translations.

    Each paragraph joins at most one pair; where a paragraph could pair with
    either neighbour, the pairing with the highest total affinity wins (a small
    dynamic program over the sequence). Returns (ru index, en index) pairs.
    """
    n = len(labels)
    best = [0.0] * (n + 1)  # best[k]: total affinity of paragraphs k.. paired optimally
    take = [False] * (n + 1)
    for k in range(n - 2, -1, -1):
        best[k] = best[k + 1]
        if {labels[k], labels[k + 1]} == set(LANGS):
            gain = affinity(k, k + 1)
            if gain > threshold and gain + best[k + 2] > best[k]:
                best[k], take[k] = gain + best[k + 2], True
    pairs, k = [], 0
    while k < n - 1:
        if take[k]:
            pairs.append((k, k + 1) if labels[k] == "ru" else (k + 1, k))
            k += 2
        else:
            k += 1
    return pairs


def split_mixed(paragraphs: Sequence[Paragraph],
                affinity: Callable[[int, int], float] | None = None,
                threshold: float = 0.0) -> MixedSplit:
    """Label paragraphs and pair adjacent translations (by `affinity`, default: length)."""
    paragraphs = list(paragraphs)
    labels = label_paragraphs(paragraphs)
    if affinity is None:
        def affinity(i: int, j: int) -> float:
            return length_affinity(paragraphs[i].text, paragraphs[j].text)
    return MixedSplit(paragraphs, labels, pair_adjacent(labels, affinity, threshold))
