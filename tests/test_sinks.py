"""Batch outputs as sinks: outcomes streamed in as pairs finish, outputs in job order, nothing partial left."""

from pathlib import Path

import pytest
from lxml import etree

from tmforge.align import batch, sinks
from tmforge.align.beads import Bead
from tmforge.align.pipeline import to_memory
from tmforge.align.segment import Sentence
from tmforge.align.review import review_html
from tmforge.errors import TmforgeError
from tmforge.tm.formats import read_memory
from tmforge.tm.options import WriteOptions
from tmforge.types import Alignment


def alignments(sample_gold, n: int) -> list[Alignment]:
    """n alignments cut from the bundled sample's gold beads, as documents doc0, doc1 ..."""
    en, ru, gold = sample_gold
    size = len(gold) // n
    out = []
    for d in range(n):
        beads = gold[d * size:(d + 1) * size]
        src_ids = sorted({i for b in beads for i in b.src})
        tgt_ids = sorted({j for b in beads for j in b.tgt})
        src_at = {i: k for k, i in enumerate(src_ids)}
        tgt_at = {j: k for k, j in enumerate(tgt_ids)}
        out.append(Alignment(
            "en", "ru", [Sentence(en[i], 0) for i in src_ids], [Sentence(ru[j], 0) for j in tgt_ids],
            [Bead(tuple(src_at[i] for i in b.src), tuple(tgt_at[j] for j in b.tgt), 0.4 + 0.1 * (k % 6))
             for k, b in enumerate(beads)],
            f"signature-{d}", document=f"doc{d}", encodings={f"en{d}.txt": "utf-8", f"ru{d}.txt": "cp1251"}))
    return out


def outcome(k: int, alignment: Alignment | None, error: str | None = None) -> batch.Outcome:
    return batch.Outcome(batch.Job(f"doc{k}", Path(f"en{k}.txt"), Path(f"ru{k}.txt")), alignment, error)


class Recorder(sinks.Sink):
    def __init__(self):
        self.seen, self.closed, self.aborted = [], False, False

    def add(self, index, outcome):
        self.seen.append(index)

    def close(self):
        self.closed = True

    def abort(self):
        self.aborted = True


def test_in_job_order_holds_only_the_pairs_that_finished_early():
    recorder = Recorder()
    ordered = sinks.InJobOrder(recorder)
    for index in (2, 3, 0):
        ordered.add(index, outcome(index, None, "x"))
    assert recorder.seen == [0] and sorted(ordered._waiting) == [2, 3]
    ordered.add(1, outcome(1, None, "x"))
    assert recorder.seen == [0, 1, 2, 3] and not ordered._waiting


@pytest.mark.parametrize("suffix", [".tmx", ".tsv", ".jsonl"])
def test_merged_memory_in_job_order_holds_no_alignment(tmp_path, sample_gold, suffix):
    pairs = alignments(sample_gold, 3)
    path = tmp_path / f"all{suffix}"
    merged = sinks.MergedMemory(path, WriteOptions())
    ordered = sinks.InJobOrder(merged)
    for index in (1, 0, 2):  # the order pairs finish in
        ordered.add(index, outcome(index, pairs[index]))
    assert not path.exists()  # complete only once closed
    ordered.close()
    memory = read_memory(path)
    expected = [u for a in pairs for u in to_memory(a).units()]
    assert [(u.source, u.target, u.document, u.seq) for u in memory.units()] == \
        [(u.source, u.target, u.document, u.seq) for u in expected]
    assert merged.written == [(path, len(expected))]
    if merged.format.streams:
        assert not merged._memories  # units went to the writer thread as pairs came


def test_tmx_header_comes_from_the_first_pair(tmp_path, sample_gold):
    pairs = alignments(sample_gold, 2)
    path = tmp_path / "all.tmx"
    merged = sinks.MergedMemory(path, WriteOptions(lang_codes=["en-GB"]))
    for index, alignment in enumerate(pairs):
        merged.add(index, outcome(index, alignment))
    merged.close()
    root = etree.parse(str(path)).getroot()
    assert root.find("header").get("srclang") == "en-GB"
    assert root.findtext("header/prop[@type='x-signature']") == "signature-0"


def test_an_aborted_merged_memory_leaves_no_file(tmp_path, sample_gold):
    pairs = alignments(sample_gold, 3)
    path = tmp_path / "all.tmx"
    merged = sinks.MergedMemory(path, WriteOptions())
    merged.add(0, outcome(0, pairs[0]))
    merged.add(1, outcome(1, pairs[1]))
    merged.abort()
    assert list(tmp_path.iterdir()) == []


def test_a_bead_file_holds_one_pair(tmp_path, sample_gold):
    pairs = alignments(sample_gold, 2)
    merged = sinks.MergedMemory(tmp_path / "out.align", WriteOptions())
    merged.add(0, outcome(0, pairs[0]))
    with pytest.raises(TmforgeError, match="holds the beads of one pair"):
        merged.add(1, outcome(1, pairs[1]))


def test_split_output_writes_each_pair_as_it_finishes_and_skips_existing(tmp_path, sample_gold):
    pairs = alignments(sample_gold, 2)
    folder = tmp_path / "memories"
    folder.mkdir()
    (folder / "doc1.tsv").write_text("kept\n", encoding="utf-8")
    split = sinks.SplitOutput(folder, ".tsv", WriteOptions())
    split.add(0, outcome(0, pairs[0]))
    assert (folder / "doc0.tsv").exists()  # before the batch ends
    late = outcome(1, pairs[1])
    split.add(1, late)
    assert "doc1.tsv already exists" in late.error and late.alignment is None
    assert split.refused == {1}
    assert (folder / "doc1.tsv").read_text(encoding="utf-8") == "kept\n"
    assert [p.name for p, _ in split.written] == ["doc0.tsv"] and "--force" in split.warnings[0]


def test_review_sections_stream_in_and_number_by_document(tmp_path, sample_gold):
    pairs = alignments(sample_gold, 2)
    page = tmp_path / "review.html"
    review = sinks.Review(page)
    for index, alignment in enumerate(pairs):
        review.add(index, outcome(index, alignment))
    review.close()
    dom = etree.parse(str(page), etree.HTMLParser()).getroot()
    labels = dom.xpath("//tr[contains(@class,'bead')]/td[@class='n']/a/text()")
    assert labels[0] == "1:1" and labels[-1] == f"2:{len(pairs[1].beads)}"
    assert [s.get("id") for s in dom.xpath("//section")] == ["d0", "d1"]
    single = etree.fromstring(review_html(pairs[:1]), etree.HTMLParser())
    assert single.xpath("//tr[contains(@class,'bead')]/td[@class='n']/a/text()")[0] == "1"


class Interrupted:
    """An executor whose run is stopped by Ctrl-C after the first pair (as a user would)."""

    def __init__(self, pairs):
        self.pairs, self.stopped = pairs, False

    def run(self, jobs, options):
        try:
            yield 0, outcome(0, self.pairs[0])
            raise KeyboardInterrupt
        finally:
            self.stopped = True


def test_an_interrupted_run_aborts_the_sinks(tmp_path, sample_gold):
    pairs = alignments(sample_gold, 2)
    path = tmp_path / "all.tmx"
    recorder = Recorder()
    sink = sinks.Sinks([sinks.InJobOrder(sinks.MergedMemory(path, WriteOptions())), recorder])
    executor = Interrupted(pairs)
    jobs = [outcome(k, None).job for k in range(2)]
    with pytest.raises(KeyboardInterrupt):
        batch.run_jobs(jobs, batch.Options(), executor, sink)
    assert executor.stopped and recorder.aborted and not recorder.closed
    assert list(tmp_path.iterdir()) == []


def test_run_jobs_hands_alignments_to_the_sink_and_keeps_none(tmp_path, sample_gold):
    pairs = alignments(sample_gold, 2)

    class Finished:
        def run(self, jobs, options):
            yield 1, outcome(1, pairs[1])
            yield 0, outcome(0, None, "doc0 is empty")

    tally = sinks.Tally()
    jobs = [outcome(k, None).job for k in range(2)]
    outcomes = batch.run_jobs(jobs, batch.Options(), Finished(), sinks.InJobOrder(tally))
    assert [o.job.name for o in outcomes] == ["doc0", "doc1"]
    assert all(o.alignment is None for o in outcomes) and outcomes[0].error == "doc0 is empty"
    assert tally.aligned == 1 and sum(tally.kinds.values()) == len(pairs[1].beads)
    recorder = Recorder()
    with pytest.raises(TmforgeError, match="^doc0 is empty$"):  # a single pair's own error
        batch.run_jobs(jobs[:1], batch.Options(), iter_of([outcome(0, None, "doc0 is empty")]), recorder)
    assert recorder.aborted and not recorder.closed
    with pytest.raises(TmforgeError, match="no pair could be aligned; first problem: doc0 is empty"):
        batch.run_jobs(jobs, batch.Options(), iter_of([outcome(0, None, "doc0 is empty"),
                                                       outcome(1, None, "doc1 is empty")]), Recorder())


def iter_of(items):
    class Given:
        def run(self, jobs, options):
            yield from enumerate(items)
    return Given()
