"""Batch speed: worker processes against BLAS threads, on real Russian-English documents.

The WMT22 ru-en test set is cut into its documents (segments joined into
paragraphs by the `para` column), one file per language, plus the bundled
sample pair; the batch is aligned with every split of the usable cores into
workers x BLAS threads. Wall time includes starting the workers and loading
the encoder in each. Figures are ratios within one run.

    python benchmarks/batch_workers.py [--docs 60] [--repeats 2]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmforge.threads import cap_thread_env  # noqa: E402

cap_thread_env()

from tmforge.align import batch, sinks  # noqa: E402
from tmforge.threads import usable_cores  # noqa: E402
from benchmarks.report import ROOT, SHARED, table, write_section  # noqa: E402


def write_documents(folder: Path, limit: int) -> int:
    """One ru and one en file per WMT22 document (paragraphs by `para`), plus the sample pair."""
    tsv = SHARED / "data" / "wmt22-ru-en" / "generaltest2022.ru-en.tsv"
    docs: dict[str, dict[tuple[int, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    with tsv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            for lang, column in (("ru", "ru"), ("en", "en_refA")):
                docs[row["docid"]][(int(row["para"] or 0), lang)].append(row[column])
    sentences = 0
    for docid in sorted(docs)[:limit]:
        for lang in ("ru", "en"):
            paras = [" ".join(s) for (p, l), s in sorted(docs[docid].items()) if l == lang]
            (folder / lang).mkdir(exist_ok=True)
            (folder / lang / f"{docid}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        sentences += sum(len(s) for (p, l), s in docs[docid].items() if l == "ru")
    for lang in ("ru", "en"):
        (folder / lang / "sample.txt").write_bytes((ROOT / "samples" / "parallel" / f"{lang}.txt").read_bytes())
    return sentences + 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    cores = usable_cores()
    splits = sorted({(w, max(1, cores // w)) for w in range(1, cores + 1)})
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sentences = write_documents(folder, args.docs)
        plan = batch.pair_folders(folder / "ru", folder / "en")
        options = batch.Options()
        times: dict[tuple[int, int], list[float]] = defaultdict(list)
        beads: dict[tuple[int, int], int] = {}
        for _ in range(args.repeats):
            for workers, threads in splits:
                start = time.perf_counter()
                tally = sinks.Tally()
                outcomes = batch.run_jobs(plan.jobs, options, batch.local_executor(workers, threads),
                                          sinks.InJobOrder(tally))
                times[(workers, threads)].append(time.perf_counter() - start)
                failed = [o.error for o in outcomes if o.error]
                assert not failed, failed
                beads[(workers, threads)] = sum(tally.kinds.values())
    base = min(times[(1, cores)])
    rows = [[f"{w} x {t}", f"{min(times[(w, t)]):.1f}", f"{base / min(times[(w, t)]):.2f}x", beads[(w, t)]]
            for w, t in splits]
    body = (f"{len(plan.jobs)} document pairs ({args.docs} WMT22 ru-en documents and the sample), "
            f"about {sentences} Russian sentences; best of {args.repeats} runs.\n\n"
            + table(["workers x BLAS threads", "seconds", "speed-up vs 1 worker", "beads"], rows))
    print(body)
    write_section("batch-workers", "Batch alignment: worker processes vs BLAS threads", body)


if __name__ == "__main__":
    main()
