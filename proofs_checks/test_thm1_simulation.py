"""Theorem 1 as assertions: the MDM built from any PRAM program outputs what the machine outputs,
in T + 1 decoding steps, with context exactly n_in + T*P*K + n_out, and a per-step network whose
depth does not depend on n and whose width grows at most logarithmically.

Every example program of examples/pram/ and hypothesis-drawn random programs (all memory models,
loops, branches, indirect addressing, divergent pardo bodies) are checked. Default: n = 2^2 .. 2^8
for prefix_sum and sum, small sizes for the others; ``--run-slow`` sweeps n = 2^2 .. 2^8 for every
example where that is fast enough.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from constructions.pram_mdm import build_pram_mdm, run_built
from constructions.pram_mdm.layout import MODE_HALTED, MODE_RUN
from proofs_checks.report import record
from proofs_checks.thm4_examples import EXAMPLE_INPUTS
from simulators.errors import BoundExceeded, ProjectError, RuntimeFault
from simulators.pram import load_program, run
from simulators.testing.pram_programs import MODELS, PramCase, pram_cases


def _examples(default: int) -> int:
    """``default`` under the fast profile; proportionally more under ``thorough``."""
    return max(default, settings().max_examples * default // 25)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "pram"
# Default sizes per example: the cheap ones (T(n)*P(n) small) at n = 4 (and 8); the two
# logarithmic-time workhorses sweep the n = 2^2 .. 2^8 even in the default run.
_POW2_SWEEP = tuple(2**k for k in range(2, 9))
DEFAULT_SIZES = {"prefix_sum": _POW2_SWEEP, "sum": _POW2_SWEEP, "broadcast_erew": (4, 8),
                 "or_crcw": (4, 8), "list_ranking": (4,), "sort": (4,), "max_crcw": (4,),
                 "dyck1": (4,)}
# The sweep: sizes 2^2 .. 2^8, capped per example where the canvas T*P*K grows too fast.
SWEEP_MAX = {"prefix_sum": 256, "sum": 256, "broadcast_erew": 256, "or_crcw": 256,
             "list_ranking": 128, "dyck1": 128, "blelloch_scan": 128, "sort": 16,
             "max_crcw": 16, "matvec": 8, "connected_components": 4, "iterated_squaring": 4,
             "long_loop": 8, "binary_counter": 4, "sat_backtrack": 0,
             "qbf": 0}


def _example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.pram"))


def check_case(name: str, prog, inputs, params) -> dict:  # noqa: ANN001 - program objects
    """Run machine and MDM; assert Theorem 1's claims for this input; return measurements."""
    try:
        ref = run(prog, inputs, params)
    except ProjectError as err:  # the MDM must report the same kind of failure, not an output
        expected = BoundExceeded if isinstance(err, BoundExceeded) else RuntimeFault
        with pytest.raises(expected if isinstance(err, RuntimeFault) else ProjectError):
            run_built(build_pram_mdm(prog, inputs, params))
        record("Theorem 1", num_failures_reproduced=1)
        return {}
    mdm = build_pram_mdm(prog, inputs, params)
    res = run_built(mdm)
    lay = mdm.layout
    assert res.output == ref.output, f"{name}: MDM output differs from the PRAM machine"
    # One decoding step per PRAM step plus one that fills the rest after HALT.
    assert res.decoding_steps == ref.steps + 1 <= lay.T + 1
    assert res.pram_steps == ref.steps
    # Context: n_in + T*P*K + n_out -- c = K (a constant of the program) times P*T, plus O(n).
    assert lay.n_in + lay.T * lay.P * lay.K + lay.n_out == lay.S
    n = max(lay.n_in + lay.n_out, 1)
    assert lay.K * lay.P * lay.T + n >= lay.S
    return {"S": lay.S, "P": lay.P, "T": lay.T, "K": lay.K, "n_io": n, "steps": res.decoding_steps,
            "pram_steps": ref.steps, "depth": res.depth, "width": res.width_bits}


def _record(name: str, n: int, m: dict) -> None:
    if m:
        record("Theorem 1", program=name, num_inputs=1, max_n=n,
               max_steps_over_T=(m["steps"] - 1) / m["T"],
               max_context_over_PT=(m["S"] - m["n_io"]) / (m["P"] * m["T"]),
               max_record_tokens_K=m["K"], depth_by_n={n: m["depth"]})


def example_inputs(name: str, prog, n: int, rng: np.random.Generator) -> tuple[dict, dict]:  # noqa: ANN001
    """The example's own input contract when known (thm4_examples), else small random values
    for every input array of size n (an example added later still gets checked)."""
    if name in EXAMPLE_INPUTS:
        return EXAMPLE_INPUTS[name](n, rng)
    arrays = [a for a in prog.arrays
              if a.role in ("input", "inout") and not a.name.startswith("__")]
    if any(str(a.size.to_sympy()) != "n" for a in arrays):
        pytest.skip(f"{name}: no input generator for its array sizes")
    return {a.name: [int(v) for v in rng.integers(-9, 10, size=n)] for a in arrays}, {}


def _sweep(name: str, sizes: tuple[int, ...]) -> dict[int, dict]:
    prog = load_program(str(EXAMPLES / f"{name}.pram"))
    rng = np.random.default_rng(sum(map(ord, name)))
    out = {}
    for n in sizes:
        inputs, params = example_inputs(name, prog, n, rng)
        out[n] = check_case(name, prog, inputs, params)
        _record(name, n, out[n])
    return out


def _assert_uniform(name: str, measured: dict[int, dict]) -> None:
    """Depth identical across n; width grows at most logarithmically (its growth per doubling
    of n does not increase)."""
    ms = {n: m for n, m in measured.items() if m}
    depths = {m["depth"] for m in ms.values()}
    assert len(depths) <= 1, f"{name}: encoder depth varies with n: {depths}"
    ns = sorted(ms)
    steps = [(ms[b]["width"] - ms[a]["width"]) / max(math.log2(b / a), 1e-9)
             for a, b in zip(ns, ns[1:], strict=False)]
    if len(steps) >= 2:
        assert max(steps[1:]) <= max(steps[0], 0) + 64, f"{name}: width grows faster than log n"


@pytest.mark.parametrize("name", sorted(DEFAULT_SIZES))
def test_thm1_example_outputs_match_the_pram_machine(name: str) -> None:
    _assert_uniform(name, _sweep(name, DEFAULT_SIZES[name]))


@pytest.mark.slow
@pytest.mark.parametrize("name", _example_names())
def test_thm1_example_sweep_2_to_2pow8(name: str) -> None:
    cap = SWEEP_MAX.get(name, 8)
    sizes = tuple(2**k for k in range(2, 9) if 2**k <= cap)
    if not sizes:
        pytest.skip(f"{name}: exponential T(n); its canvas is too large even at n = 4")
    _assert_uniform(name, _sweep(name, sizes))


def _check_random(case: PramCase) -> None:
    m = check_case("random", case.program, case.inputs, None)
    assert m, "the strategy promises fault-free programs"
    _record("random:" + case.model, len(case.inputs["A"]), m)
    record("Theorem 1", set_models=case.model, num_random_programs=1)


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=_examples(3))
@given(data=st.data())
def test_thm1_random_programs_match_the_pram_machine(model: str, data: st.DataObject) -> None:
    """Every memory model, each with freshly drawn programs (more under ``thorough``)."""
    _check_random(data.draw(pram_cases(models=(model,), min_n=2, max_n=4, max_steps=60)))


@pytest.mark.slow
@settings(max_examples=_examples(60))
@given(pram_cases(max_n=6, max_steps=250))
def test_thm1_random_programs_thorough(case: PramCase) -> None:
    _check_random(case)


def test_thm1_halted_record_is_the_machines_final_state() -> None:
    """Processor 0's record after HALT shows HALTED where the machine keeps RUN at the HALT pc:
    the only (documented) difference between a decoded block and a machine state."""
    prog = load_program(str(EXAMPLES / "prefix_sum.pram"))
    mdm = build_pram_mdm(prog, {"A": [1, 2, 3]})
    res = run_built(mdm)
    ref = run(prog, {"A": [1, 2, 3]}, trace=True)
    from constructions.pram_mdm import decode_block

    last = decode_block(mdm.layout, res.trace.final, ref.steps)
    assert last.mode[0] == MODE_HALTED and ref.trace[-1].mode[0] == MODE_RUN
    assert last.pc[0] == ref.trace[-1].pc[0]
