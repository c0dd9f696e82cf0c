"""Language identification among the encoder's languages (align/identify.py), written to BENCHMARKS.md.

Lines and documents with a known language: Text+Berg German and French,
Tatoeba rus-eng and WMT22 Russian and English (encoder languages, expected
their code), and the Tatoeba lines of six other Cyrillic languages (no
encoder language: expected "other", and above all not "ru"). Documents are
what `tmforge align` judges: a whole Text+Berg file, a WMT22 document, or 20
consecutive Tatoeba lines, read as one text. Cells: share labelled as
expected, and the labels given otherwise.

    python benchmarks/identify.py
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.identify import identify_language  # noqa: E402
from benchmarks.report import SHARED, table, write_section  # noqa: E402

DATA = SHARED / "data"
OTHER_CYRILLIC = ("ukr", "bel", "kaz", "bul", "mkd", "tat")


def lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sets() -> list[tuple[str, str, list[str], list[str]]]:
    """(name, expected label, lines, documents)."""
    out = []
    for lang, name in (("de", "German"), ("fr", "French")):
        files = sorted((DATA / "textberg" / lang).iterdir())
        out.append((f"Text+Berg {name}", lang, [x for f in files for x in lines(f)], ["\n".join(lines(f)) for f in files]))
    tatoeba = DATA / "tatoeba"
    for ext, lang in (("rus", "ru"), ("eng", "en")):
        text = lines(tatoeba / f"tatoeba.rus-eng.{ext}")
        out.append((f"Tatoeba rus-eng {ext}", lang, text, [" ".join(text[k:k + 20]) for k in range(0, len(text), 20)]))
    wmt = DATA / "wmt22-ru-en" / "generaltest2022.ru-en"
    ids = lines(Path(f"{wmt}.docids"))
    for lang in ("ru", "en"):
        text = Path(f"{wmt}.{lang}").read_text(encoding="utf-8").splitlines()
        docs: dict[str, list[str]] = {}
        for doc, line in zip(ids, text):
            docs.setdefault(doc, []).append(line)
        out.append((f"WMT22 {lang}", lang, [t for t in text if t.strip()], ["\n".join(d) for d in docs.values()]))
    for code in OTHER_CYRILLIC:
        text = lines(tatoeba / f"tatoeba.{code}-eng.{code}")
        out.append((f"Tatoeba {code}", "other", text, [" ".join(text[k:k + 20]) for k in range(0, len(text), 20)]))
    return out


def cell(labels: list[str], expected: str) -> str:
    right = sum(label == expected for label in labels) / max(1, len(labels))
    wrong = Counter(label for label in labels if label != expected).most_common(3)
    return f"{right:.4f}" + (" (" + ", ".join(f"{k} {v}" for k, v in wrong) + ")" if wrong else "")


def main() -> None:
    rows, start = [], time.perf_counter()
    for name, expected, text, docs in sets():
        line_labels = [identify_language(t) for t in text]
        doc_labels = [identify_language(d) for d in docs]
        rows.append([name, expected, len(text), cell(line_labels, expected), len(docs), cell(doc_labels, expected)])
        print(" | ".join(map(str, rows[-1])), flush=True)
    body = (table(["text", "expected", "lines", "lines labelled as expected (other labels)", "documents",
                   "documents labelled as expected (other labels)"], rows)
            + f"\n\n{time.perf_counter() - start:.0f} s for all rows. Russian and English come from the tuned "
            "detector (align/detect.py); the rest from lingua restricted to the encoder's 15 languages plus "
            "their neighbours (a neighbour means `other`), a guess under 0.6 being `other`. A document's "
            "language decides how it is segmented and is checked against --src-lang/--tgt-lang. No labelled "
            "text here covers Spanish, Italian, Dutch, Polish, Portuguese, Turkish, Arabic, Chinese, Japanese, "
            "Korean or Thai: their detection is not measured.")
    print(body)
    write_section("identify", "Language identification among the encoder's languages", body)


if __name__ == "__main__":
    main()
