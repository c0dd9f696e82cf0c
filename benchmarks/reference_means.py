"""Build the reference mean sentence vectors that short documents are centred on (align/confidence.py).

One mean per language the public data in ../shared/data holds in quantity for
the bundled encoder: Russian and English from the WMT22 documents (news and
social media), German and French from Text+Berg. Tatoeba, the set the
short-document figures are measured on, is left out. The means are small
(512 floats each) and ship in the package as align/data/reference_means.npz.

Usage: python benchmarks/reference_means.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.confidence import REFERENCE_FILE, reference_key  # noqa: E402
from tmforge.align.embed import load_encoder  # noqa: E402
from tmforge.atomic import atomic_path  # noqa: E402
from benchmarks.report import SHARED  # noqa: E402

DATA = SHARED / "data"


def corpora() -> dict[str, list[str]]:
    def lines(path: Path) -> list[str]:
        return [s for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]

    wmt = DATA / "wmt22-ru-en" / "generaltest2022.ru-en"
    textberg = DATA / "textberg"
    return {"ru": lines(Path(f"{wmt}.ru")), "en": lines(Path(f"{wmt}.en")),
            "de": [s for f in sorted((textberg / "de").iterdir()) for s in lines(f)],
            "fr": [s for f in sorted((textberg / "fr").iterdir()) for s in lines(f)]}


def main() -> None:
    encoder = load_encoder()
    means = {}
    for lang, sentences in corpora().items():
        vectors = encoder.encode(sentences)
        means[reference_key(encoder.name, lang)] = vectors.mean(axis=0).astype(np.float32)
        print(f"{lang}: {len(sentences)} sentences, mean norm {np.linalg.norm(means[reference_key(encoder.name, lang)]):.3f}")
    REFERENCE_FILE.parent.mkdir(exist_ok=True)
    with atomic_path(REFERENCE_FILE) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **means)
    print(f"wrote {REFERENCE_FILE}")


if __name__ == "__main__":
    main()
