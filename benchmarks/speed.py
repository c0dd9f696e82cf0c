"""Speed and memory of the whole alignment on long Russian-English documents.

Builds a parallel pair of N sentences per side by drawing real sentence pairs
(WMT22 ru-en segments and Tatoeba rus-eng) with a fixed seed, in paragraphs of
3-8 sentences, then measures in fresh processes:

- `tmforge align ru.txt en.txt -o out.tsv`: wall time and peak RSS;
- the floor: loading the bundled encoder and embedding every sentence of both
  sides once (the encoder is the physical limit of the whole run);
- the same alignment with --segmented input, scored against its 1-1 gold,
  to show the linear-time band search loses nothing on long documents.

Usage: python benchmarks/speed.py [--sizes 1000 10000 50000] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import SHARED, table, write_section  # noqa: E402

WRAPPER = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
           "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)")

EMBED_ONLY = ("import sys; from tmforge.align.embed import load_encoder; enc = load_encoder(); "
              "[enc.encode(open(p, encoding='utf-8').read().splitlines()) for p in sys.argv[1:]]")


def sentence_pool() -> list[tuple[str, str]]:
    wmt = SHARED / "data" / "wmt22-ru-en" / "generaltest2022.ru-en"
    tat = SHARED / "data" / "tatoeba" / "tatoeba.rus-eng"
    pairs = []
    for ru_path, en_path in ((f"{wmt}.ru", f"{wmt}.en"), (f"{tat}.rus", f"{tat}.eng")):
        ru = Path(ru_path).read_text(encoding="utf-8").splitlines()
        en = Path(en_path).read_text(encoding="utf-8").splitlines()
        pairs += [(r.strip(), e.strip()) for r, e in zip(ru, en) if r.strip() and e.strip()]
    return pairs


def build_pair(n: int, folder: Path, seed: int = 13) -> None:
    rng = random.Random(seed)
    pool = sentence_pool()
    chosen = [pool[rng.randrange(len(pool))] for _ in range(n)]
    paragraphs, k = [], 0
    while k < n:
        size = rng.randint(3, 8)
        paragraphs.append(chosen[k:k + size])
        k += size
    for side, lang in ((0, "ru"), (1, "en")):
        (folder / f"{lang}.txt").write_text(
            "\n\n".join(" ".join(p[side] for p in para) for para in paragraphs) + "\n", encoding="utf-8")
        (folder / f"{lang}.sent").write_text("".join(p[side] + "\n" for p in chosen), encoding="utf-8")
    (folder / "gold.align").write_text("".join(f"[{i}]:[{i}]\n" for i in range(n)), encoding="utf-8")


def measure(*command: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, check=True)
    seconds, rss_kb, rc = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"command failed ({rc}): {' '.join(command)}")
    return float(seconds), int(rss_kb) / 1024


def run_size(n: int, work: Path) -> dict:
    folder = work / str(n)
    folder.mkdir()
    build_pair(n, folder)
    tmforge = [sys.executable, "-m", "tmforge"]
    t_align, rss_align = measure(*tmforge, "align", str(folder / "ru.txt"), str(folder / "en.txt"),
                                 "-o", str(folder / "out.tsv"), "--quiet")
    t_embed, rss_embed = measure(sys.executable, "-c", EMBED_ONLY, str(folder / "ru.sent"), str(folder / "en.sent"))
    pred = folder / "pred.align"
    t_seg, _ = measure(*tmforge, "align", str(folder / "ru.sent"), str(folder / "en.sent"), "--segmented",
                       "-o", str(pred), "--quiet")
    scores = json.loads(subprocess.run([*tmforge, "eval", str(pred), str(folder / "gold.align"), "--json"],
                                       capture_output=True, text=True, check=True).stdout)
    return {"n": n, "align_s": t_align, "rss_mb": rss_align, "embed_s": t_embed, "embed_rss_mb": rss_embed,
            "segmented_s": t_seg, "strict_f1": scores["strict"]["f1"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            r = run_size(n, Path(tmp))
            results.append(r)
            print(json.dumps(r), flush=True)
    rows = []
    for prev, r in zip([None] + results[:-1], results):
        growth = (f"{(r['align_s'] / prev['align_s']) / (r['n'] / prev['n']):.2f}",
                  f"{(r['rss_mb'] / prev['rss_mb']) / (r['n'] / prev['n']):.2f}") if prev else ("-", "-")
        rows.append([r["n"], f"{r['align_s']:.1f}", f"{r['rss_mb']:.0f}", f"{r['embed_s']:.1f}",
                     f"{r['align_s'] / r['embed_s']:.2f}", f"{r['segmented_s']:.1f}", r["strict_f1"], *growth])
    body = table(["sentences per side", "align s", "peak RSS MB", "embed-once s", "align / embed",
                  "segmented align s", "strict F1 (segmented)", "time growth / size growth",
                  "RSS growth / size growth"], rows)
    body += ("\n\n`align` is the whole command on plain text (read, detect, segment, embed, search, write TSV); "
             "`embed-once` loads the bundled encoder and embeds every sentence of both sides once, in a process "
             "of its own. The growth columns compare each row with the one above: 1.00 is linear growth, "
             "below 1 means fixed costs (starting Python, loading the model) still weigh on the smaller run.")
    print(body)
    if not args.no_write:
        write_section("speed", "Speed and memory (Russian-English, end to end)", body)


if __name__ == "__main__":
    main()
