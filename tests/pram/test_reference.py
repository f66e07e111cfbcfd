"""The vectorised machine and its sequential fast path against the clarity-first reference
interpreter (simulators/pram/reference.py): every example, every step's state, faults.

Every example is run three ways -- the machine without a trace (fast path for sequential
stretches, liveness-pruned FORK copies), the machine with a trace (vector path only), the
reference -- and must give the same output and counts; the traced machine and the reference
must agree on the whole state (pc, registers, mode, memory) after every step.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from simulators.errors import FaultKind, RuntimeFault
from simulators.pram import compile_source, load_program, run
from simulators.pram.example_inputs import EXAMPLE_INPUTS, example_names, example_path
from simulators.pram.reference import run_reference
from simulators.testing.pram_conflicts import conflict_cases
from simulators.testing.pram_programs import PramCase, pram_cases

#: Sizes per example: small enough for the reference's Python loop, large enough to branch.
SIZES = {"binary_counter": (0, 1, 3), "iterated_squaring": (0, 1, 3), "long_loop": (0, 1, 4),
         "sat_backtrack": (1, 2), "qbf": (1, 2), "connected_components": (1, 4),
         "matvec": (0, 1, 3)}
DEFAULT_SIZES = (0, 1, 2, 5, 8)


def _cases() -> list[tuple[str, int]]:
    return [(name, n) for name in example_names() for n in SIZES.get(name, DEFAULT_SIZES)]


def test_every_example_has_inputs() -> None:
    """No example escapes the comparison (a new example adds its inputs to example_inputs)."""
    missing = [name for name in example_names() if name not in EXAMPLE_INPUTS]
    assert not missing, f"add inputs for {missing} to simulators/pram/example_inputs.py"


@pytest.mark.parametrize("name,n", _cases())
def test_machine_and_fast_path_equal_the_reference(name: str, n: int) -> None:
    if name not in EXAMPLE_INPUTS:
        pytest.fail(f"no inputs for example {name}")
    prog = load_program(example_path(name))
    inputs, params = EXAMPLE_INPUTS[name](n, np.random.default_rng(100 + n))
    ref = run_reference(prog, inputs, params, trace=True, max_steps=200_000)
    fast = run(prog, inputs, params)
    traced = run(prog, inputs, params, trace=True)
    for res in (fast, traced):
        assert (res.output, res.steps, res.work, res.processors, res.memory_cells) == (
            ref.output, ref.steps, ref.work, ref.processors, ref.memory_cells)
    assert traced.trace is not None and len(traced.trace) == len(ref.states)
    for t, (mine, want) in enumerate(zip(traced.trace, ref.states, strict=True)):
        assert mine.pc.tolist() == want.pc, f"pc after step {t}"
        assert mine.mode.tolist() == want.mode, f"modes after step {t}"
        assert mine.regs.tolist() == want.regs, f"registers after step {t}"
        assert mine.memory.tolist() == want.memory, f"memory after step {t}"


def _outcome(fn):  # noqa: ANN001, ANN202
    try:
        return ("ok", fn().output)
    except RuntimeFault as err:
        rec = err.record
        assert rec is not None, f"a runtime fault without a record: {err}"
        return ("fault", rec.kind, rec.step, rec.processors[:1], rec.address)


def _src(body: str, model: str = "CRCW-sum", word: int = 64, procs: str = "n") -> str:
    word_line = f"word {word}\n" if word != 64 else ""
    return (f"program t\nmodel {model}\n{word_line}input A[n]\noutput B[n]\n"
            f"processors {procs}\ntime 200\nbegin\n{body}\nend\n")


#: Several faults in one step: the lowest processor id involved decides (docs/pram-isa.md).
MULTI_FAULT = [
    # one instruction, two faults: -128 // 0 (domain) and -128 // -1 (overflow)
    ("for i in 0 .. n-1 pardo\n  x := A[i]\n  B[i] := -128 // x\nend", "CRCW-sum", 8, [0, -1],
     FaultKind.DOMAIN),
    ("for i in 0 .. n-1 pardo\n  x := A[i]\n  B[i] := -128 // x\nend", "CRCW-sum", 8, [-1, 0],
     FaultKind.OVERFLOW),
    ("for i in 0 .. n-1 pardo\n  x := A[i]\n  B[i] := x * x\nend", "EREW", 8, [3, 12],
     FaultKind.OVERFLOW),
    # one STORE B[A[i]]: processors 0, 1 write B[0] (EREW conflict), processor 2 is out of bounds
    ("for i in 0 .. n-1 pardo\n  x := A[i]\n  B[x] := i\nend", "EREW", 64, [0, 0, 9],
     FaultKind.WRITE_CONFLICT),
    # ... and processor 0 out of bounds, processors 1, 2 write one cell
    ("for i in 0 .. n-1 pardo\n  x := A[i]\n  B[x] := i\nend", "CREW", 64, [9, 0, 0],
     FaultKind.OUT_OF_BOUNDS),
    # processors 2, 3 read A[0] (EREW read conflict), processors 0, 1 write B[0] (write conflict)
    ("for i in 0 .. n-1 pardo\n  if i < 2 then\n    B[0] := i\n  else\n    x := A[0]\n"
     "  end\nend", "EREW", 64, [1, 2, 3, 4], FaultKind.WRITE_CONFLICT),
    ("for i in 0 .. n-1 pardo\n  if i < 2 then\n    x := A[0]\n  else\n    B[0] := i\n"
     "  end\nend", "EREW", 64, [1, 2, 3, 4], FaultKind.READ_CONFLICT),
    # combined sum overflow by processors 0, 1; processor 2 divides by zero
    ("for i in 0 .. n-1 pardo\n  x := A[i]\n  if i < 2 then\n    B[0] := x\n  else\n"
     "    B[1] := 5 // (x - x)\n  end\nend", "CRCW-sum", 8, [100, 100, 1], FaultKind.OVERFLOW),
]


@pytest.mark.parametrize("body,model,word,a,kind", MULTI_FAULT)
def test_the_lowest_faulting_processor_is_reported(body: str, model: str, word: int,
                                                   a: list[int], kind: FaultKind) -> None:
    prog = compile_source(_src(body, model, word), "f.pram")
    ref = _outcome(lambda: run_reference(prog, {"A": a}))
    assert ref[0] == "fault" and ref[1] is kind
    assert _outcome(lambda: run(prog, {"A": a})) == ref
    assert _outcome(lambda: run(prog, {"A": a}, trace=True)) == ref


@pytest.mark.parametrize("model", ["EREW", "CREW", "CRCW-common", "CRCW-arbitrary",
                                   "CRCW-priority", "CRCW-sum", "CRCW-min", "CRCW-max"])
@pytest.mark.parametrize("values", [[5, 9, -3], [7, 7, 7]])
def test_write_rules_equal_the_reference(model: str, values: list[int]) -> None:
    body = "for i in 0 .. n-1 pardo\n  x := A[i]\n  B[0] := x\nend"
    prog = compile_source(_src(body, model, 8), "w.pram")
    ref = _outcome(lambda: run_reference(prog, {"A": values}))
    assert _outcome(lambda: run(prog, {"A": values})) == ref
    assert _outcome(lambda: run(prog, {"A": values}, trace=True)) == ref


def test_reference_checks_bounds_and_limits() -> None:
    prog = compile_source(_src("while 1 do\n  skip\nend").replace("time 200", "time 9"))
    for runner in (run_reference, run):
        with pytest.raises(RuntimeFault) as info:
            runner(prog, {"A": [1]})  # type: ignore[operator]
        record = info.value.record
        assert record is not None and record.kind is FaultKind.TIME and record.step == 10


def _record(fn):  # noqa: ANN001, ANN202
    """The full comparable outcome: output, or the fault record (kind, step, pids, address)."""
    try:
        return ("ok", fn().output)
    except RuntimeFault as err:
        rec = err.record
        assert rec is not None, f"a runtime fault without a record: {err}"
        return ("fault", rec.kind, rec.step, rec.processors, rec.address)


def _machine_equals_reference(case: PramCase) -> None:
    prog, inputs = case.program, case.inputs
    ref = _record(lambda: run_reference(prog, inputs))
    assert _record(lambda: run(prog, inputs)) == ref, case.source
    assert _record(lambda: run(prog, inputs, trace=True)) == ref, case.source


@settings(deadline=None)
@given(pram_cases(edges=False))
def test_random_programs_equal_the_reference(case: PramCase) -> None:
    _machine_equals_reference(case)


@settings(deadline=None)
@given(pram_cases(edges=True))
def test_random_faulting_programs_equal_the_reference(case: PramCase) -> None:
    """Narrow words, edge values, unguarded operators: the same output or the same fault record
    (kind, step, processors, address) as the reference."""
    _machine_equals_reference(case)


@settings(deadline=None)
@given(conflict_cases())
def test_forced_concurrent_writes_equal_the_reference(case: PramCase) -> None:
    _machine_equals_reference(case)
