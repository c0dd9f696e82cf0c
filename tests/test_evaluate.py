from tmforge.align.beads import Bead, format_beads, parse_beads
from tmforge.align.evaluate import count, evaluate


def B(src, tgt):
    return Bead(tuple(src), tuple(tgt))


def test_counts_follow_textberg_rules():
    gold = [B([0], [0]), B([1, 2], [1]), B([3], []), B([4], [2])]
    pred = [B([0], [0]), B([1], [1]), B([2], []), B([3], []), B([4], [3])]
    c = count(pred, gold)
    # precision: 5 predicted beads; exact: [0]:[0] and [3]:[]; lax adds [1]:[1] (1-1 linked in gold)
    assert (c.n_pred, c.strict_p, c.lax_p) == (5, 2, 3)
    # recall: 3 gold beads with both sides; exact: [0]:[0]; lax adds [1,2]:[1] via predicted [1]:[1]
    assert (c.n_gold, c.strict_r, c.lax_r) == (3, 1, 2)


def test_perfect_alignment_scores_one():
    gold = [B([0], [0]), B([1], [1, 2]), B([], [3])]
    result = evaluate([(gold, gold)])
    assert result["strict"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_bead_format_round_trip():
    beads = [B([0, 1], [2]), B([], [3]), B([2], [])]
    text = format_beads(beads)
    assert text == "[0, 1]:[2]\n[]:[3]\n[2]:[]\n"
    assert parse_beads(text) == beads
