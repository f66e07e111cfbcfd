"""The Theorem-1 construction's parts: layout arithmetic, simulated faults, the time-bound
violation, limits refused before allocating."""

from __future__ import annotations

import numpy as np
import pytest

from constructions.pram_mdm import build_pram_mdm, run_built
from constructions.pram_mdm.layout import F_MODE, F_PC, F_REG0
from simulators.errors import BoundExceeded, LimitExceeded, RuntimeFault, UsageError
from simulators.pram import compile_source, run

HEADER = "program t\nmodel {model}\n{word}input A[n]\noutput B[n]\nprocessors n\ntime {time}\n"


def _prog(body: str, model: str = "CRCW-priority", time: int = 60, word: int | None = None):  # noqa: ANN202
    head = HEADER.format(model=model, time=time, word=f"word {word}\n" if word else "")
    return compile_source(head + "begin\n" + body + "\nend\n", "<test>")


def test_layout_positions_are_a_bijection() -> None:
    prog = _prog("for i in 0 .. n - 1 pardo\n  B[i] := A[i]\nend")
    lay = build_pram_mdm(prog, {"A": [1, 2, 3]}).layout
    seen = set()
    for t in range(1, lay.T + 1):
        for p in range(lay.P):
            for f in range(lay.K):
                pos = lay.record_pos(t, p, f)
                assert lay.block_of(pos) == t
                seen.add(pos)
    assert seen == set(range(lay.n_in, lay.out_start))
    assert lay.n_in + lay.T * lay.P * lay.K + lay.n_out == lay.S
    canvas = np.arange(lay.S)
    state = lay.block_state(canvas, 2)
    assert state[1, F_PC] == lay.record_pos(2, 1, F_PC)
    assert state[2, F_REG0 + 1] == lay.record_pos(2, 2, F_REG0 + 1)
    assert lay.block_writes(canvas, 3)[1, 1] == lay.record_pos(3, 1, lay.f_wv)
    assert state[0, F_MODE] == lay.block_start(2)


FAULTS = [
    ("division by zero", "x := A[0] // A[1]\nB[0] := x", "CREW", [4, 0], None),
    ("index out of bounds", "B[A[0]] := 1", "CREW", [5, 0], None),
    ("EREW concurrent write", "for i in 0 .. n - 1 pardo\n  B[0] := i\nend", "EREW", [1, 2], None),
    ("EREW concurrent read", "for i in 0 .. n - 1 pardo\n  B[i] := A[0]\nend", "EREW", [1, 2],
     None),
    ("CREW concurrent write", "for i in 0 .. n - 1 pardo\n  B[0] := 1\nend", "CREW", [1, 2], None),
    ("common disagreeing writes", "for i in 0 .. n - 1 pardo\n  B[0] := i\nend", "CRCW-common",
     [1, 2], None),
    ("overflow of a narrow word", "B[0] := A[0] * A[1]", "CREW", [100, 100], 8),
    ("processors bound", "for i in 0 .. n pardo\n  B[0] := 1\nend", "CRCW-arbitrary", [1, 2],
     None),
]


@pytest.mark.parametrize(("label", "body", "model", "values", "word"), FAULTS,
                         ids=[f[0] for f in FAULTS])
def test_simulated_faults_match_the_machine(label: str, body: str, model: str,
                                            values: list[int], word: int | None) -> None:
    prog = _prog(body, model=model, word=word)
    inputs = {"A": values}
    with pytest.raises(RuntimeFault) as machine:
        run(prog, inputs)
    with pytest.raises(RuntimeFault) as mdm:
        run_built(build_pram_mdm(prog, inputs))
    assert isinstance(mdm.value, BoundExceeded) == isinstance(machine.value, BoundExceeded)
    assert "step" in mdm.value.message


def test_run_longer_than_declared_time_is_a_bound_violation() -> None:
    prog = _prog("for i in 0 .. n - 1 pardo\n  B[i] := A[i] + 1\nend", time=200)
    steps = run(prog, {"A": [1, 2]}).steps
    short = _prog("for i in 0 .. n - 1 pardo\n  B[i] := A[i] + 1\nend", time=steps - 1)
    with pytest.raises(BoundExceeded, match="did not halt within the declared T"):
        run_built(build_pram_mdm(short, {"A": [1, 2]}))
    exact = _prog("for i in 0 .. n - 1 pardo\n  B[i] := A[i] + 1\nend", time=steps)
    assert run_built(build_pram_mdm(exact, {"A": [1, 2]})).output == {"B": [2, 3]}


def test_halting_early_fills_the_rest_in_one_step() -> None:
    prog = _prog("B[0] := A[0] + A[1]", time=40)
    res = run_built(build_pram_mdm(prog, {"A": [2, 3]}))
    assert res.output == {"B": [5, 0]}
    assert res.decoding_steps == res.pram_steps + 1 < 40


def test_limits_are_refused_before_allocating() -> None:
    prog = _prog("B[0] := 1", time=10**7)
    with pytest.raises(LimitExceeded, match="max_context"):
        build_pram_mdm(prog, {"A": [1, 2, 3]})
    with pytest.raises(UsageError, match="value_bits"):
        build_pram_mdm(_prog("B[0] := 1"), {"A": [1]}, value_bits=40)
    with pytest.raises(UsageError, match="token range"):  # as the machine: input outside the word
        run_built(build_pram_mdm(_prog("B[0] := A[0]"), {"A": [10**9]}))
