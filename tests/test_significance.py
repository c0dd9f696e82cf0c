"""The paired bootstrap of align/significance.py and `tmforge eval --against`."""

import json
import random

from test_cli import tmforge

from tmforge.align.beads import Bead, format_beads
from tmforge.align.evaluate import count, evaluate
from tmforge.align.significance import paired_bootstrap, unit_counts


def one_to_one(n):
    return [Bead((i,), (i,)) for i in range(n)]


def with_merges(gold, starts):
    """`gold` (1-1 beads) with the pairs at `starts` and the next one joined into a wrong 2-2 bead."""
    out, skip = [], set()
    for k, bead in enumerate(gold):
        if k in skip:
            continue
        if k in starts:
            out.append(Bead((k, k + 1), (k, k + 1)))
            skip.add(k + 1)
        else:
            out.append(bead)
    return out


def test_a_merge_is_one_unit_and_units_add_up_to_the_counts():
    gold = one_to_one(6) + [Bead((6,), ())]
    pred = with_merges(gold[:6], {2}) + [Bead((), (6,)), Bead((6,), ())]
    units = unit_counts(gold, [pred])
    # [0]:[0], [1]:[1], the merge with its two gold beads, [4]:[4], [5]:[5], [6]:[], []:[6]
    assert units.shape == (1, 7, 6)
    assert tuple(units[0].sum(axis=0)) == tuple(vars(count(pred, gold)).values())


def test_units_add_up_on_random_alignments():
    rng = random.Random(3)
    gold = one_to_one(300)
    preds = [with_merges(gold, set(rng.sample(range(0, 299, 2), k))) for k in (5, 40)]
    units = unit_counts(gold, preds)
    for k, pred in enumerate(preds):
        assert tuple(units[k].sum(axis=0)) == tuple(vars(count(pred, gold)).values())


def test_identical_predictions_differ_by_nothing():
    gold = one_to_one(50)
    pred = with_merges(gold, {4, 20})
    boot = paired_bootstrap([(gold, [pred, list(pred)])], samples=300)
    assert boot.difference(0, 1) == (0.0, 0.0, 0.0, 0.0)


def test_a_clearly_better_prediction_wins_on_every_resample():
    rng = random.Random(7)
    docs = []
    for _ in range(3):
        gold = one_to_one(200)
        few = set(rng.sample(range(0, 199, 2), 3))
        many = few | set(rng.sample(range(0, 199, 2), 40))
        docs.append((gold, [with_merges(gold, few), with_merges(gold, many)]))
    boot = paired_bootstrap(docs, samples=2000)
    diff, low, high, higher = boot.difference(0, 1)
    assert low > 0 and high > low and higher > 0.99
    # the full-set figures are evaluate's
    for k in (0, 1):
        expected = evaluate([(preds[k], gold) for gold, preds in docs])
        assert round(float(boot.strict[k]), 4) == expected["strict"]["f1"]
        assert round(float(boot.lax[k]), 4) == expected["lax"]["f1"]
    low0, high0 = boot.interval(0)
    assert low0 <= boot.strict[0] <= high0 < 1.0


def test_eval_against_reports_the_difference(tmp_path):
    rng = random.Random(11)
    gold = one_to_one(120)
    few = set(rng.sample(range(0, 119, 2), 2))
    many = few | set(rng.sample(range(0, 119, 2), 30))
    for name, beads in (("gold", gold), ("new", with_merges(gold, few)), ("old", with_merges(gold, many))):
        (tmp_path / f"{name}.align").write_text(format_beads(beads), encoding="utf-8")
    run = tmforge("eval", tmp_path / "new.align", tmp_path / "gold.align", "--against", tmp_path / "old.align",
                  "--json", "--samples", "500")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["strict"]["f1"] > result["against"]["strict"]["f1"]
    diff = result["difference"]["strict"]
    assert 0 < diff["low"] <= diff["f1"] <= diff["high"]
    text = tmforge("eval", tmp_path / "new.align", tmp_path / "gold.align", "--against", tmp_path / "old.align",
                   "--samples", "500")
    assert "95% interval" in text.stdout and "PRED higher in" in text.stdout


def test_eval_against_needs_one_prediction_per_pair(tmp_path):
    (tmp_path / "a.align").write_text("[0]:[0]\n", encoding="utf-8")
    run = tmforge("eval", tmp_path / "a.align", tmp_path / "a.align", tmp_path / "a.align", tmp_path / "a.align",
                  "--against", tmp_path / "a.align")
    assert run.returncode == 2
    assert "one prediction per PRED GOLD pair" in run.stderr
