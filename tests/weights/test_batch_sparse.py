"""The sparse evaluator on a batch of canvases (SparseEvaluator.evaluate_batch_float) equals the
same evaluator on each canvas alone -- also across calls in which some canvases change a few
tokens, some are unchanged and ask nothing (a halted run's slot), and across the program kinds
whose heads have static, token-dependent and no static components; and the batch's dense path
(stochastic programs) draws each run's random inputs as the run alone does."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from simulators.encoder import (  # noqa: E402
    Program,
    aggregate,
    ew,
    indices,
    random_uniform,
    select,
    tokens,
)
from simulators.encoder import library as lib  # noqa: E402
from simulators.weights import compile_program  # noqa: E402
from simulators.weights.batch import BatchEvaluation, Request  # noqa: E402
from simulators.weights.sparse import SparseEvaluator  # noqa: E402

TOL = 1e-9


def _block_head_program() -> Program:
    """A head with a static component (the block) and a token-dependent one (token mod 3), and
    one with no static component at all (every key a candidate)."""
    tok, idx = tokens(0, 7), indices()
    sel = select((ew("floordiv", idx, 3), ew("mod", tok, 3)),
                 (ew("floordiv", idx, 3), ew("mod", ew("add", tok, 1), 3)), ("==", "=="))
    same = select(ew("mod", tok, 2), ew("mod", tok, 2), "==")
    return Program({"out": aggregate(sel, ew("sub", tok, 3), "sum", default=-2),
                    "parity_count": aggregate(same, tok, "count", default=0)}, 15)


PROGRAMS = {
    "block_head": _block_head_program,
    "histogram": lambda: lib.histogram_program(6, 24),
    "previous_block": lambda: lib.previous_block_program(5, 3, 24),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_batch_equals_each_canvas_alone(name):
    prog = PROGRAMS[name]()
    net = compile_program(prog)
    batch_ev = SparseEvaluator(net, poison=True)  # an unwritten residual entry reads as NaN
    alone_ev = SparseEvaluator(net, poison=True)
    tok = next(n for n in prog.nodes if getattr(n, "kind", None) == "tokens")
    rng = np.random.default_rng(3)
    for length in (1, 7, prog.max_length):
        B = 4
        canvases = rng.integers(tok.lo, tok.hi + 1, size=(B, length))
        for call in range(4):  # later calls keep each run's token-local rows
            positions = [rng.choice(length, size=int(rng.integers(1, length + 1)),
                                    replace=False) for _ in range(B)]
            if call:  # run 1 has halted: its canvas stays, it asks nothing
                positions[1] = np.zeros(0, dtype=np.int64)
            got = batch_ev.evaluate_batch_float(canvases, positions)
            for b in range(B):
                want = alone_ev.evaluate_float(canvases[b], positions[b])
                for key, w in want.items():
                    assert got[b][key].shape == w.shape
                    assert np.array_equal(np.rint(got[b][key]), np.rint(w)), (name, b, key)
                    assert np.abs(got[b][key] - w).max(initial=0.0) < TOL
                # and the interpreter, the network's definition
                ref = prog.evaluate(canvases[b])
                for key in want:
                    assert np.array_equal(np.rint(got[b][key]), ref[key][positions[b]])
            for b in (0, 2, 3):  # a few tokens change in the runs still going
                flip = rng.choice(length, size=min(length, 2), replace=False)
                canvases[b, flip] = rng.integers(tok.lo, tok.hi + 1, size=flip.size)


def test_dense_batch_draws_each_runs_random_inputs_as_alone():
    """A stochastic program: the batch's one forward over runs of one length gives each run the
    outputs of that run alone with its own generator (same draws, same order); runs of other
    lengths go in their own forward."""
    tok = tokens(0, 5)
    noise_prog = Program({"y": ew("add", tok, random_uniform(0, 9))}, 12)
    net = compile_program(noise_prog)
    rng = np.random.default_rng(0)
    canvases = [rng.integers(0, 6, size=n) for n in (5, 5, 8, 5)]
    seeds = [11, 12, 13, 14]
    batch = BatchEvaluation(net, len(canvases))
    got = batch.evaluate([Request(s, c, np.random.default_rng(seeds[s]), None)
                          for s, c in enumerate(canvases)])
    for s, c in enumerate(canvases):
        want = net.evaluate(c, np.random.default_rng(seeds[s]))
        ref = noise_prog.evaluate(c, rng=np.random.default_rng(seeds[s]))
        assert np.array_equal(got[s]["y"], want["y"])
        assert np.array_equal(got[s]["y"], ref["y"])

