"""The restricted evaluation mode (``Program.evaluate(canvas, positions=...)``) gives exactly the
full evaluation's values at the requested positions -- on random equality-head programs (static
and token-dependent keys, every aggregation mode), on canvases of changing length through one
program object (its per-length caches), and on any subset of positions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulators.encoder import MODES, Program, Seq, aggregate, const, ew, indices, select, tokens
from simulators.errors import EncoderProgramError

HI = 5


@st.composite
def equality_programs(draw: st.DrawFn, max_length: int = 16) -> Program:
    tok, idx = tokens(0, HI), indices()
    pool: list[Seq] = [tok, idx, const(draw(st.integers(0, 3))), ew("add", idx, 1),
                       ew("sub", idx, draw(st.integers(1, 3))), ew("mod", tok, 2)]
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            a, b = draw(st.sampled_from(pool)), draw(st.sampled_from(pool))
            pool.append(ew(draw(st.sampled_from(["add", "max", "eq", "sub"])), a, b))
            continue
        atoms = draw(st.integers(1, 2))
        keys = tuple(draw(st.sampled_from(pool)) for _ in range(atoms))
        queries = tuple(draw(st.sampled_from(pool)) for _ in range(atoms))
        pool.append(aggregate(select(keys, queries, ("==",) * atoms),
                              draw(st.sampled_from(pool)), draw(st.sampled_from(MODES)),
                              default=draw(st.integers(-3, 3))))
    return Program({f"o{i}": s for i, s in enumerate(pool[-3:])}, max_length)


@given(equality_programs(), st.lists(st.lists(st.integers(0, HI), min_size=1, max_size=16),
                                     min_size=1, max_size=4), st.randoms())
def test_restricted_equals_full_evaluation(prog: Program, rows: list[list[int]], rnd) -> None:  # type: ignore[no-untyped-def]
    for row in rows:  # one program object, canvases of different lengths in turn
        canvas = np.array(row, dtype=np.int64)
        full = prog.evaluate(canvas)
        k = rnd.randint(0, len(row))
        pos = np.array(sorted(rnd.sample(range(len(row)), k)), dtype=np.int64)
        part = prog.evaluate(canvas, positions=pos)
        for name in prog.outputs:
            assert np.array_equal(part[name], full[name][pos]), name


def test_restricted_refuses_what_it_cannot_evaluate() -> None:
    tok, idx = tokens(0, HI), indices()
    order = Program({"o": aggregate(select(idx, idx, "<"), tok, "max", default=0)}, 8)
    with pytest.raises(EncoderProgramError, match="equality"):
        order.evaluate(np.zeros(4, dtype=np.int64), positions=np.array([1]))
    prog = Program({"o": tok}, 8)
    with pytest.raises(EncoderProgramError):
        prog.evaluate(np.zeros(4, dtype=np.int64), positions=np.array([4]))
    with pytest.raises(EncoderProgramError):
        prog.evaluate(np.zeros((2, 4), dtype=np.int64), positions=np.array([1]))
