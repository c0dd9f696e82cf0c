"""Stems under concurrency: the server looks words up from several threads at once."""

import sys
from concurrent.futures import ThreadPoolExecutor

import snowballstemmer

from tmforge.tm.terms import stem

SYLLABLES = ["про", "вер", "ка", "тер", "мо", "стат", "ный", "ами", "ого", "ения", "ить", "ует"]


def words(seed: int, n: int) -> list[str]:
    """Distinct made-up Russian words (none seen before: the stem cache must not answer for the stemmer)."""
    out = []
    for k in range(n):
        x, w = k * 7919 + seed * 104729 + 17, ""
        for _ in range(4):
            w += SYLLABLES[x % len(SYLLABLES)]
            x //= len(SYLLABLES)
        out.append(f"{w}{SYLLABLES[seed % len(SYLLABLES)]}{k}"[:-len(str(k))] + "ам" * (k % 3) + "щ" * (seed + 1))
    return out


def test_threads_stemming_at_once_get_the_stems_one_thread_gets():
    batches = [list(dict.fromkeys(words(seed, 1500))) for seed in range(8)]
    reference = snowballstemmer.stemmer("russian")
    expected = [[reference.stemWord(w) for w in batch] for batch in batches]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)          # switch threads often: inside a stemmer call too
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(lambda batch: [stem(w) for w in batch], batches))
    finally:
        sys.setswitchinterval(interval)
    assert got == expected
