"""The editor's project file, realign and export, without a browser."""

import shutil
import sqlite3
import subprocess
import sys

import pytest
from lxml import etree

from conftest import DATA
from editor_fixtures import sample_project
from tmforge.align.editor import ops
from tmforge.align.editor.export import export_project, realign_inputs
from tmforge.align.editor.ops import EditBead
from tmforge.align.editor.project import Project, ProjectError, splice_change, text_change
from tmforge.align.editor.realign import realign
from tmforge.align.evaluate import evaluate
from tmforge.tm.tmx import read_tmx
from tmforge.types import Bead

DTD = etree.DTD(str(DATA / "tmx" / "dtd" / "tmx14.dtd"))


@pytest.fixture(scope="module")
def built(tmp_path_factory, encoder):
    """The sample aligned once into a project file; each test works on a copy."""
    p = sample_project(tmp_path_factory.mktemp("built") / "sample.tmfproj", encoder)
    p.close()
    return p.path


def copy_of(built, folder, name="sample.tmfproj"):
    target = folder / name
    shutil.copyfile(built, target)
    return target


@pytest.fixture()
def project(tmp_path, built):
    p = Project.open(copy_of(built, tmp_path))
    yield p
    p.close()


def test_edits_are_saved_as_made_and_undo_redo_survive_reopening(project):
    path, n_beads = project.path, len(project.beads)
    project.commit("merge", [splice_change(ops.merge(project.beads, 0, "20260101T000000Z"))])
    old = project.sides["tgt"].texts[5]
    k = next(k for k, b in enumerate(project.beads) if 5 in b.tgt)
    project.commit("text", [text_change("tgt", 5, old, "Исправлено."), splice_change(ops.mark_edited(project.beads, k))])
    project.close()   # as if the server were killed: nothing but the file remains

    again = Project.open(path)
    assert len(again.beads) == n_beads - 1 and again.beads[0].status == "edited"
    assert again.sides["tgt"].texts[5] == "Исправлено." and again.sides["tgt"].originals[5] == old
    assert again.history_state() == {"undo": 2, "redo": 0}
    assert again.undo().label == "text" and again.sides["tgt"].texts[5] == old
    assert again.undo().label == "merge" and len(again.beads) == n_beads
    assert again.undo() is None
    assert again.redo().label == "merge" and len(again.beads) == n_beads - 1
    again.close()
    third = Project.open(path)
    assert len(third.beads) == n_beads - 1 and third.history_state() == {"undo": 1, "redo": 1}
    ops.check_partition(third.beads, len(third.sides["src"].texts), len(third.sides["tgt"].texts))
    third.close()


def test_a_second_editor_is_refused_while_one_holds_the_project(project):
    with pytest.raises(ProjectError, match="open in another editor"):
        Project.open(project.path)
    run = subprocess.run([sys.executable, "-m", "tmforge", "export", str(project.path), "-o",
                          str(project.path.with_suffix(".tsv"))], capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.startswith("error: ") and "another editor" in run.stderr
    assert not project.path.with_suffix(".tsv").exists()


def tmforge(capsys, monkeypatch, *args):
    """Run the CLI in this process (starting Python per call is slow); (exit code, stdout, stderr)."""
    from tmforge.align.cli import main

    monkeypatch.setattr(sys, "argv", ["tmforge", *map(str, args)])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, done.value.code, out, err)


def _refused(path, match, capsys, monkeypatch):
    before = path.read_bytes()
    run = tmforge(capsys, monkeypatch, "export", path, "-o", path.with_suffix(".tmx"))
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and match in lines[0], run.stderr
    assert path.read_bytes() == before and not path.with_suffix(".tmx").exists()


def test_files_that_are_not_projects_are_refused_untouched(tmp_path, built, capsys, monkeypatch):
    text = tmp_path / "notes.tmfproj"
    text.write_text("just some notes\n", encoding="utf-8")
    _refused(text, "not a tmforge project", capsys, monkeypatch)

    other = tmp_path / "other.tmfproj"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    _refused(other, "not a tmforge project", capsys, monkeypatch)

    newer = copy_of(built, tmp_path, "newer.tmfproj")
    con = sqlite3.connect(newer)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    _refused(newer, "newer tmforge", capsys, monkeypatch)

    damaged = copy_of(built, tmp_path, "damaged.tmfproj")
    data = bytearray(damaged.read_bytes())
    page = 4096
    data[page * 2: page * 4] = b"\xff" * (page * 2)   # two pages of the tables overwritten
    damaged.write_bytes(bytes(data))
    _refused(damaged, "damaged", capsys, monkeypatch)


def test_realign_keeps_confirmed_beads_and_repairs_their_neighbours(project, sample_gold, monkeypatch):
    _, _, gold = sample_gold
    n, m = len(project.sides["src"].texts), len(project.sides["tgt"].texts)
    # A wrong alignment: every target sentence shifted one bead later, so almost every bead is wrong.
    wrong = [EditBead((), (0,))] + [EditBead((i,), (i + 1,) if i + 1 < m else ()) for i in range(n)]
    wrong = [b for b in wrong if b.src or b.tgt]
    ops.check_partition(wrong, n, m)
    project.commit("reset", [splice_change(ops.Splice(0, tuple(project.beads), tuple(wrong)))])
    # A person confirms two gold beads in the middle (replacing the wrong beads around them).
    for g in (gold[20], gold[40]):
        beads = project.beads
        first = next(k for k, b in enumerate(beads) if set(b.src) & set(g.src) or set(b.tgt) & set(g.tgt))
        last = max(k for k, b in enumerate(beads) if set(b.src) & set(g.src) or set(b.tgt) & set(g.tgt))
        old = beads[first:last + 1]
        src_rest = [i for b in old for i in b.src if i not in g.src]
        tgt_rest = [j for b in old for j in b.tgt if j not in g.tgt]
        new = [EditBead((i,), ()) for i in src_rest if i < g.src[0]] + [EditBead((), (j,)) for j in tgt_rest if j < g.tgt[0]]
        new += [EditBead(g.src, g.tgt, None, "confirmed", False, "20260101T000000Z")]
        new += [EditBead((i,), ()) for i in src_rest if i > g.src[-1]] + [EditBead((), (j,)) for j in tgt_rest if j > g.tgt[-1]]
        project.commit("confirm", [splice_change(ops.Splice(first, tuple(old), tuple(new)))])
        ops.check_partition(project.beads, n, m)

    def no_encoder(*args, **kwargs):
        raise AssertionError("realign must not run the encoder")

    monkeypatch.setattr("tmforge.align.embed.load_encoder", no_encoder)
    before = evaluate([([Bead(b.src, b.tgt) for b in project.beads], gold)])["strict"]["f1"]
    splices = realign(project.beads, realign_inputs(project))
    project.commit("realign", [splice_change(s) for s in splices])
    after = evaluate([([Bead(b.src, b.tgt) for b in project.beads], gold)])["strict"]["f1"]
    ops.check_partition(project.beads, n, m)
    confirmed = [(b.src, b.tgt) for b in project.beads if b.status == "confirmed"]
    assert confirmed == [(gold[20].src, gold[20].tgt), (gold[40].src, gold[40].tgt)]
    assert before < 0.2 and after > 0.9
    assert all(b.score is not None for b in project.beads if b.status == "auto" and b.src and b.tgt)


def test_export_marks_changed_units_leaves_out_deleted_ones_and_validates(project, tmp_path):
    beads = project.beads
    project.commit("confirm", [splice_change(ops.set_status(beads, 0, "confirmed", "20260102T030405Z"))])
    project.commit("delete", [splice_change(ops.set_excluded(project.beads, 1, True))])
    k = 2
    i = project.beads[k].tgt[0]
    project.commit("text", [text_change("tgt", i, project.sides["tgt"].texts[i], "Новый текст & <скобки>"),
                            splice_change(ops.mark_edited(project.beads, k, "20260102T030406Z"))])
    out = tmp_path / "out.tmx"
    written = export_project(project, out).written
    pairs = [b for b in project.beads if b.src and b.tgt]
    assert written == len(pairs) - 1

    tree = etree.parse(str(out))
    assert DTD.validate(tree), DTD.error_log.filter_from_errors()
    tus = tree.findall(".//tu")
    assert tus[0].get("changedate") == "20260102T030405Z" and tus[0].get("changeid") == "tester"
    assert tus[0].findtext("prop[@type='x-status']") == "confirmed"
    deleted_source = " ".join(project.sides["src"].texts[j] for j in project.beads[1].src)
    assert deleted_source not in [tu.findtext("tuv[1]/seg") for tu in tus]
    assert tus[1].findtext("tuv[2]/seg").startswith("Новый текст & <скобки>")
    assert tus[1].get("changedate") == "20260102T030406Z" and tus[1].findtext("prop[@type='x-status']") == "edited"
    assert tus[2].get("changedate") is None and tus[2].find("prop[@type='x-status']") is None

    units = list(read_tmx(out).units())
    assert units[0].props["status"] == "confirmed" and units[0].props["changedate"] == "20260102T030405Z"


def test_cli_exports_every_format(project, tmp_path, capsys, monkeypatch):
    path = project.path
    project.close()
    for suffix in (".tsv", ".jsonl", ".align", ".tmx"):
        out = tmp_path / f"memory{suffix}"
        run = tmforge(capsys, monkeypatch, "export", path, "-o", out)
        assert run.returncode == 0, run.stderr
        assert out.stat().st_size > 0 and f"wrote {out}" in run.stdout
    run = tmforge(capsys, monkeypatch, "export", path, "-o", tmp_path / "memory.tsv")
    assert run.returncode == 2 and "already exists" in run.stderr


def test_row_keys_run_out_and_every_row_is_renumbered(project, monkeypatch):
    monkeypatch.setattr("tmforge.align.editor.project.KEY_GAP", 1)
    every = tuple(project.beads)
    project.commit("rewrite", [splice_change(ops.Splice(0, every, every))])   # neighbouring rows one key apart
    project.commit("merge", [splice_change(ops.merge(project.beads, 10))])
    project.commit("unalign", [splice_change(ops.unalign(project.beads, 10))])   # 4 rows where 3 keys are free
    assert project._keys == list(range(len(project.beads)))   # every row renumbered
    expected = list(project.beads)
    path = project.path
    project.close()
    again = Project.open(path)
    assert again.beads == expected
    again.close()
