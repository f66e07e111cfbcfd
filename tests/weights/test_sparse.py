"""The sparse evaluation (simulators/weights/sparse.py) equals the dense forward of the same
compiled weights: rounded outputs identical, unrounded within 1e-9, at random position subsets
of random canvases of every library program it supports and of Theorem 1 run canvases -- also
across a sequence of calls where a few tokens change (the kept token-local rows)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from constructions.pram_mdm.construction import Theorem1  # noqa: E402
from constructions.value_width import weights_value_bits  # noqa: E402
from simulators.encoder import Program, aggregate, ew, indices, select, tokens  # noqa: E402
from simulators.encoder import library as lib  # noqa: E402
from simulators.pram import load_program  # noqa: E402
from simulators.weights import compile_program  # noqa: E402
from simulators.weights.sparse import LevelPart, OneInputPart, SparseEvaluator  # noqa: E402

LIBRARY = {
    "histogram": lambda: lib.histogram_program(6, 24),
    "sort_distinct": lambda: lib.sort_distinct_program(8, 8),
    "reverse": lambda: lib.reverse_program(5, 24),
    "dyck1": lambda: lib.dyck1_program(24),
    "prefix_sum": lambda: lib.prefix_sum_program(-3, 5, 24),
    "most_recent_write": lambda: lib.most_recent_write_program(4, 8, 24),
    "previous_block": lambda: lib.previous_block_program(5, 3, 24),
}
#: The programs outside the restricted evaluator's domain (order predicates): dense only.
DENSE_ONLY = {"sort_distinct", "dyck1", "prefix_sum", "most_recent_write"}
TOL = 1e-9


def _compare(net, ev: SparseEvaluator, canvas: np.ndarray, pos: np.ndarray) -> None:
    want = net.evaluate_float(canvas, positions=pos, sparse=False)
    got = ev.evaluate_float(canvas, pos)
    for key, w in want.items():
        assert np.array_equal(np.rint(got[key]), np.rint(w)), (key, canvas, pos)
        assert np.abs(got[key] - w).max(initial=0.0) < TOL, key


def _tokens(prog):  # noqa: ANN001, ANN202
    return next(n for n in prog.nodes if getattr(n, "kind", None) == "tokens")


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_library_sparse_equals_dense(name):
    prog = LIBRARY[name]()
    net = compile_program(prog)
    if name in DENSE_ONLY:  # no sparse evaluator: positions= falls back to the dense forward
        assert net.sparse_evaluator() is None
        return
    ev = SparseEvaluator(net, poison=True)  # an unwritten residual entry would read as NaN
    tok = _tokens(prog)
    rng = np.random.default_rng(5)
    for _ in range(10):
        n = int(rng.integers(1, prog.max_length + 1))
        canvas = rng.integers(tok.lo, tok.hi + 1, size=n)
        for _ in range(3):  # the same length: later calls reuse the token-local rows
            pos = rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False)
            _compare(net, ev, canvas, pos)
            flip = rng.choice(n, size=int(rng.integers(0, min(n, 2) + 1)), replace=False)
            canvas = canvas.copy()
            canvas[flip] = rng.integers(tok.lo, tok.hi + 1, size=flip.size)


def _block_head_program(mode: str) -> Program:
    """One head whose keys share a static component with many others: the query's block of
    three positions (static) and, token-dependent, the same token mod 3 -- so each query has
    up to three candidates, some failing the token atom."""
    tok, idx = tokens(0, 7), indices()
    sel = select((ew("floordiv", idx, 3), ew("mod", tok, 3)),
                 (ew("floordiv", idx, 3), ew("mod", ew("add", tok, 1), 3)), ("==", "=="))
    block = select(ew("floordiv", idx, 3), ew("floordiv", idx, 3), "==")
    return Program({"out": aggregate(sel, ew("sub", tok, 3), mode, default=-2),
                    "whole": aggregate(block, tok, mode, default=-1)}, 15)


@pytest.mark.parametrize("mode", ["mean", "sum", "count", "leftmost", "rightmost", "max", "min"])
def test_every_mode_with_several_candidates(mode):
    prog = _block_head_program(mode)
    net = compile_program(prog)
    ev = SparseEvaluator(net, poison=True)
    rng = np.random.default_rng(7)
    for _ in range(12):
        canvas = rng.integers(0, 8, size=int(rng.integers(1, 16)))
        pos = rng.choice(canvas.size, size=int(rng.integers(1, canvas.size + 1)), replace=False)
        _compare(net, ev, canvas, pos)
        ref = prog.evaluate(canvas)  # and the interpreter (the network's definition)
        got = ev.evaluate(canvas, pos)
        for key in ref:
            assert np.array_equal(got[key], ref[key][pos]), (mode, key)


def test_one_input_part_is_the_same_function():
    """Breakpoint evaluation of a wide one-input part equals ``W_out ReLU(W_in z + b)``, on
    random weights (zero slopes included) and inputs across and beyond every breakpoint."""
    rng = np.random.default_rng(1)
    width = 300
    w_in = torch.as_tensor(rng.normal(size=(width, 1)) * (rng.random((width, 1)) > 0.1))
    b_in = torch.as_tensor(rng.normal(size=width) * 5)
    w_out = torch.as_tensor(rng.normal(size=(2, width)))
    dims = torch.arange(1)
    part = LevelPart("p", dims, w_in, b_in, torch.arange(2), w_out)
    fast = OneInputPart(part)
    z = torch.as_tensor(np.concatenate([rng.normal(size=500) * 20, [-1e6, 1e6, 0.0]]))[:, None]
    want = torch.relu(z @ w_in.T + b_in) @ w_out.T
    got = fast.delta_from(z)
    assert torch.allclose(got, want, rtol=1e-9, atol=1e-9)
    assert torch.allclose(part.delta_from(z), want, rtol=0, atol=0)


def test_sparse_is_the_default_with_positions():
    net = compile_program(LIBRARY["histogram"]())
    canvas = np.array([1, 2, 1, 0, 5, 1])
    pos = np.array([4, 0, 2])
    assert net.sparse_evaluator() is not None
    got = net.evaluate(canvas, positions=pos)
    want = net.evaluate(canvas, positions=pos, sparse=False)
    assert np.array_equal(got["count"], want["count"])
    assert list(got["count"]) == [1, 3, 3]


def _theorem1_run(name: str, inputs: dict):  # noqa: ANN202
    prog = load_program(f"examples/pram/{name}.pram")
    con = Theorem1.build(prog, inputs, value_bits=weights_value_bits(prog, inputs))
    return con, con.run(record_canvases=True)


def test_theorem1_canvases_sparse_equals_dense():
    """Canvases of a Theorem 1 run (sum, n = 2; every third step, in run order, so the kept
    rows are reused across changed blocks) at the fillable block (the policy's positions) and
    at a random position subset (the dense reference costs ~1 s a canvas)."""
    con, rep = _theorem1_run("sum", {"A": [3, 4]})
    net = compile_program(con.program)
    ev = SparseEvaluator(net, poison=True)
    rng = np.random.default_rng(0)
    S = con.program.max_length
    for t, canvas in enumerate(rep.trace.canvases[::3]):
        pos = con.mdm.policy.positions(canvas)
        _compare(net, ev, canvas, np.concatenate([pos, rng.choice(S, size=20)]) if t % 2 else pos)


@pytest.mark.slow
def test_theorem1_prefix_sum_canvases_sparse_equals_dense():
    """The same on prefix_sum n = 4 (canvas 1,409; every fourth step: ~2 s each, dense)."""
    con, rep = _theorem1_run("prefix_sum", {"A": [3, 1, 4, 1]})
    net = compile_program(con.program)
    ev = SparseEvaluator(net, poison=True)
    for canvas in rep.trace.canvases[::4]:
        _compare(net, ev, canvas, con.mdm.policy.positions(canvas))


def test_theorem4_falls_back_to_the_dense_forward():
    """Theorem 4's step program has a ``true`` head (outside the restricted evaluator's domain)
    and only token-dependent keys: no sparse evaluator; ``positions=`` is then the dense forward
    read at those positions."""
    from constructions.pram_apmdm.construction import Theorem4

    con = Theorem4.build(load_program("examples/pram/prefix_sum.pram"), {"A": [3, 1]})
    net = compile_program(con.program)
    assert net.sparse_evaluator() is None
    canvas = con.initial_canvas()
    pos = np.array([0, len(canvas) - 1, 2])
    full = net.evaluate(canvas)
    part = net.evaluate(canvas, positions=pos)
    for key, want in full.items():
        assert np.array_equal(part[key], want[pos]), key
