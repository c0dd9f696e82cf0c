"""Batches: pairing files by name, manifests, and a real batch through the command line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tmforge.align.batch import pair_folders, pair_key, plan_inputs, plan_workers, read_manifest
from browser import rendered_dom
from conftest import SAMPLES
from tmforge.errors import TmforgeError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RU_PARAS = [p for p in (SAMPLES / "parallel" / "ru.txt").read_text(encoding="utf-8").split("\n") if p.strip()]
EN_PARAS = [p for p in (SAMPLES / "parallel" / "en.txt").read_text(encoding="utf-8").split("\n") if p.strip()]


def tmforge(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name,key", [("report_ru.docx", "report"), ("report.en.txt", "report"),
                                      ("ru-2024-news.html", "2024-news"), ("sub/Chapter 1.txt", "sub/chapter 1"),
                                      ("russia.txt", "russia")])
def test_pair_key_drops_extension_and_language_tag(name, key):
    assert pair_key(Path(name)) == key


def test_folders_pair_by_name_and_report_leftovers(tmp_path):
    for name in ("a.txt", "b_ru.txt", "only_here.txt", "sub/c.md"):
        touch(tmp_path / "ru" / name)
    for name in ("a.txt", "b_en.txt", "sub/c.md", "lonely.txt"):
        touch(tmp_path / "en" / name)
    plan = pair_folders(tmp_path / "ru", tmp_path / "en")
    pairs = sorted((j.src.relative_to(tmp_path).as_posix(), j.tgt.relative_to(tmp_path).as_posix())
                   for j in plan.jobs)
    assert pairs == [("ru/a.txt", "en/a.txt"), ("ru/b_ru.txt", "en/b_en.txt"), ("ru/sub/c.md", "en/sub/c.md")]
    assert len({j.name for j in plan.jobs}) == 3
    assert len(plan.skipped) == 2 and any("only_here" in s for s in plan.skipped)
    assert any("lonely" in s for s in plan.skipped)


def test_folders_with_no_namesakes_are_refused(tmp_path):
    touch(tmp_path / "ru" / "a.txt")
    touch(tmp_path / "en" / "b.txt")
    with pytest.raises(TmforgeError, match="no file in .* has a namesake"):
        pair_folders(tmp_path / "ru", tmp_path / "en")


def test_manifest_rows_relative_to_the_manifest(tmp_path):
    manifest = touch(tmp_path / "lists" / "pairs.csv",
                     "source,target,name\n../ru/a.txt,../en/a.txt,first\n../mixed.txt,,\n")
    plan = read_manifest(manifest)
    assert [(j.name, j.src.resolve(), j.tgt.resolve() if j.tgt else None) for j in plan.jobs] == [
        ("first", (tmp_path / "ru" / "a.txt").resolve(), (tmp_path / "en" / "a.txt").resolve()),
        ("mixed", (tmp_path / "mixed.txt").resolve(), None)]
    assert plan_inputs(manifest, None).jobs == plan.jobs


def test_workers_never_exceed_cores_or_jobs():
    import os

    cores = len(os.sched_getaffinity(0))
    for jobs in (1, 2, 50):
        workers, threads = plan_workers(jobs)
        assert 1 <= workers <= min(jobs, cores) and workers * threads <= max(cores, 1)
    assert plan_workers(50, 1) == (1, cores)


@pytest.fixture(scope="module")
def two_folders(tmp_path_factory):
    """Two documents per language cut from the sample (one named with language tags), and one unpaired file."""
    root = tmp_path_factory.mktemp("batch")
    touch(root / "ru" / "speech_ru.txt", "\n\n".join(RU_PARAS[:10]) + "\n")
    touch(root / "en" / "speech_en.txt", "\n\n".join(EN_PARAS[:10]) + "\n")
    touch(root / "ru" / "interview.txt", "\n\n".join(RU_PARAS[19:]) + "\n")
    touch(root / "en" / "interview.txt", "\n\n".join(EN_PARAS[19:]) + "\n")
    touch(root / "ru" / "notes.txt", RU_PARAS[12] + "\n")
    return root


def test_batch_of_two_folders_writes_one_memory_review_and_json(two_folders):
    root = two_folders
    out, page = root / "all.tmx", root / "all.html"
    run = tmforge("align", root / "ru", root / "en", "-o", out, "--review", page, "--json", "--force")
    assert run.returncode == 1, run.stderr              # partial: notes.txt had no namesake
    assert "warning:" in run.stderr and "notes.txt" in run.stderr
    summary = json.loads(run.stdout)                    # stdout holds the JSON alone
    assert summary["pairs"] == 2 and summary["aligned"] == 2 and summary["exit_code"] == 1
    assert summary["encodings"] == {"utf-8": 4}
    units = etree.parse(str(out)).getroot().findall(".//tu")
    assert summary["outputs"] == [{"path": str(out), "units": len(units)}]
    documents = {tu.findtext("prop[@type='x-source-document']") for tu in units}
    assert documents == {"speech_ru.txt", "interview.txt"}
    assert all({tuv.get(XML_LANG) for tuv in tu.findall("tuv")} == {"ru", "en"} for tu in units)
    assert sum(summary["beads"].values()) >= len(units)
    dom = rendered_dom(page)
    assert len(dom.xpath("//section[@class='doc']")) == 2
    assert len(dom.xpath("//tr[contains(@class,'bead')]")) == sum(summary["beads"].values())


def test_batch_split_output_one_memory_per_pair(two_folders, tmp_path):
    out = tmp_path / "memories"
    run = tmforge("align", two_folders / "ru", two_folders / "en", "--split-output", "-o", out,
                  "--format", "tsv", "--jobs", "1", "--quiet")
    assert run.returncode == 1 and run.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == [".tmforge-done", "interview.tsv", "speech.tsv"]
    speech = (out / "speech.tsv").read_text(encoding="utf-8").splitlines()
    assert speech[0].startswith("source\ttarget") and len(speech) > 10
    # The same command again: both pairs are done (their records match), nothing is aligned or rewritten.
    stamp = (out / "speech.tsv").stat().st_mtime_ns
    run = tmforge("align", two_folders / "ru", two_folders / "en", "--split-output", "-o", out,
                  "--format", "tsv", "--jobs", "1", "--json")
    summary = json.loads(run.stdout)
    assert summary["already_done"] == 2 and summary["pairs"] == 0 and summary["outputs"] == []
    assert (out / "speech.tsv").stat().st_mtime_ns == stamp


def test_split_output_checks_both_files_of_a_moses_pair(two_folders, tmp_path):
    out = tmp_path / "pairs"
    out.mkdir()
    (out / "speech.en").write_text("earlier work", encoding="utf-8")
    run = tmforge("align", two_folders / "ru", two_folders / "en", "--split-output", "-o", out,
                  "--format", "moses", "--jobs", "1", "--quiet")
    assert run.returncode == 1
    assert "speech.en already exists" in run.stderr and "--force" in run.stderr
    assert (out / "speech.en").read_text(encoding="utf-8") == "earlier work"
    assert not (out / "speech.ru").exists()
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["interview.en", "interview.ru", "speech.en"]
    record = json.loads((out / ".tmforge-done" / "interview.moses.json").read_text(encoding="utf-8"))
    assert sorted(record["outputs"]) == ["interview.en", "interview.ru"]   # both files of the pair


def test_subtitle_pair_keeps_cues_and_timing(tmp_path, sample_gold):
    en, ru, gold = sample_gold
    beads = [b for b in gold if len(b.src) == len(b.tgt) == 1][:12]

    def srt(lines):
        return "".join(f"{k}\n00:00:{k:02d},000 --> 00:00:{k:02d},900\n{text}\n\n" for k, text in enumerate(lines, 1))

    touch(tmp_path / "en.srt", srt([en[b.src[0]] for b in beads]))
    touch(tmp_path / "ru.srt", srt([ru[b.tgt[0]] for b in beads]))
    out = tmp_path / "subs.tmx"
    run = tmforge("align", tmp_path / "en.srt", tmp_path / "ru.srt", "-o", out)
    assert run.returncode == 0, run.stderr
    units = etree.parse(str(out)).getroot().findall(".//tu")
    assert len(units) == 12
    for k, tu in enumerate(units, 1):
        assert tu.findtext("prop[@type='x-src-start']") == f"00:00:{k:02d},000"  # SRT notation kept
        assert tu.findtext("prop[@type='x-tgt-end']") == f"00:00:{k:02d},900"
