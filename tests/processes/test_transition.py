"""Algorithm 1's ``g``: properties from the issue, agreement with a plain-Python reference,
the batched variant, and input validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from simulators.errors import ShapeError, UsageError
from simulators.processes import apmdm_transition, apmdm_transition_batch, transition_length
from tests.processes.reference_g import g_reference

M = 5  # mask id; ordinary tokens are 0..4


@st.composite
def step_inputs(draw, max_len: int = 30):
    n = draw(st.integers(0, max_len))
    tok = st.integers(0, M)
    bits = st.lists(st.booleans(), min_size=n, max_size=n)
    x = draw(st.lists(tok, min_size=n, max_size=n))
    y = draw(st.lists(tok, min_size=n, max_size=n))
    return x, y, draw(bits), draw(bits), draw(bits)


def g(x, y, r, i, d):
    return apmdm_transition(np.array(x, dtype=np.int64), np.array(y, dtype=np.int64),
                            np.array(r, dtype=bool), np.array(i, dtype=bool),
                            np.array(d, dtype=bool), mask=M)


@given(step_inputs())
@example(([M, 1, M], [2, 3, 4], [True, False, False], [True, True, True], [True, True, False]))
def test_g_agrees_with_plain_python_reference(args):
    assert g(*args).tolist() == g_reference(*args, mask=M)


@given(step_inputs())
def test_output_length_is_input_minus_deleted_masks_plus_inserts(args):
    x, y, r, ins, d = args
    deleted = [d[k] and x[k] == M for k in range(len(x))]
    inserted = sum(ins[k] and not deleted[k] for k in range(len(x)))
    expected = len(x) - sum(deleted) + inserted
    assert len(g(*args)) == expected
    assert transition_length(np.array(x), np.array(r), np.array(ins), np.array(d), mask=M) == \
        expected


@given(st.integers(0, 30).flatmap(lambda n: st.tuples(
    st.lists(st.booleans(), min_size=n, max_size=n),   # is x_i a mask?
    st.lists(st.booleans(), min_size=n, max_size=n),   # remask
    st.lists(st.booleans(), min_size=n, max_size=n),   # insert
    st.lists(st.booleans(), min_size=n, max_size=n))))  # delete
def test_non_mask_tokens_only_changed_by_remask(parts):
    # Give every non-mask token of x a distinct id and draw y from a disjoint range, so each
    # output token's origin is known: the x-tokens that survive must be exactly the non-masks
    # that were not remasked, in their original order.
    masked, r, ins, d = (np.array(p, dtype=bool) for p in parts)
    n = masked.size
    big_mask = 10_000
    x = np.where(masked, big_mask, np.arange(n))
    y = np.arange(n) + 1_000
    out = apmdm_transition(x, y, r, ins, d, mask=big_mask)
    survivors = out[out < 1_000]
    assert survivors.tolist() == np.flatnonzero(~masked & ~r).tolist()


@given(step_inputs())
def test_delete_on_a_non_mask_does_nothing(args):
    x, y, r, ins, d = args
    d_only_masks = [d[k] and x[k] == M for k in range(len(x))]
    assert g(x, y, r, ins, d).tolist() == g(x, y, r, ins, d_only_masks).tolist()


@given(st.lists(st.integers(0, M - 1), max_size=40))
def test_all_zero_controls_on_a_mask_free_canvas_is_a_fixed_point(x):
    zeros = [False] * len(x)
    assert g(x, [0] * len(x), zeros, zeros, zeros).tolist() == x


@given(step_inputs())
def test_remask_on_a_mask_keeps_it_masked_and_remask_beats_unmask(args):
    x, y, _, ins, d = args
    n = len(x)
    out = g(x, y, [True] * n, [False] * n, [False] * n)
    assert out.tolist() == [M] * n


@given(st.lists(step_inputs(max_len=12), max_size=6))
def test_batch_agrees_with_one_by_one(batch):
    cols = [[np.array(row[k], dtype=np.int64 if k < 2 else bool) for row in batch]
            for k in range(5)]
    got = apmdm_transition_batch(*cols, mask=M)
    assert [a.tolist() for a in got] == [g(*row).tolist() for row in batch]


def test_batch_accepts_2d_arrays():
    rng = np.random.default_rng(3)
    x = rng.integers(0, M + 1, size=(4, 9))
    y = rng.integers(0, M, size=(4, 9))
    r, i, d = (rng.random((3, 4, 9)) < 0.3)
    got = apmdm_transition_batch(x, y, r, i, d, mask=M)
    for b in range(4):
        assert got[b].tolist() == g_reference(x[b].tolist(), y[b].tolist(), r[b].tolist(),
                                              i[b].tolist(), d[b].tolist(), mask=M)


def test_worked_example_from_the_docs():
    x = np.array([1, M, M, 2])
    out = apmdm_transition(x, np.array([0, 5, 6, 0]), np.zeros(4, bool),
                           np.array([0, 0, 0, 1], bool), np.array([0, 0, 1, 0], bool), mask=M)
    # position 1: mask -> y=5; position 2: deleted mask; position 3: kept 2 then inserted mask
    assert out.tolist() == [1, 5, 2, M]


def test_mismatched_lengths_raise_shape_error():
    with pytest.raises(ShapeError, match="insert has length 2"):
        apmdm_transition([1, 2, 3], [0, 0, 0], [0, 0, 0], [0, 0], [0, 0, 0], mask=M)
    with pytest.raises(ShapeError):
        apmdm_transition(np.zeros((2, 2), int), [0], [0], [0], [0], mask=M)
    with pytest.raises(ShapeError, match="numbers of rows"):
        apmdm_transition_batch([[1]], [[1], [1]], [[0]], [[0]], [[0]], mask=M)


def test_control_bits_coerced_from_0_1_ints_and_rejected_otherwise():
    out = apmdm_transition([M, 1], [3, 0], np.array([0, 1]), [0, 0], [0, 0], mask=M)
    assert out.tolist() == [3, M]
    with pytest.raises(UsageError, match="remask"):
        apmdm_transition([M, 1], [3, 0], np.array([0.2, 0.9]), [0, 0], [0, 0], mask=M)
    with pytest.raises(UsageError, match="outside 0/1"):
        apmdm_transition([M, 1], [3, 0], [0, 2], [0, 0], [0, 0], mask=M)
    with pytest.raises(UsageError, match="integer token ids"):
        apmdm_transition([1.5], [0], [0], [0], [0], mask=M)


def test_empty_canvas():
    assert apmdm_transition([], [], [], [], [], mask=M).tolist() == []
