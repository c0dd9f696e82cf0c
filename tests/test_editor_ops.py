"""Edit operations: no sequence of edits loses, duplicates or reorders a sentence; undo restores."""

import pytest
from hypothesis import given, settings, strategies as st

from tmforge.align.editor import ops
from tmforge.align.editor.ops import EditBead, EditError


def beads_from(sizes):
    """Beads from (source count, target count) pairs, numbered in order."""
    out, i, j = [], 0, 0
    for a, b in sizes:
        out.append(EditBead(tuple(range(i, i + a)), tuple(range(j, j + b)), 0.5))
        i, j = i + a, j + b
    return out, i, j


SIZES = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)).filter(lambda t: t != (0, 0)), min_size=1, max_size=12)
EDIT = st.tuples(st.sampled_from(["merge", "split", "move", "detach", "unalign", "confirm", "exclude"]),
                 st.integers(-1, 14), st.sampled_from(["src", "tgt"]), st.sampled_from(["up", "down"]),
                 st.integers(0, 3), st.integers(0, 3))


def edit(beads, name, k, side, direction, a, b):
    if name == "merge":
        return ops.merge(beads, k)
    if name == "split":
        return ops.split(beads, k, a, b)
    if name == "move":
        return ops.move(beads, k, side, direction)
    if name == "detach":
        return ops.detach(beads, k, side, a)
    if name == "unalign":
        return ops.unalign(beads, k)
    if name == "confirm":
        return ops.set_status(beads, k, "confirmed", "20260101T000000Z")
    return ops.set_excluded(beads, k, True)


@settings(max_examples=200, deadline=None)
@given(SIZES, st.lists(EDIT, max_size=25))
def test_random_edit_sequences_keep_every_sentence_once_in_order_and_undo_restores(sizes, edits):
    beads, n, m = beads_from(sizes)
    start = list(beads)
    done = []
    for e in edits:
        before = list(beads)
        try:
            splice = edit(beads, *e)
        except EditError:
            assert beads == before        # a refused edit changes nothing
            continue
        ops.apply(beads, splice)
        ops.check_partition(beads, n, m)
        done.append(splice)
    for splice in reversed(done):
        ops.apply(beads, splice.inverse())
    assert beads == start


def test_each_operation_gives_the_expected_beads():
    beads, n, m = beads_from([(1, 1), (2, 2), (1, 0), (0, 1)])
    merged = list(beads)
    ops.apply(merged, ops.merge(merged, 0))
    assert [(b.src, b.tgt) for b in merged][:1] == [((0, 1, 2), (0, 1, 2))]
    assert merged[0].status == "edited" and merged[0].score is None

    cut = list(beads)
    ops.apply(cut, ops.split(cut, 1, 1, 1))
    assert [(b.src, b.tgt) for b in cut][1:3] == [((1,), (1,)), ((2,), (2,))]

    moved = list(beads)
    ops.apply(moved, ops.move(moved, 0, "tgt", "up"))       # bead 1's first target sentence joins bead 0
    assert [(b.src, b.tgt) for b in moved][:2] == [((0,), (0, 1)), ((1, 2), (2,))]
    ops.apply(moved, ops.move(moved, 2, "src", "down"))     # bead 2's only source sentence leaves it, which vanishes
    assert [(b.src, b.tgt) for b in moved][2:] == [((3,), (3,))]

    lone = list(beads)
    ops.apply(lone, ops.detach(lone, 1, "src", 1))
    assert [(b.src, b.tgt) for b in lone][1:3] == [((1,), (1, 2)), ((2,), ())]

    apart = list(beads)
    ops.apply(apart, ops.unalign(apart, 1))
    assert [(b.src, b.tgt) for b in apart][1:5] == [((1,), ()), ((2,), ()), ((), (1,)), ((), (2,))]


@pytest.mark.parametrize("call", [
    lambda b: ops.merge(b, 3), lambda b: ops.merge(b, -1), lambda b: ops.split(b, 0, 0, 0),
    lambda b: ops.split(b, 0, 2, 0), lambda b: ops.move(b, 3, "src", "up"), lambda b: ops.move(b, 2, "src", "up"),
    lambda b: ops.move(b, 0, "left", "up"), lambda b: ops.detach(b, 2, "src", 0),
    lambda b: ops.detach(b, 1, "src", 5), lambda b: ops.set_status(b, 9, "confirmed"),
    lambda b: ops.set_status(b, 0, "maybe"), lambda b: ops.unalign(b, 3)])
def test_impossible_edits_are_refused_with_a_reason(call):
    beads, _, _ = beads_from([(1, 1), (2, 2), (1, 0), (0, 1)])
    with pytest.raises(EditError) as err:
        call(beads)
    assert str(err.value)


def test_a_stale_splice_is_refused():
    beads, _, _ = beads_from([(1, 1), (1, 1)])
    splice = ops.merge(beads, 0)
    ops.apply(beads, ops.set_status(beads, 0, "confirmed"))
    with pytest.raises(EditError):
        ops.apply(beads, splice)
