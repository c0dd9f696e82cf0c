"""Language detection and mixed-document splitting on real data.

1. Sentence labels on Tatoeba (all rus-eng lines; the Cyrillic lines of
   ukr/bel/kaz/bul/mkd/tat must come out as `other`), with the plain libraries
   beside tmforge: lingua restricted to the same candidates (plain argmax),
   lingua over all its languages, and py3langid. Extra rows: WMT22 segments
   (news, social media, product listings) and Text+Berg German/French lines.
2. Mixed documents built from WMT22 Russian documents and their English
   references: paragraphs in both languages one after the other, sentences
   alternating inside a paragraph, bilingual lines "RU (EN)" / "RU / EN",
   paragraphs in one language only, lines of other Cyrillic languages and
   lines without words, with Latin names and acronyms put into Russian
   sentences and Cyrillic ones into English sentences; German and French
   Text+Berg lines come in from a generator of their own, so the rest of each
   document is the same with or without them. Scored: sentences in
   the right stream, gold anchor pairs recovered, predicted anchors right.

    python benchmarks/detect.py [--no-encoder] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.detect import _CYRILLIC_NAMES, _LATIN_NAMES, detect_language  # noqa: E402
from tmforge.align.encodings import normalize  # noqa: E402
from tmforge.align.readers import split_paragraphs  # noqa: E402
from tmforge.align.mixed import split_document, split_mixed, stream_of  # noqa: E402
from benchmarks.report import SHARED, table, write_section  # noqa: E402

DATA = SHARED / "data"
OTHER_CYRILLIC = ("ukr", "bel", "kaz", "bul", "mkd", "tat")


def lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def wmt_documents() -> list[tuple[list[str], list[str]]]:
    docs: dict[str, tuple[list[str], list[str]]] = {}
    with open(DATA / "wmt22-ru-en" / "generaltest2022.ru-en.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            ru, en = docs.setdefault(row["docid"], ([], []))
            ru.append(row["ru"].strip())
            en.append(row["en_refA"].strip())
    return list(docs.values())


# --- 1. sentence labels -------------------------------------------------------------

def label_sets() -> dict[str, tuple[list[str], str]]:
    tatoeba = DATA / "tatoeba"
    sets = {"Tatoeba rus": (lines(tatoeba / "tatoeba.rus-eng.rus"), "ru"),
            "Tatoeba eng (rus-eng)": (lines(tatoeba / "tatoeba.rus-eng.eng"), "en")}
    for code in OTHER_CYRILLIC:
        sets[f"Tatoeba {code}"] = (lines(tatoeba / f"tatoeba.{code}-eng.{code}"), "other")
    sets["Tatoeba eng (other pairs)"] = (
        [line for code in OTHER_CYRILLIC for line in lines(tatoeba / f"tatoeba.{code}-eng.eng")], "en")
    wmt = DATA / "wmt22-ru-en"
    sets["WMT22 ru segments"] = (lines(wmt / "generaltest2022.ru-en.ru"), "ru")
    sets["WMT22 en segments"] = (lines(wmt / "generaltest2022.ru-en.en"), "en")
    for lang in ("de", "fr"):
        files = sorted((DATA / "textberg" / lang).iterdir())
        sets[f"Text+Berg {lang}"] = ([line for f in files for line in lines(f)], "other")
    return sets


def lingua_labeller(restricted: bool):
    from lingua import Language, LanguageDetectorBuilder

    if restricted:
        names = _CYRILLIC_NAMES + _LATIN_NAMES
        detector = LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in names)).build()
    else:
        detector = LanguageDetectorBuilder.from_all_languages().build()
    mapping = {"RUSSIAN": "ru", "ENGLISH": "en"}

    def label(text: str) -> str:
        found = detector.detect_language_of(text)
        return "neutral" if found is None else mapping.get(found.name, "other")
    return label


def langid_labeller():
    try:
        import py3langid
    except ImportError:
        return None

    def label(text: str) -> str:
        return {"ru": "ru", "en": "en"}.get(py3langid.classify(text)[0], "other")
    return label


def bench_labels() -> str:
    systems = {"tmforge": detect_language, "lingua (same candidates)": lingua_labeller(True),
               "lingua (all languages)": lingua_labeller(False)}
    langid = langid_labeller()
    if langid:
        systems["py3langid"] = langid
    sets = label_sets()
    rows, pooled, seconds = [], defaultdict(lambda: [0, 0]), defaultdict(float)
    for name, (texts, want) in sets.items():
        row = [name, len(texts), want]
        for system, label in systems.items():
            start = time.perf_counter()
            got = [label(t) for t in texts]
            seconds[system] += time.perf_counter() - start
            right = sum(g == want for g in got) / len(texts)
            if want == "other":
                out_of_ru = sum(g != "ru" for g in got)
                row.append(f"{right:.4f} / {out_of_ru / len(texts):.4f}")
                if name.startswith("Tatoeba"):
                    pooled[system][0] += out_of_ru
                    pooled[system][1] += len(texts)
            else:
                row.append(f"{right:.4f}")
        rows.append(row)
        print(" | ".join(map(str, row)), flush=True)
    rows.append(["Tatoeba other Cyrillic, pooled", sum(len(sets[f"Tatoeba {c}"][0]) for c in OTHER_CYRILLIC),
                 "not ru"] + [f"{pooled[s][0] / pooled[s][1]:.4f}" for s in systems])
    rows.append(["seconds for all rows", "", ""] + [f"{seconds[s]:.1f}" for s in systems])
    header = ["lines", "n", "expected"] + list(systems)
    return (table(header, rows) + "\n\nCells: share of lines given the expected label; for `other` rows "
            "also the share kept out of Russian (`labelled other / not labelled ru`).")


# --- 2. mixed documents ---------------------------------------------------------------

LATIN_INSERTS = ("NATO", "CSTO", "Crocus City Hall", "iPhone 15 Pro", "Microsoft", "UN Security Council",
                 "Wagner", "Sputnik V")
CYRILLIC_INSERTS = ("Сергей Лавров", "ОДКБ", "«Газпром»", "Роснефть", "Москва-Сити", "РИА Новости")
NEUTRAL_LINES = ("03.06.2024", "2024 — 2025", "https://odkb-csto.org/news/", "* * *", "12:30", "+7 495 123-45-67")
MODES = ("paragraphs", "paragraphs", "sentences", "parentheses", "slash", "ru only", "en only")


def inject(sentence: str, inserts: tuple[str, ...], rng: random.Random) -> str:
    """Put a name or acronym of the other script after a word of the sentence."""
    words = sentence.split(" ")
    if len(words) < 3 or rng.random() > 0.4:
        return sentence
    k = rng.randrange(1, len(words))
    return " ".join(words[:k] + [rng.choice(inserts)] + words[k:])


class DocBuilder:
    """Lines of a mixed document with the span, stream and anchor of every gold unit."""

    def __init__(self) -> None:
        self.text = ""
        self.units: list[tuple[int, int, str]] = []  # start, end, stream
        self.kinds: list[str] = []  # what each unit is, for scoring: its stream, or "latin other"
        self.anchors: list[tuple[int, int]] = []  # (ru unit, en unit)

    def add(self, piece: str, stream: str, kind: str = "") -> int:
        start = len(self.text)
        self.text += piece
        self.units.append((start, len(self.text), stream))
        self.kinds.append(kind or stream)
        return len(self.units) - 1

    def end_line(self) -> None:
        self.text += "\n"


def build_document(ru: list[str], en: list[str], other: list[str], rng: random.Random,
                   foreign: list[str] = (), foreign_rng: random.Random | None = None) -> DocBuilder:
    doc = DocBuilder()
    k = 0
    while k < len(ru):
        size = rng.randint(1, 4)
        rs = [inject(s, LATIN_INSERTS, rng) for s in ru[k:k + size]]
        es = [inject(s, CYRILLIC_INSERTS, rng) for s in en[k:k + size]]
        k += size
        mode = rng.choice(MODES)
        if mode == "paragraphs":
            first = doc.add(" ".join(rs), "ru")
            doc.end_line()
            doc.anchors.append((first, doc.add(" ".join(es), "en")))
        elif mode == "sentences":
            for r, e in zip(rs, es):
                a = doc.add(r, "ru")
                doc.text += " "
                doc.anchors.append((a, doc.add(e, "en")))
                doc.text += " "
            doc.text = doc.text.rstrip(" ")
        elif mode in ("parentheses", "slash"):
            for n, (r, e) in enumerate(zip(rs, es)):
                a = doc.add(r, "ru")
                doc.text += " (" if mode == "parentheses" else " / "
                doc.anchors.append((a, doc.add(e, "en")))
                doc.text += ")" if mode == "parentheses" else ""
                if n < len(rs) - 1:
                    doc.end_line()
        else:
            doc.add(" ".join(rs if mode == "ru only" else es), "ru" if mode == "ru only" else "en")
        doc.end_line()
        if rng.random() < 0.15:
            doc.add(rng.choice(other), "other")
            doc.end_line()
        if foreign and foreign_rng.random() < 0.05:  # own generator: the rest of the document stays as it was
            doc.add(foreign_rng.choice(foreign), "other", kind="latin other")
            doc.end_line()
        if rng.random() < 0.1:
            doc.text += rng.choice(NEUTRAL_LINES) + "\n"  # no letters: may go with either neighbour
    return doc


def bench_mixed(encoder, limit: int | None) -> str:
    rng, foreign_rng = random.Random(4), random.Random(5)
    others = [line for code in OTHER_CYRILLIC for line in lines(DATA / "tatoeba" / f"tatoeba.{code}-eng.{code}")]
    foreign = [line for lang in ("de", "fr") for path in sorted((DATA / "textberg" / lang).iterdir())
               for line in lines(path)]
    docs = wmt_documents()[:limit]
    counts = defaultdict(int)
    start = time.perf_counter()
    for ru, en in docs:
        built = build_document(ru, en, others, rng, foreign, foreign_rng)
        text = normalize(built.text)
        assert text == built.text
        split = split_document(split_paragraphs(text), encoder) if encoder else split_mixed(split_paragraphs(text))
        spans = [(p.start, p.end) for p in split.paragraphs]

        def piece_at(unit: tuple[int, int, str]) -> int | None:
            """The piece that holds most of the unit."""
            overlaps = [(min(b, unit[1]) - max(a, unit[0]), k) for k, (a, b) in enumerate(spans)]
            best = max(overlaps, default=(0, None))
            return best[1] if best[0] > 0 else None

        unit_piece = [piece_at(u) for u in built.units]
        for u, kind, k in zip(built.units, built.kinds, unit_piece):
            counts[f"units {kind}"] += 1
            counts[f"right {kind}"] += k is not None and stream_of(split.labels[k]) == u[2]
        gold = {(unit_piece[a], unit_piece[b]) for a, b in built.anchors}
        exact = {(unit_piece[a], unit_piece[b]) for a, b in built.anchors
                 if all(split.paragraphs[unit_piece[u]].text == built.text[built.units[u][0]:built.units[u][1]].strip()
                        for u in (a, b) if unit_piece[u] is not None)}
        predicted = set(split.anchors)
        counts["gold anchors"] += len(built.anchors)
        counts["found anchors"] += len(gold & predicted)
        counts["exact anchors"] += len(exact & predicted)
        counts["predicted anchors"] += len(predicted)
        counts["right predicted"] += len(predicted & gold)
    seconds = time.perf_counter() - start
    names = {"ru": "ru sentences in the ru stream", "en": "en sentences in the en stream",
             "other": "other-Cyrillic lines in the other stream",
             "latin other": "German and French lines in the other stream"}
    rows = [[name, counts[f"units {kind}"], counts[f"right {kind}"] / max(1, counts[f"units {kind}"])]
            for kind, name in names.items()]
    rows.append(["gold anchor pairs recovered", counts["gold anchors"],
                 counts["found anchors"] / max(1, counts["gold anchors"])])
    rows.append(["... with both pieces exactly the gold text", counts["gold anchors"],
                 counts["exact anchors"] / max(1, counts["gold anchors"])])
    rows.append(["predicted anchor pairs that are gold", counts["predicted anchors"],
                 counts["right predicted"] / max(1, counts["predicted anchors"])])
    how = "embedding affinity (as `tmforge split`)" if encoder else "length affinity (library default)"
    return (f"{len(docs)} WMT22 documents made mixed (seed 4), anchors by {how}; {seconds:.1f} s.\n\n"
            + table(["measure", "n", "share"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-encoder", action="store_true", help="pair neighbours by length only")
    parser.add_argument("--limit", type=int, default=None, help="first N WMT22 documents only")
    args = parser.parse_args()
    labels = bench_labels()
    encoder = None
    if not args.no_encoder:
        from tmforge.align.embed import load_encoder

        encoder = load_encoder()
    mixed = bench_mixed(encoder, args.limit)
    print(labels, "\n\n", mixed)
    write_section("detect", "Language detection and mixed documents",
                  "### Sentence labels\n\n" + labels + "\n\n### Mixed documents\n\n" + mixed)


if __name__ == "__main__":
    main()
