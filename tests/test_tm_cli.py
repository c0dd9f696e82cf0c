"""`tmforge tm ...` as users run it: a subprocess per command, one-line errors, nothing overwritten."""

import json
import re
import subprocess
import sys
from datetime import datetime, timezone

from lxml import etree

from tmforge.tm.formats import read_memory, write_memory
from tmforge.tm.model import TranslationMemory, TranslationUnit

from conftest import DATA, SAMPLES

DTD = DATA / "tmx" / "dtd" / "tmx14.dtd"
WHEN = datetime(2024, 6, 3, tzinfo=timezone.utc)


def tmforge(*args):
    return subprocess.run([sys.executable, "-m", "tmforge", *map(str, args)], capture_output=True, text=True)


def sample(path, *pairs):
    units = [TranslationUnit(s, t, "ru", "en", score=sc, bead="1-1", created=WHEN) for s, t, sc in pairs]
    write_memory(TranslationMemory.from_units(units, meta={"signature": "sig"}), path)
    return path


def test_convert_tmx_to_moses_and_back_with_regional_codes(tmp_path):
    tmx = sample(tmp_path / "a.tmx", ("Да.", "Yes.", 0.9), ("Нет.", "No.", 0.8))
    run = tmforge("tm", "convert", tmx, tmp_path / "c.moses")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "c.ru").read_text(encoding="utf-8") == "Да.\nНет.\n"
    run = tmforge("tm", "convert", tmp_path / "c.moses", tmp_path / "b.tmx", "--src-lang", "ru",
                  "--tgt-lang", "en", "--lang-code", "ru-RU", "--lang-code", "en=en-US")
    assert run.returncode == 0, run.stderr
    root = etree.parse(str(tmp_path / "b.tmx")).getroot()
    assert etree.DTD(str(DTD)).validate(root.getroottree())
    assert root.find("header").get("srclang") == "ru-RU"
    assert [(u.source, u.target, u.tgt_lang) for u in read_memory(tmp_path / "b.tmx").units()] == [
        ("Да.", "Yes.", "en-US"), ("Нет.", "No.", "en-US")]


def test_merge_dedupe_filter_stats_pipeline(tmp_path):
    a = sample(tmp_path / "a.tmx", ("Да.", "Yes.", 0.9), ("Слабо.", "Weak.", 0.1))
    b = sample(tmp_path / "b.tsv", ("да", "yes", 0.95), ("В 2023 году.", "In 2024.", 0.9))
    run = tmforge("tm", "merge", a, b, "-o", tmp_path / "m.jsonl", "--dedupe", "normalized")
    assert run.returncode == 0, run.stderr
    assert "1 duplicates removed" in run.stdout
    run = tmforge("tm", "filter", tmp_path / "m.jsonl", "-o", tmp_path / "f.parquet", "--min-score", "0.5",
                  "--numbers", "--rejects", tmp_path / "r.tsv")
    assert run.returncode == 0, run.stderr
    assert [line.split() for line in run.stdout.splitlines()[:3]] == [
        ["empty", "0", "removed"], ["min-score", "1", "removed"], ["numbers", "1", "removed"]]
    assert [(u.source, u.score) for u in read_memory(tmp_path / "f.parquet").units()] == [("да", 0.95)]
    assert [u.props["reject"] for u in read_memory(tmp_path / "r.tsv").units()] == ["min-score", "numbers"]
    run = tmforge("tm", "stats", tmp_path / "f.parquet", "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["units"] == 1 and result["languages"]["ru"]["words"] == 1
    run = tmforge("tm", "stats", a)
    assert "score" in run.stdout and "duplicates" in run.stdout


def test_existing_output_needs_force_and_inputs_are_never_overwritten(tmp_path):
    a = sample(tmp_path / "a.tmx", ("Да.", "Yes.", 0.9))
    out = tmp_path / "out.tsv"
    out.write_text("keep me", encoding="utf-8")
    run = tmforge("tm", "dedupe", a, "-o", out)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "--force" in run.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    before = a.read_bytes()
    run = tmforge("tm", "convert", a, a, "--force")
    assert run.returncode == 2 and "also an input" in run.stderr
    assert a.read_bytes() == before
    assert tmforge("tm", "dedupe", a, "-o", out, "--force").returncode == 0
    assert len(read_memory(out)) == 1


def test_user_errors_are_one_line_and_leave_no_output(tmp_path):
    broken = tmp_path / "broken.tmx"
    broken.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><body><tu>\n', encoding="utf-8")
    for args in (["tm", "convert", broken, tmp_path / "x.tsv"],
                 ["tm", "convert", sample(tmp_path / "a.tmx", ("Да.", "Yes.", 0.9)), tmp_path / "x.tmx",
                  "--lang-code", "ru RU"],
                 ["tm", "dedupe", tmp_path / "a.tmx", "-o", tmp_path / "x.tmx", "--mode", "fuzzy"],
                 ["tm", "stats", tmp_path / "missing.tmx"]):
        run = tmforge(*args)
        assert run.returncode == 2, args
        assert run.stderr.startswith("error:") and run.stderr.count("\n") == 1, run.stderr
    assert not (tmp_path / "x.tsv").exists() and not (tmp_path / "x.tmx").exists()


def test_align_writes_through_the_same_functions_with_tm_options(tmp_path):
    out = tmp_path / "a.tmx"
    run = tmforge("align", SAMPLES / "mixed.txt", "-o", out, "--lang-code", "en-GB", "--no-props", "-q")
    assert run.returncode == 0, run.stderr
    root = etree.parse(str(out)).getroot()
    assert etree.DTD(str(DTD)).validate(root.getroottree())
    assert {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in root.iter("tuv")} == {"ru", "en-GB"}
    assert root.find("body/tu/prop") is None and root.find("header/prop").get("type") == "x-signature"
    run = tmforge("align", SAMPLES / "mixed.txt", "-o", tmp_path / "b.tmx", "--lang-code", "ru=en-US")
    assert run.returncode == 2 and "another language" in run.stderr


def test_filter_untranslated_uses_the_detector_the_entry_point_hands_in(tmp_path):
    units = [TranslationUnit("Хороший перевод.", "A good translation.", "ru", "en"),
             TranslationUnit("Это не переведено.", "Это тоже не переведено, увы.", "ru", "en")]
    source = tmp_path / "a.tsv"
    write_memory(TranslationMemory.from_units(units), source)
    run = tmforge("tm", "filter", source, "-o", tmp_path / "ok.tsv", "--untranslated")
    assert run.returncode == 0, run.stderr
    assert [u.source for u in read_memory(tmp_path / "ok.tsv").units()] == ["Хороший перевод."]


def test_moses_output_and_rejects_may_not_share_a_file(tmp_path):
    source = sample(tmp_path / "a.tmx", ("Да.", "Yes.", 0.9), ("Слабо.", "Weak.", 0.1))
    run = tmforge("tm", "filter", source, "-o", tmp_path / "c.moses", "--min-score", "0.5",
                  "--rejects", tmp_path / "c.moses")
    assert run.returncode == 2 and "same file" in run.stderr
    assert not (tmp_path / "c.ru").exists()


def test_format_lists_come_from_the_registry():
    from tmforge.align import beads  # noqa: F401  (the command line registers .align too)
    from tmforge.tm.formats import registry

    run = tmforge("tm", "formats")
    assert run.returncode == 0, run.stderr
    listed = [line.split()[0] for line in run.stdout.splitlines() if not line.startswith(" ")]
    assert listed == [f.name for f in registry.formats(beads=True)]
    assert all(len(line) <= 80 for line in run.stdout.splitlines())
    # The extensions stand apart from what a round trip keeps (read ".xlf .xliffevery column").
    rows = [line for line in run.stdout.splitlines() if not line.startswith(" ")]
    assert all(re.match(rf"{f.name} +{re.escape(' '.join(f.extensions))}  +\S", row)
               for f, row in zip(registry.formats(beads=True), rows)), rows
    run = tmforge("tm", "--help")
    assert all(ext in run.stdout for ext in registry.extensions())
    run = tmforge("align", SAMPLES / "mixed.txt", "-o", "m.xlsx")
    assert run.returncode == 2 and all(ext in run.stderr for ext in registry.extensions(beads=True))
