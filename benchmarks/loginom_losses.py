"""Why the translators' pairs that tmforge does not recover are lost (benchmarks/loginom.py --losses).

Each translated memory pair that no unit recovers gets one reason, the first
that holds:
- "English in no English page": its English words are in none of the English
  pages (the repository's English was never updated): no aligner can recover it;
- "inside a unit over 3x": a unit holds both sides but is more than three times
  the pair's length (a one-word segment, a fragment of a sentence);
- "Russian in a unit, English not": the unit holding the Russian has another
  English (aligned elsewhere, or the English page says it differently);
- "left out: untranslated" / "left out: no text" / "unaligned": the Russian is
  in a bead the memory does not get;
- otherwise the Russian is in no bead, and the raw Russian page says where it
  sits: "code block", "table" (OmegaT kept a whole table as one segment),
  "front matter", "raw HTML", or "prose" (split differently from OmegaT).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Callable

_FENCE = re.compile(r"^\s*(```+|~~~+)")
_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_HTML = re.compile(r"</?(table|tr|td|th|div|p|ul|ol|li)\b", re.I)

REGIONS = ("prose", "table", "code block", "front matter", "raw HTML")


def regions(page: str) -> dict[str, list[str]]:
    """The raw text of a Markdown page cut into its kinds of region (one string per region)."""
    out: dict[str, list[str]] = defaultdict(list)
    lines = page.split("\n")
    k = 0
    if lines and lines[0].strip() == "---":
        end = next((j for j in range(1, len(lines)) if lines[j].strip() in ("---", "...")), None)
        if end is not None:
            out["front matter"].append("\n".join(lines[1:end]))
            k = end + 1
    while k < len(lines):
        line = lines[k]
        fence = _FENCE.match(line)
        if fence and line.strip()[len(fence.group(1)):].count(fence.group(1)[0]) == 0:
            end = next((j for j in range(k + 1, len(lines))
                        if lines[j].strip().startswith(fence.group(1))), len(lines))
            out["code block"].append("\n".join(lines[k + 1:end]))
            k = end + 1
            continue
        if "|" in line:  # a run of lines with pipes is a table when one of them is a delimiter row
            end = k
            while end < len(lines) and "|" in lines[end] and lines[end].strip():
                end += 1
            run = lines[k:end]
            if any(_DELIMITER.match(r) and "-" in r for r in run):
                out["table"].append("\n".join(run))
                k = end
                continue
        out["raw HTML" if _HTML.search(line) else "prose"].append(line)
        k += 1
    # Prose lines of a paragraph belong together (a segment runs over line ends).
    out["prose"] = ["\n".join(out["prose"])]
    return out


def classify(losses: list[tuple[str, str]], beads: list[tuple[str, str, str, str]], pages: dict[str, str],
             english_pages: str, key: Callable[[str], str], ratio: float = 3.0) -> list[tuple[str, str, str, str]]:
    """(reason, Russian, English, where) for each lost pair; `where` names the page or the holding unit."""
    keyed = [(page, key(ru), key(en), status) for page, ru, en, status in beads]
    index: dict[str, list[int]] = defaultdict(list)
    for k, (_, kr, _, _) in enumerate(keyed):
        for word in set(kr.split()):
            index[word].append(k)
    region_keys = {name: [] for name in REGIONS}
    for page, text in pages.items():
        for name, parts in regions(text).items():
            region_keys[name] += [(page, key(part)) for part in parts]
    out = []
    for ru, en in losses:
        kr, ke = key(ru), key(en)
        if ke not in english_pages:
            out.append(("English in no English page", ru, en, ""))
            continue
        rarest = min(kr.split(), key=lambda w: len(index.get(w, ())))
        holders = [keyed[k] for k in index.get(rarest, ()) if kr in keyed[k][1]]
        in_units = [h for h in holders if h[3] == "unit"]
        both = [h for h in in_units if ke in h[2]]
        if both:
            h = min(both, key=lambda h: len(h[1]) + len(h[2]))
            times = (len(h[1]) + len(h[2])) / max(len(kr) + len(ke), 1)
            out.append((f"inside a unit over {ratio:g}x", ru, en, f"{h[0]}: {times:.1f}x: {h[1].strip()[:120]}"))
        elif in_units:
            h = in_units[0]
            out.append(("Russian in a unit, English not", ru, en, f"{h[0]}: {h[2].strip()[:120]}"))
        elif holders:
            h = holders[0]
            out.append(({"untranslated": "left out: untranslated", "no text": "left out: no text"}.get(
                h[3], h[3]), ru, en, f"{h[0]}: {h[2].strip()[:120]}"))
        else:
            where = next(((name, page) for name in REGIONS for page, text in region_keys[name] if kr in text),
                         ("not in any page", ""))
            out.append((where[0] if where[0] != "prose" else "prose (split differently)", ru, en, where[1]))
    return out


def report(classified: list[tuple[str, str, str, str]], examples: int = 5, in_parts: list[bool] | None = None) -> str:
    """Counts per reason (with how many the memory holds in smaller units, when `in_parts` is given), then
    examples of each."""
    in_parts = in_parts or [False] * len(classified)
    counts = Counter(reason for reason, *_ in classified)
    parts = Counter(c[0] for c, p in zip(classified, in_parts) if p)
    lines = [f"{len(classified)} translated memory pairs not recovered (reason, count, held in smaller units):"]
    for reason, n in counts.most_common():
        lines.append(f"  {n:4d}  {reason}  ({parts[reason]} in parts)")
    for reason, _ in counts.most_common():
        lines.append(f"\n== {reason}")
        for (r, ru, en, where), part in [(c, p) for c, p in zip(classified, in_parts) if c[0] == reason][:examples]:
            lines.append(f"  ru: {ru[:140]}\n  en: {en[:140]}\n  at: {where}{'  [in parts]' if part else ''}")
    return "\n".join(lines)
