"""Real Russian documentation against its translators' memory (../shared/data/loginom-dev).

Aligns each of the 240 Markdown page pairs end to end (read, detect,
segment, embed, search) and counts the translators' own segment pairs
(tm.tsv, from OmegaT) that end up inside one of our units: the unit's
Russian holds the segment's Russian and its English the segment's English.
Pairs whose Russian is in none of our units' Russian are left out of the
share (they are in text the reader does not keep, such as front matter).

Each setting of the search is a row; span embeddings are cached
(benchmarks/spancache.py), so extra rows cost only the search.

A second table (issue 17) judges the units themselves, for the default setting:
- recovered: memory pairs inside one unit that is at most three times the
  pair's length (Russian and English together), over all pairs of tm.tsv;
- junk: units with a side that is table syntax or markup alone ("-:", "|") or
  still holds markup (table pipes, `**`, `<br>`, `![`, `](`, code fences);
- no letter: units with a side without a letter (numbers, bullets of feature tables);
- English still Russian: units whose English has more Cyrillic than Latin letters.

Before/after: run the script on the old code with --json-out FILE (no BENCHMARKS.md
change there), then on the new code with --add-rows FILE: the old row joins the units table.

Usage: python benchmarks/loginom.py [--default-only] [--label TEXT] [--json-out FILE] [--add-rows FILE ...]
                                    [--no-write] [--[no-]code-comments] [--losses [EXAMPLES]] [--losses-out FILE]

--losses sorts the translated pairs not recovered by reason (benchmarks/loginom_losses.py).
"""

from __future__ import annotations

import argparse
import csv
import functools
import html
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.align.embed import load_encoder  # noqa: E402
from tmforge.align.pipeline import align_files  # noqa: E402
from tmforge.align.search import SearchParams  # noqa: E402
from tmforge.errors import TmforgeError  # noqa: E402
from benchmarks.report import SHARED, table, write_section  # noqa: E402
from benchmarks.spancache import cached_spans  # noqa: E402

DATA = SHARED / "data" / "loginom-dev"


class CachingEncoder:
    def __init__(self, inner):
        self.inner, self.name, self.version = inner, inner.name, inner.version

    def encode(self, texts):
        return self.inner.encode(texts)

    def spans(self, texts, max_span):
        return cached_spans(self.inner, texts, max_span)


def norm(text: str) -> str:
    return " ".join(text.split())


REFUSED: list[str] = []  # pages tmforge refuses to align (an "English" page with no English)
LEFT_OUT = {"untranslated": 0, "no text": 0}  # units a memory does not get, by default (default setting)
# Every bead of the last units_of run: (page, Russian, English, status), status one of "unit" (in the memory),
# "untranslated", "no text" (left out) or "unaligned" (one side empty); read by the losses report.
BEADS: list[tuple[str, str, str, str]] = []


def units_of(params: SearchParams, encoder, reading=None) -> list[tuple[str, str]]:
    out = []
    REFUSED.clear()
    BEADS.clear()
    LEFT_OUT.update({"untranslated": 0, "no text": 0})
    for rel in (DATA / "pairs.list").read_text(encoding="utf-8").split():
        try:
            alignment = align_files(DATA / "ru" / rel, DATA / "en" / rel, src_lang="ru", tgt_lang="en",
                                    encoder=encoder, params=params, length_check=False, force_pair=True,
                                    reading=reading)
        except TmforgeError:
            REFUSED.append(rel)
            continue
        # The units a memory gets: untranslated targets and sides without a letter are left out,
        # as `tmforge align` does by default (getattr: the script also measures older checkouts).
        no_text = getattr(alignment, "no_text", [])
        left_out = set(alignment.untranslated) | set(no_text)
        LEFT_OUT["untranslated"] += len(alignment.untranslated)
        LEFT_OUT["no text"] += len(no_text)
        out += [(norm(s), norm(t)) for k, (s, t, b) in enumerate(alignment.pairs())
                if b.src and b.tgt and k not in left_out]
        untranslated = set(alignment.untranslated)
        BEADS.extend((rel, norm(s), norm(t), "unaligned" if not (b.src and b.tgt) else "untranslated"
                      if k in untranslated else "no text" if k in left_out else "unit")
                     for k, (s, t, b) in enumerate(alignment.pairs()))
    return out


_LETTER = re.compile(r"[^\W\d_]")
_MARKUP = re.compile(r"(^|\s)\|(\s|$)|\*\*|<br\s*/?>|</?[a-z]+[ >]|!\[|\]\(|```|(^|\s)(:-+:?|-+:|-{3,})(\s|$)", re.I)
_CYR, _LAT = re.compile("[а-яёА-ЯЁ]"), re.compile("[a-zA-Z]")


_SYNTAX_ONLY = re.compile(r"^[\s|:\-*_#>`~=+\\\[\]()!<>/]+$")


def is_junk(ru: str, en: str) -> bool:
    """Markup in a unit: a side that is table syntax or markup alone ("-:", "|", "**"), or still holds it."""
    return any(_SYNTAX_ONLY.match(side) or _MARKUP.search(side) for side in (ru, en))


def has_no_letter(ru: str, en: str) -> bool:
    """Nothing to translate: a side without a letter (a number, a bullet from a feature table)."""
    return any(not _LETTER.search(side) for side in (ru, en))


def still_russian(en: str) -> bool:
    return len(_CYR.findall(en)) > len(_LAT.findall(en))


def key(text: str) -> str:
    """Words of a segment, markup left out: link targets, images, tags (OmegaT's escaped <x1/> too), pipes, stars.

    The translators' segments keep Markdown as written (OmegaT reads it as text); our units do not,
    so both are compared as their word sequences, with Markdown's backslash escapes ("Дата\\_время")
    and character references ("&#124;", "&lt;") read as the characters they stand for.
    """
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    text = re.sub(r"&#?\w+;", lambda m: html.unescape(m.group()), text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|</?[A-Za-z!?][^<>]*>", " ", text)
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


def recovered(units: list[tuple[str, str]], memory: list[tuple[str, str]], ratio: float = 3.0) -> tuple[int, int]:
    """Memory pairs (with words on both sides) inside one unit at most `ratio` times the pair's length.

    Returns (recovered, pairs counted)."""
    flags = recovered_flags(units, memory, ratio)
    return sum(f for f in flags if f is not None), sum(f is not None for f in flags)


def recovered_flags(units: list[tuple[str, str]], memory: list[tuple[str, str]],
                    ratio: float = 3.0) -> list[bool | None]:
    """For each memory pair: recovered (see `recovered`), or None when a side has no words (not counted)."""
    keyed = [(key(s), key(t)) for s, t in units]
    index: dict[str, list[int]] = {}
    for k, (s, _) in enumerate(keyed):
        for word in set(s.split()):
            index.setdefault(word, []).append(k)
    flags: list[bool | None] = []
    for ru, en in memory:
        kr, ke = key(ru), key(en)
        if not kr.strip() or not ke.strip():
            flags.append(None)
            continue
        rarest = min(kr.split(), key=lambda w: len(index.get(w, ())))
        limit = ratio * (len(kr) + len(ke))
        flags.append(any(kr in keyed[k][0] and ke in keyed[k][1] and len(keyed[k][0]) + len(keyed[k][1]) <= limit
                         for k in index.get(rarest, ())))
    return flags


_CYRILLIC_WORD = re.compile(r"\w*[а-яё]\w*")


def recovered_in_parts(units: list[tuple[str, str]], memory: list[tuple[str, str]]) -> int:
    """How many memory pairs are recovered in parts (see in_parts_flags)."""
    return sum(in_parts_flags(units, memory))


def in_parts_flags(units: list[tuple[str, str]], memory: list[tuple[str, str]]) -> list[bool]:
    """Memory pairs whose translation the memory holds as smaller units: every Russian word (a word with a
    Cyrillic letter) of the pair is in some unit whose Russian lies inside the pair's Russian and whose
    English lies inside the pair's English. OmegaT keeps a whole table or a run of code lines as one segment
    where tmforge makes a unit per cell or per comment; this counts those too (and prose OmegaT kept as one
    segment where tmforge has two sentences)."""
    keyed = [(key(s), key(t)) for s, t in units]
    index: dict[str, list[int]] = {}
    for k, (s, _) in enumerate(keyed):
        for word in set(s.split()):
            index.setdefault(word, []).append(k)
    flags = []
    for ru, en in memory:
        kr, ke = key(ru), key(en)
        wanted = set(_CYRILLIC_WORD.findall(kr))
        covered: set[str] = set()
        for word in wanted:
            if word in covered:
                continue
            for k in index.get(word, ()):
                if keyed[k][0] in kr and keyed[k][1].strip() and keyed[k][1] in ke:
                    covered.update(keyed[k][0].split())
                    break
        flags.append(bool(wanted) and wanted <= covered)
    return flags


@functools.lru_cache(maxsize=1)
def english_pages() -> str:
    """The words of all English pages (key() of each, joined; read once a run)."""
    rels = (DATA / "pairs.list").read_text(encoding="utf-8").split()
    return " ".join(key((DATA / "en" / rel).read_text(encoding="utf-8")) for rel in rels)


def english_in_pages(memory: list[tuple[str, str]]) -> int:
    """Memory pairs with words whose English words occur in the English pages at all (the rest were
    never put into the repository's English files: no aligner can recover them)."""
    pages = english_pages()
    return sum(key(en) in pages for ru, en in memory if key(ru).strip() and key(en).strip())


def translated(memory: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Memory pairs that translate something: letters on both sides, and the English words are not the
    Russian ones (OmegaT also keeps confirmed copies: numbers, identifiers, `%spoiler%Get%spoiler%`)."""
    return [(ru, en) for ru, en in memory
            if _LETTER.search(ru) and _LETTER.search(en) and key(ru) != key(en)]


def print_losses(units, lost, examples: int, out: Path | None) -> None:
    """Why the `lost` memory pairs (translated, not recovered) are lost, by reason (loginom_losses.py)."""
    from benchmarks.loginom_losses import classify, report

    rels = (DATA / "pairs.list").read_text(encoding="utf-8").split()
    pages = {rel: (DATA / "ru" / rel).read_text(encoding="utf-8") for rel in rels}
    classified = classify(lost, BEADS, pages, english_pages(), key)
    parts = in_parts_flags(units, lost)
    print(report(classified, examples, parts), flush=True)
    if out:
        with open(out, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter="\t", lineterminator="\n").writerows(
                [("reason", "ru", "en", "where", "in parts")] + [c + (p,) for c, p in zip(classified, parts)])


def coverage(units: list[tuple[str, str]], memory: list[tuple[str, str]]) -> tuple[int, int]:
    found = kept = 0
    for ru, en in memory:
        holders = [t for s, t in units if ru in s]
        if holders:
            kept += 1
            found += any(en in t for t in holders)
    return found, kept


UNITS_HEADER = ["code", "units", "memory pairs with words", "recovered", "share", "junk units", "no-letter units",
                "English still Russian", "pages refused", "left out: untranslated", "left out: no text",
                "English in pages", "translated pairs recovered", "share",
                "translated pairs recoverable (English in the pages): recovered", "share",
                "translated pairs recovered whole or in parts", "share"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    parser.add_argument("--default-only", action="store_true", help="only the default setting (quicker)")
    parser.add_argument("--label", default="this checkout", help="names the code measured in the units table")
    parser.add_argument("--json-out", type=Path, help="also write the units row (JSON) to this file")
    parser.add_argument("--add-rows", type=Path, nargs="+", help="units rows (JSON) of earlier runs to show first")
    comments = parser.add_mutually_exclusive_group()
    comments.add_argument("--code-comments", action="store_true",
                          help="read comments in fenced code (the default since issue 17 session 4; for older "
                               "checkouts, where it was `tmforge align --code-comments`)")
    comments.add_argument("--no-code-comments", action="store_true",
                          help="skip comments in fenced code, as `tmforge align --no-code-comments`")
    parser.add_argument("--losses", type=int, nargs="?", const=5, metavar="EXAMPLES",
                        help="why the translated pairs not recovered are lost: a count per reason and this many "
                             "examples of each (default 5), see benchmarks/loginom_losses.py")
    parser.add_argument("--losses-out", type=Path, help="with --losses: every lost pair and its reason, as TSV")
    args = parser.parse_args()
    with open(DATA / "tm.tsv", encoding="utf-8", newline="") as f:
        memory = [(norm(r["ru"]), norm(r["en"])) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                  if r["ru"].strip() and r["en"].strip()]
    encoder = CachingEncoder(load_encoder())
    settings = {"one search, no repair": replace(SearchParams(), cross_margin=0.0),
                "tmforge default (repair pass)": SearchParams(),
                "lexicon second pass (weight 0.1) + repair": replace(SearchParams(), lex_weight=0.1, lex_offset=0.1,
                                                                     lex_min_confidence=0.7, lex_stem=5)}
    if args.default_only:
        settings = {k: v for k, v in settings.items() if k.startswith("tmforge default")}
    rows, quality = [], None
    for label, params in settings.items():
        start = time.perf_counter()
        reading = None
        if args.code_comments or args.no_code_comments:
            from tmforge.align.readers import ReadingOptions
            reading = ReadingOptions(code_comments=args.code_comments)
        units = units_of(params, encoder, reading)
        found, kept = coverage(units, memory)
        rows.append([label, len(units), kept, found, found / max(kept, 1), f"{time.perf_counter() - start:.0f}"])
        print(rows[-1], flush=True)
        if label.startswith("tmforge default"):
            strict, counted = recovered(units, memory)
            junk = [u for u in units if is_junk(*u)]
            bare = sum(has_no_letter(*u) and not is_junk(*u) for u in units)
            russian = sum(still_russian(t) for s, t in units)
            quality = [args.label, len(units), counted, strict, strict / max(counted, 1), len(junk), bare, russian,
                       len(REFUSED), LEFT_OUT["untranslated"], LEFT_OUT["no text"], english_in_pages(memory)]
            pairs = translated(memory)
            flags = recovered_flags(units, pairs)
            found, counted_translated = sum(f is True for f in flags), sum(f is not None for f in flags)
            quality += [f"{found} / {counted_translated}", found / max(counted_translated, 1)]
            # The ceiling: translated pairs whose English is in the English pages at all.
            pages = english_pages()
            reachable = [f for (ru, en), f in zip(pairs, flags) if f is not None and key(en) in pages]
            quality += [f"{sum(reachable)} / {len(reachable)}", sum(reachable) / max(len(reachable), 1)]
            lost = [pair for pair, f in zip(pairs, flags) if f is False]
            in_parts = found + recovered_in_parts(units, lost)
            quality += [f"{in_parts} / {counted_translated}", in_parts / max(counted_translated, 1)]
            print(quality, flush=True)
            if args.losses is not None:
                print_losses(units, lost, args.losses, args.losses_out)
            for s, t in junk[:15]:
                print("  junk:", s[:60], "|||", t[:60])
    body = (table(["setting", "our 1+-1+ units", "memory pairs whose Russian is in a unit", "... with the English "
                   "in the same unit", "share", "seconds"], rows)
            + f"\n\n{len(memory)} segment pairs in tm.tsv; the first row's seconds include embedding (cached after). "
            f"{len(REFUSED)} of the 240 pages are refused (their English file has no English: {', '.join(REFUSED)}) "
            "and count as pages without units.")
    if quality and args.json_out:
        args.json_out.write_text(json.dumps([quality, REFUSED], ensure_ascii=False), encoding="utf-8")
    earlier = []
    for path in args.add_rows or []:
        row, refused = json.loads(path.read_text(encoding="utf-8"))
        earlier.append(row[:8] + [len(refused)] + row[9:] + ["–"] * (len(UNITS_HEADER) - max(len(row), 9)))
    if quality:
        body += ("\n\nUnits of the default setting (issue 17): a memory pair is recovered when one unit holds its "
                 "Russian and its English words (markup left out on both: the translators' segments keep the "
                 "Markdown) and is at most 3 times the pair's length; junk = a side that is table syntax or markup "
                 "alone or still holds markup; no letter = a side without a letter (numbers, bullets), not junk; "
                 "English still Russian = more Cyrillic than Latin letters in the English side. Units are those "
                 "a memory gets (by default: untranslated targets left out, and since issue 17 session 3 units "
                 "with a side without a letter too; both counted in the last columns). Pages refused: English file "
                 "refused for its language. English in pages: memory pairs whose English words occur in the "
                 "English pages at all, the most any aligner can recover. Translated pairs: memory pairs with "
                 "letters on both sides whose English words are not the Russian ones (the rest are numbers and "
                 "copies, which the memory leaves out by design), recovered as above. Recoverable: translated pairs "
                 "whose English is in the English pages (the ceiling; the rest no aligner can recover). Whole or "
                 "in parts: recovered, or every Russian word of the pair is in a unit whose both sides lie inside "
                 "the pair's (OmegaT keeps a whole table or a run of code lines as one segment where tmforge makes "
                 "a unit per cell or per comment).\n\n"
                 + table(UNITS_HEADER, earlier + [quality]))
    print(body)
    if not args.no_write:
        write_section("loginom", "Real documentation: loginom-dev pages against the translators' memory", body)


if __name__ == "__main__":
    main()
