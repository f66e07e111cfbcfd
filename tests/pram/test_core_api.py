"""The stable Python API of docs/pram-isa.md on the two first examples."""

from __future__ import annotations

import numpy as np
import sympy

from simulators.pram import (
    MODE_IDLE,
    MODE_RUN,
    MODE_WAIT,
    MemoryModel,
    bind,
    compile_source,
    load_program,
    run,
)


def test_load_program_fields() -> None:
    prog = load_program("examples/pram/prefix_sum.pram")
    assert prog.model is MemoryModel.CREW
    assert prog.word_bits == 64
    assert prog.params == ("n",)
    assert [a.role for a in prog.arrays if a.name == "A"] == ["inout"]
    assert prog.n_registers == len(prog.register_names)
    assert prog.instructions[-1].op == "HALT"
    n = sympy.Symbol("n", integer=True, nonnegative=True)
    assert prog.bounds.processors.to_sympy() == n


def test_bind_layout_and_params() -> None:
    prog = load_program("examples/pram/prefix_sum.pram")
    b = bind(prog, {"A": [3, 1, 4]})
    assert b.sizes == {"n": 3}
    assert b.base["A"] == 0 and b.size["A"] == 3
    assert b.memory_size == 4  # A plus the hidden size-parameter cell
    assert b.initial_memory.tolist() == [3, 1, 4, 3]
    assert b.processors_bound == 3


def test_prefix_sum_and_sum_outputs() -> None:
    rng = np.random.default_rng(1)
    ps = load_program("examples/pram/prefix_sum.pram")
    sm = load_program("examples/pram/sum.pram")
    for n in (1, 2, 3, 7, 8, 33):
        a = rng.integers(-50, 50, n)
        r = run(ps, {"A": a})
        assert r.output["A"] == np.cumsum(a).tolist()
        assert r.steps <= r.bounds["time"] and r.processors <= r.bounds["processors"]
        r2 = run(sm, {"A": a})
        assert r2.output["S"] == [int(a.sum())]


def test_trace_states() -> None:
    prog = load_program("examples/pram/prefix_sum.pram")
    res = run(prog, {"A": [3, 1, 4]}, trace=True)
    tr = res.trace
    assert tr is not None and len(tr) == res.steps + 1
    assert tr[0].mode.tolist() == [MODE_RUN, MODE_IDLE, MODE_IDLE]
    assert tr[0].regs.shape == (3, prog.n_registers)
    assert tr[-1].memory[:3].tolist() == [3, 4, 8]
    modes = {int(m) for s in tr for m in s.mode}
    assert modes == {MODE_RUN, MODE_WAIT, MODE_IDLE}
    # The number of RUN processors summed over steps is the work.
    assert sum(int((s.mode == MODE_RUN).sum()) for s in tr[:-1]) >= res.work - res.steps
    all_writes = np.concatenate([s.writes for s in tr])
    assert all_writes.shape[1] == 3 and len(all_writes) > 0


def test_compile_source_inline() -> None:
    prog = compile_source(
        "program t model EREW input A[n] output A processors n time 12 "
        "begin for i in 0..n-1 pardo A[i] := 2*A[i] end end")
    assert run(prog, {"A": [1, 2, 3]}).output == {"A": [2, 4, 6]}
