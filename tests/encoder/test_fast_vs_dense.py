"""The fast attention paths agree exactly with the dense O(L^2) reference, and the dense path
agrees with a plain-Python definition of select/aggregate."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulators.encoder.attention_dense import attend_dense
from simulators.encoder.attention_fast import attend_fast
from simulators.encoder.sequences import MODES, PREDICATES
from simulators.testing.encoder_programs import canvases, random_programs

_OPS = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
        "true": lambda a, b: True}


def python_head(keys, queries, preds, values, mode, default):
    """The definition, one query and one key at a time."""
    out = []
    for row in range(len(values)):
        res = []
        n = len(values[row])
        for q in range(n):
            atoms = list(zip(keys, queries, preds, strict=True))
            sel = [k for k in range(n)
                   if all(_OPS[p](ks[row][k], qs[row][q]) for ks, qs, p in atoms)]
            vals = [int(values[row][k]) for k in sel]
            if not sel:
                res.append(default)
            elif mode == "count":
                res.append(len(sel))
            elif mode == "sum":
                res.append(sum(vals))
            elif mode == "mean":
                res.append(sum(vals) // len(vals))
            elif mode == "max":
                res.append(max(vals))
            elif mode == "min":
                res.append(min(vals))
            elif mode == "leftmost":
                res.append(vals[0])
            else:
                res.append(vals[-1])
        out.append(res)
    return out


@st.composite
def heads(draw: st.DrawFn):
    """Random head inputs: shared key columns (so several atoms may read one sequence)."""
    batch = draw(st.integers(1, 3))
    n = draw(st.integers(0, 9))
    val = st.integers(-3, 3)

    def arr():
        if draw(st.integers(0, 4)) == 0:  # constant within each row (becomes a filter)
            return np.repeat(np.array([draw(val) for _ in range(batch)], dtype=np.int64)[:, None],
                             n, axis=1)
        return np.array([[draw(val) for _ in range(n)] for _ in range(batch)],
                        dtype=np.int64).reshape(batch, n)

    columns = [arr() for _ in range(draw(st.integers(1, 3)))]
    atoms = draw(st.integers(1, 3))
    ids = [draw(st.integers(0, len(columns) - 1)) for _ in range(atoms)]
    keys = [columns[i] for i in ids]
    queries = [arr() if draw(st.booleans()) else columns[draw(st.integers(0, len(columns) - 1))]
               for _ in range(atoms)]
    # Bias towards the shapes the fast path handles, but cover every predicate.
    order_or_eq = st.sampled_from(["==", "<", "<=", ">", ">="])
    preds = [draw(st.one_of(order_or_eq, st.sampled_from(PREDICATES))) for _ in range(atoms)]
    return keys, queries, preds, ids, arr(), draw(st.sampled_from(MODES)), draw(val)


@given(heads())
def test_dense_head_matches_python_definition(case) -> None:
    keys, queries, preds, _, values, mode, default = case
    got = attend_dense(keys, queries, preds, values, mode, default, chunk_cells=7)
    assert got.tolist() == python_head(keys, queries, preds, values.tolist(), mode, default)


@given(heads())
def test_fast_head_matches_dense(case) -> None:
    keys, queries, preds, ids, values, mode, default = case
    dense = attend_dense(keys, queries, preds, values, mode, default)
    fast = attend_fast(keys, queries, preds, values, mode, default, key_ids=ids,
                       dense_below=0)
    assert np.array_equal(fast, dense)


def test_fast_head_matches_dense_many_seeds() -> None:
    """A numpy-random sweep (thousands of heads) on top of the hypothesis examples."""
    rng = np.random.default_rng(1234)
    shapes = ["==", "<", "<=", ">", ">="]
    for _ in range(1500):
        batch, n = int(rng.integers(1, 3)), int(rng.integers(0, 10))
        cols = [rng.integers(-3, 4, size=(batch, n)) for _ in range(3)]
        if rng.random() < 0.2:  # a row-constant key column
            cols[0] = np.repeat(rng.integers(-3, 4, size=(batch, 1)), n, axis=1)
        atoms = int(rng.integers(1, 4))
        ids = [int(rng.integers(0, 3)) for _ in range(atoms)]
        keys = [cols[i] for i in ids]
        queries = [rng.integers(-4, 5, size=(batch, n)) if rng.random() < 0.6
                   else np.repeat(rng.integers(-4, 5, size=(batch, 1)), n, axis=1)
                   if rng.random() < 0.5 else cols[int(rng.integers(0, 3))]
                   for _ in range(atoms)]
        preds = [shapes[int(rng.integers(0, 5))] if rng.random() < 0.8
                 else PREDICATES[int(rng.integers(0, len(PREDICATES)))] for _ in range(atoms)]
        values = rng.integers(-5, 6, size=(batch, n))
        mode = MODES[int(rng.integers(0, len(MODES)))]
        default = int(rng.integers(-9, 9))
        dense = attend_dense(keys, queries, preds, values, mode, default)
        fast = attend_fast(keys, queries, preds, values, mode, default, key_ids=ids,
                       dense_below=0)
        assert np.array_equal(fast, dense), (preds, ids, mode)


def test_fast_head_with_large_values_uses_rank_codes() -> None:
    """Key/query values spanning more than 2^31 take the re-ranking branches."""
    rng = np.random.default_rng(7)
    big = np.array([-(2**50), -5, 0, 3, 2**40, 2**52], dtype=np.int64)
    for _ in range(200):
        n = int(rng.integers(1, 12))
        k1, k2 = rng.choice(big, size=(1, n)), rng.choice(big, size=(1, n))
        q1, q2 = rng.choice(big, size=(1, n)), rng.choice(big, size=(1, n))
        values = rng.choice(big, size=(1, n))
        for preds in (("==", "<"), ("==", ">="), ("<=", "<=")):
            for mode in ("max", "min", "leftmost", "rightmost", "count"):
                ids = [0, 1] if preds[0] == "==" else [0, 0]
                keys = [k1, k2] if preds[0] == "==" else [k1, k1]
                dense = attend_dense(keys, [q1, q2], preds, values, mode, -1)
                fast = attend_fast(keys, [q1, q2], preds, values, mode, -1, key_ids=ids,
                                   dense_below=0)
                assert np.array_equal(fast, dense), (preds, mode)


@given(random_programs(), canvases())
def test_random_programs_fast_equals_dense(prog, canvas) -> None:
    join = prog.evaluate(canvas, path="join")
    fast = prog.evaluate(canvas)
    dense = prog.evaluate(canvas, path="dense")
    assert fast.keys() == dense.keys() == join.keys()
    for name in fast:
        assert np.array_equal(join[name], dense[name]), name
        assert np.array_equal(fast[name], dense[name]), name
        r = prog.range(name)
        if fast[name].size:
            assert r.lo <= fast[name].min() and fast[name].max() <= r.hi, name


@given(random_programs(), canvases(batch=True))
def test_batch_evaluation_equals_row_by_row(prog, canvas) -> None:
    arr = np.array(canvas, dtype=np.int64)
    if arr.ndim == 1:
        arr = arr[None, :]
    whole = prog.evaluate(arr, path="join")
    for row in range(arr.shape[0]):
        single = prog.evaluate(arr[row], path="join")
        for name in whole:
            assert np.array_equal(whole[name][row], single[name])


@given(heads())
def test_fast_head_matches_dense_with_sorted_needle_search(case) -> None:
    """The same agreement when every search takes the sorted-needles branch (normally only for
    inputs above 2^15 positions, too large to compare with the dense path here)."""
    import simulators.encoder.range_reduce as fast_module

    keys, queries, preds, ids, values, mode, default = case
    saved = fast_module.SORT_NEEDLES_ABOVE
    fast_module.SORT_NEEDLES_ABOVE = 1
    try:
        fast = attend_fast(keys, queries, preds, values, mode, default, key_ids=ids,
                           dense_below=0)
    finally:
        fast_module.SORT_NEEDLES_ABOVE = saved
    assert np.array_equal(fast, attend_dense(keys, queries, preds, values, mode, default))
