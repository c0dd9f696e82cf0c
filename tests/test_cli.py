"""The command line as users run it: a subprocess per command."""

import json
import subprocess
import sys

import pytest
from lxml import etree

from conftest import SAMPLES

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tmforge(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)


def tmx_pairs(path):
    pairs = set()
    for tu in etree.parse(str(path)).getroot().iter("tu"):
        segs = {tuv.get(XML_LANG): tuv.findtext("seg") for tuv in tu.iter("tuv")}
        pairs.add((segs["en"], segs["ru"]))
    return pairs


def test_sample_tmx_holds_every_gold_one_to_one_pair(tmp_path, sample_gold):
    en, ru, gold = sample_gold
    out = tmp_path / "sample.tmx"
    run = tmforge("align", SAMPLES / "parallel" / "ru.txt", SAMPLES / "parallel" / "en.txt", "-o", out)
    assert run.returncode == 0, run.stderr
    assert str(out) in run.stdout
    found = tmx_pairs(out)
    expected = {(en[b.src[0]], ru[b.tgt[0]]) for b in gold if len(b.src) == len(b.tgt) == 1}
    assert len(expected) > 40
    assert expected - found == set()


def test_mixed_file_yields_the_translated_paragraph(tmp_path):
    out = tmp_path / "mixed.tsv"
    run = tmforge("align", SAMPLES / "mixed.txt", "-o", out)
    assert run.returncode == 0, run.stderr
    rows = out.read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    units = [dict(zip(header, r.split("\t"))) for r in rows[1:]]
    assert len(units) == 3  # the Russian paragraph has three sentences, each with its translation
    assert units[0]["src_lang"] == "ru"
    assert units[0]["source"].startswith("Благодаря политической воле")
    assert units[0]["target"].startswith("Thanks to the political will")


def test_segmented_align_and_eval_score_the_gold(tmp_path):
    pred = tmp_path / "pred.align"
    run = tmforge("align", SAMPLES / "parallel" / "en.sent", SAMPLES / "parallel" / "ru.sent",
                  "--segmented", "-o", pred)
    assert run.returncode == 0, run.stderr
    run = tmforge("eval", pred, SAMPLES / "parallel" / "gold.align", "--json")
    assert run.returncode == 0, run.stderr
    scores = json.loads(run.stdout)
    assert scores["strict"]["f1"] >= 0.9 and scores["lax"]["f1"] >= 0.98


@pytest.mark.parametrize("content", ["", "  \n\n "])
def test_empty_input_is_one_line_error_exit_2_no_output(tmp_path, content):
    empty = tmp_path / "empty.txt"
    empty.write_text(content, encoding="utf-8")
    out = tmp_path / "out.tmx"
    run = tmforge("align", empty, SAMPLES / "parallel" / "en.txt", "-o", out)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "empty" in run.stderr
    assert not out.exists()


def test_missing_file_is_one_line_error_exit_2_no_output(tmp_path):
    out = tmp_path / "out.tmx"
    run = tmforge("align", tmp_path / "missing.txt", SAMPLES / "parallel" / "en.txt", "-o", out)
    assert run.returncode == 2
    assert run.stderr.strip().startswith("error:") and run.stderr.count("\n") == 1
    assert "not found" in run.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "out.tmx"
    out.write_text("keep me", encoding="utf-8")
    run = tmforge("align", SAMPLES / "mixed.txt", "-o", out)
    assert run.returncode == 2 and "--force" in run.stderr
    assert out.read_text(encoding="utf-8") == "keep me"


def test_same_language_pair_is_refused(tmp_path):
    run = tmforge("align", SAMPLES / "parallel" / "en.txt", SAMPLES / "parallel" / "en.txt",
                  "-o", tmp_path / "o.tmx")
    assert run.returncode == 2 and "both files are in English" in run.stderr


def test_split_writes_streams_anchors_and_report(tmp_path):
    run = tmforge("split", SAMPLES / "mixed.txt", "-o", tmp_path / "streams")
    assert run.returncode == 0, run.stderr
    ru = (tmp_path / "streams" / "ru.txt").read_text(encoding="utf-8")
    assert ru.startswith("Благодаря политической воле") and "Thanks" not in ru
    assert (tmp_path / "streams" / "other.txt").read_text(encoding="utf-8") == ""
    anchors = (tmp_path / "streams" / "anchors.tsv").read_text(encoding="utf-8").splitlines()
    assert len(anchors) == 2 and anchors[1].split("\t")[:2] == ["3", "4"]
    rows = [r.split("\t") for r in (tmp_path / "streams" / "report.tsv").read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["piece", "paragraph", "label", "stream", "partner", "start", "end", "text"]
    assert [r[2] for r in rows[1:]] == ["en", "en", "en", "ru", "en", "en", "en"]
    assert rows[4][4] == "4" and rows[5][4] == "3"
    text = (SAMPLES / "mixed.txt").read_text(encoding="utf-8")
    assert text[int(rows[4][5]):int(rows[4][6])] == rows[4][7]


def test_library_gives_the_same_steps():
    from tmforge import align, tm

    for name in ("align_files", "align_mixed", "align_sentences", "split_mixed", "split_sentences",
                 "load_encoder", "evaluate", "to_memory"):
        assert callable(getattr(align, name))
    assert callable(tm.write_memory) and callable(tm.read_memory)
