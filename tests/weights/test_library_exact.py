"""Compiled networks equal the interpreter on every library program (float64, random canvases)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from simulators.encoder import Program, aggregate, ew, indices, select, tokens  # noqa: E402
from simulators.encoder import library as lib  # noqa: E402
from simulators.weights import compile_program  # noqa: E402

LIBRARY = {
    "histogram": lambda: lib.histogram_program(6, 16),
    "sort_distinct": lambda: lib.sort_distinct_program(8, 8),
    "reverse": lambda: lib.reverse_program(5, 16),
    "dyck1": lambda: lib.dyck1_program(16),
    "prefix_sum": lambda: lib.prefix_sum_program(-3, 5, 16),
    "most_recent_write": lambda: lib.most_recent_write_program(4, 8, 16),
    "previous_block": lambda: lib.previous_block_program(5, 3, 16),
}


def _canvases(prog: Program, rng: np.random.Generator, trials: int):
    tok = next(n for n in prog.nodes if getattr(n, "kind", None) == "tokens")
    for _ in range(trials):
        n = int(rng.integers(1, prog.max_length + 1))
        if prog.name.startswith("sort"):  # distinct tokens by contract
            yield rng.permutation(np.arange(tok.lo, tok.hi + 1))[:n]
        else:
            yield rng.integers(tok.lo, tok.hi + 1, size=(3, n))


def _check(prog: Program, net, canvas) -> float:
    ref = prog.evaluate(canvas)
    got = net.evaluate_float(canvas)
    worst = 0.0
    for key, want in ref.items():
        assert np.array_equal(np.rint(got[key]).astype(np.int64), want), (prog.name, key, canvas)
        worst = max(worst, float(np.abs(got[key] - want).max(initial=0.0)))
    return worst


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_library_program_exact(name):
    prog = LIBRARY[name]()
    net = compile_program(prog)
    rng = np.random.default_rng(11)
    worst = max(_check(prog, net, c) for c in _canvases(prog, rng, 12))
    assert worst < 1e-6  # far from the rounding boundary 0.5


def _single_head_program(pred: str, mode: str, default: int) -> Program:
    tok = tokens(0, 7)
    idx = indices()
    key = ew("mod", tok, 4)
    sel = select((key, idx), (ew("floordiv", tok, 2), idx), (pred, "!="))
    return Program({"out": aggregate(sel, ew("sub", tok, 3), mode, default=default)}, 12)


@pytest.mark.parametrize("pred", ["==", "!=", "<", "<=", ">", ">="])
@pytest.mark.parametrize("mode", ["mean", "sum", "count", "leftmost", "rightmost", "max", "min"])
def test_every_predicate_and_mode(pred, mode):
    prog = _single_head_program(pred, mode, default=-2)
    net = compile_program(prog)
    rng = np.random.default_rng(3)
    for _ in range(4):
        canvas = rng.integers(0, 8, size=(4, int(rng.integers(1, 13))))
        _check(prog, net, canvas)


def test_general_arithmetic_is_bit_level():
    """mul / floordiv / mod of two variables: exact, and no realisation as wide as the pair
    domain (|A| * |B| = 4096 here)."""
    tok = tokens(0, 63)
    a, b = ew("floordiv", tok, 8), ew("add", ew("mod", tok, 8), 1)
    prog = Program({"mul": ew("mul", a, ew("sub", b, 4)),
                    "div": ew("floordiv", ew("sub", tok, 20), b),
                    "mod": ew("mod", ew("sub", tok, 20), ew("neg", b))}, 8)
    net = compile_program(prog)
    _check(prog, net, np.arange(64).reshape(8, 8))
    assert net.size()["max_hidden_width"] < 200


def test_deliberately_wrong_weight_is_caught():
    """The comparison can fail: perturb one MLP weight and the outputs differ."""
    prog = LIBRARY["dyck1"]()
    net = compile_program(prog)
    level = next(m for kind, mods in net.stack
                 if kind == "mlp" for m in mods)
    with torch.no_grad():
        level.w_out[0, 0] += 1.0
    canvas = np.random.default_rng(0).integers(0, 2, size=(8, 16))
    ref = prog.evaluate(canvas)
    got = net.evaluate(canvas)
    assert any(not np.array_equal(got[k], ref[k]) for k in ref)
