"""Theorem 4, correctness and cost: the AP-MDM built from a PRAM program reproduces the PRAM
machine -- its output, and its whole state after every step -- in exactly 2T + 2 decoding steps,
with a canvas bounded by the memory in use and the processor records, never by T.

Checked on every example program and on random terminating programs of every memory model
(the same strategy as Theorem 1's checks).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from constructions.pram_apmdm import run as apmdm_run
from constructions.pram_apmdm.simulate import APMDMRun, machine_mode
from proofs_checks.report import record
from proofs_checks.thm4_examples import (
    DEFAULT_N,
    EXAMPLE_INPUTS,
    example_names,
    example_path,
    example_run,
)
from simulators.pram import CompiledProgram, RunResult, load_program
from simulators.pram import run as pram_run
from simulators.testing.pram_programs import PramCase, pram_cases

#: Steps: exactly two AP-MDM steps per PRAM step (even: insert/delete, odd: unmask/remask),
#: plus one step deleting the last stale masks and one fixed-point step.
STEPS_PER_PRAM_STEP = 2
STEPS_EXTRA = 2

#: Largest sizes the slow checks run the exponential-time / cubic-processor examples at.
SLOW_CAP = {"binary_counter": 6, "sat_backtrack": 3, "qbf": 3, "connected_components": 6}


def canvas_bound(r: APMDMRun) -> int:
    """Theorem 4's space claim, our constant: one clock, one record of R + 2 tokens per
    processor, one token per memory cell in use -- each at most doubled by a scratch mask."""
    R = r.construction.program.n_registers
    return 2 * (1 + r.processors * (R + 2) + r.memory_cells)


def check_run(r: APMDMRun, m: RunResult, lockstep: bool) -> None:
    """All of Theorem 4's per-run claims for one program and input."""
    assert r.output == m.output, "output differs from the PRAM machine"
    assert r.pram_steps == m.steps
    assert r.decoding_steps == STEPS_PER_PRAM_STEP * m.steps + STEPS_EXTRA
    # Memory on the canvas = inputs + addresses written: never more than the machine's count
    # of cells in use (reads of never-written cells cost nothing: they read as 0).
    assert r.memory_cells <= m.memory_cells
    assert r.max_context_length <= canvas_bound(r)
    if lockstep:
        assert r.states is not None and m.trace is not None
        assert len(r.states) == len(m.trace) == m.steps + 1
        for t, (ours, ref) in enumerate(zip(r.states, m.trace, strict=True)):
            assert np.array_equal(ours.memory, ref.memory), f"memory after step {t}"
            assert np.array_equal(ours.pc, ref.pc), f"pc after step {t}"
            assert np.array_equal(machine_mode(ours.mode), ref.mode), f"modes after step {t}"
            assert np.array_equal(ours.regs, ref.regs), f"registers after step {t}"


def run_both(prog: CompiledProgram, inputs: dict, params: dict | None,
             lockstep: bool) -> tuple[APMDMRun, RunResult]:
    return (apmdm_run(prog, inputs, params, trace=lockstep),
            pram_run(prog, inputs, params, trace=lockstep))


def _record(name: str, n: int, r: APMDMRun, m: RunResult, lockstep: bool) -> None:
    record("Theorem 4", program=name, num_inputs=1, max_n=n,
           max_steps_over_T=r.decoding_steps / m.steps,
           max_canvas_over_S_plus_P=r.max_context_length / (m.memory_cells + r.processors),
           num_lockstep_runs=int(lockstep), depth_by_n={n: r.depth})


@pytest.mark.parametrize("name", example_names())
def test_every_example_matches_the_machine_in_lockstep(name: str) -> None:
    if name not in EXAMPLE_INPUTS:
        pytest.skip(f"no input generator for example {name!r} in proofs_checks/thm4_examples.py")
    n = DEFAULT_N.get(name, 4)
    r, m = example_run(name, n, True)
    check_run(r, m, lockstep=True)
    _record(name, n, r, m, True)


@pytest.mark.slow
@pytest.mark.parametrize("name", example_names())
@pytest.mark.parametrize("n", [3, 8, 16])
def test_every_example_larger_sizes(name: str, n: int) -> None:
    if name not in EXAMPLE_INPUTS:
        pytest.skip(f"no input generator for example {name!r}")
    # The exponential-time examples are capped (T ~ 32 * 2^n and ~ m * 2^n PRAM steps).
    n = min(n, SLOW_CAP.get(name, n))
    prog = load_program(example_path(name))
    inputs, params = EXAMPLE_INPUTS[name](n, np.random.default_rng(n))
    r, m = run_both(prog, inputs, params, lockstep=False)
    check_run(r, m, lockstep=False)
    _record(name, n, r, m, False)


#: Fewer examples than the default profile's 25 (each runs the AP-MDM in lock-step); the
#: thorough profile keeps its own, larger count.
_RANDOM_EXAMPLES = 8 if settings().max_examples <= 25 else settings().max_examples


@settings(max_examples=_RANDOM_EXAMPLES)
@given(pram_cases(max_n=3, max_steps=100))
def test_random_programs_match_the_machine_in_lockstep(case: PramCase) -> None:
    r, m = run_both(case.program, case.inputs, None, lockstep=True)
    check_run(r, m, lockstep=True)
    assert r.output == case.output
    record("Theorem 4", program="random", claim="random programs (all memory models)",
           num_inputs=1, set_models=case.model, max_steps_over_T=r.decoding_steps / m.steps)


@pytest.mark.slow
@given(pram_cases(max_n=6, max_steps=400))
def test_random_programs_thorough(case: PramCase) -> None:
    check_run(*run_both(case.program, case.inputs, None, lockstep=True), lockstep=True)
