"""Theorem 1, symbolically: the construction states its context length and decoding-step bound
as sympy expressions in n built from the program's declared P(n), T(n) and its layout; they
match the measured values at every size tried, and S(n) / (P(n) T(n) + n) and steps(n) / T(n)
stay bounded as n -> infinity (sympy limits), i.e. S = O(P T + n) and steps = O(T).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sympy

from constructions.pram_mdm import build_pram_mdm, make_layout, run_built
from constructions.pram_mdm.construction import Theorem1
from constructions.pram_mdm.symbolic import context_length, decoding_steps_bound, size_symbols
from proofs_checks.report import record
from proofs_checks.thm4_examples import EXAMPLE_INPUTS
from simulators.pram import bind, load_program
from simulators.pram.isa import PARAMS_ARRAY

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "pram"
# Examples whose sizes are all functions of the single parameter n (so limits in n make sense).
ONE_PARAM = ("prefix_sum", "sum", "broadcast_erew", "or_crcw", "list_ranking", "dyck1",
             "max_crcw", "sort", "matvec", "blelloch_scan")


def _inputs(name: str, k: int, rng: np.random.Generator) -> tuple[dict, dict]:
    if name in EXAMPLE_INPUTS:
        return EXAMPLE_INPUTS[name](k, rng)
    return {"A": [int(v) for v in rng.integers(-9, 10, size=k)]}, {}


def _asymptotic(expr: sympy.Expr, n: sympy.Symbol) -> tuple[sympy.Expr, sympy.Symbol]:
    """``expr`` at n = m + 2 with m > 0 (so max(n, 1) = n) and rounding removed: ceil / floor
    change a value by less than 1, which does not change whether a ratio of growing
    expressions stays bounded. Returns the expression in m."""
    m = sympy.Symbol("m", positive=True)
    e = expr.subs(n, m + 2)
    e = e.replace(sympy.ceiling, lambda y: y).replace(sympy.floor, lambda y: y)
    return sympy.simplify(e), m


def _program(name: str):  # noqa: ANN202 - CompiledProgram
    return load_program(str(EXAMPLES / f"{name}.pram"))


@pytest.mark.parametrize("name", ONE_PARAM)
def test_thm1_measured_context_matches_the_bound(name: str) -> None:
    """The canvas the MDM actually decodes (its length measured on the built canvas at n = 1..12,
    and from the trace of a full run at n = 1, 2) equals the symbolic S(n) and stays within the
    theorem's bound O(P(n) T(n) + n) with this program's constant K = R + 4 -- P, T and the
    array sizes taken from the binding of the declared bounds, not from the layout."""
    prog = _program(name)
    S = context_length(prog)
    n = size_symbols(prog)["n"]
    K = prog.n_registers + 4
    rng = np.random.default_rng(1)
    for k in range(1, 13):
        inputs, params = _inputs(name, k, rng)
        b = bind(prog, inputs, params)
        if k <= 2:  # decode it: the longest canvas of the trace
            measured = Theorem1.build(prog, inputs, params).run().context_length
        else:  # the canvas it would decode from (an MDM canvas never changes length)
            lay = make_layout(prog, b.base, b.size, b.memory_size, b.processors_bound,
                              b.time_bound)
            measured = len(lay.initial_canvas(b.initial_memory))
        arrays = sum(b.size[a.name] for a in prog.arrays
                     if a.role in ("input", "inout", "output") or a.name == PARAMS_ARRAY)
        assert measured == int(S.subs(n, k)), f"{name}: measured {measured} != S({k})"
        assert measured <= K * (b.processors_bound * b.time_bound + arrays), f"{name}: S({k})"
    record("Theorem 1", num_symbolic_sizes=12, set_symbolic_programs=name,
           claim="measured context = S(n) <= K (P T + n)")


FAST_LIMITS = ("prefix_sum", "sum", "or_crcw", "list_ranking")


@pytest.mark.parametrize("name", [n if n in FAST_LIMITS else pytest.param(n, marks=pytest.mark.slow)
                                  for n in ONE_PARAM])
def test_thm1_symbolic_ratios_bounded(name: str) -> None:
    """lim S(n) / (P(n) T(n) + n) and lim steps(n) / T(n) are finite as n -> oo."""
    prog = _program(name)
    n = size_symbols(prog)["n"]
    P, T = prog.bounds.processors.to_sympy(), prog.bounds.time.to_sympy()
    rs, m = _asymptotic(context_length(prog) / (P * T + n), n)
    rt, _ = _asymptotic(decoding_steps_bound(prog) / T, n)
    ratio_s = sympy.limit(rs, m, sympy.oo)
    ratio_t = sympy.limit(rt, m, sympy.oo)
    assert ratio_s.is_finite and ratio_s > 0, f"{name}: S/(PT+n) -> {ratio_s}"
    assert ratio_t.is_finite, f"{name}: steps/T -> {ratio_t}"
    assert ratio_t <= 2  # (T + 1) / T: 1 when T grows, at most 2 for a constant T >= 1
    record("Theorem 1", max_limit_S_over_PT_plus_n=float(ratio_s),
           max_limit_steps_over_T=float(ratio_t))


def test_thm1_symbolic_steps_match_runs() -> None:
    """The exact decoding-step count is pram_steps + 1 <= T(n) + 1, the symbolic bound."""
    prog = _program("prefix_sum")
    n = size_symbols(prog)["n"]
    bound = decoding_steps_bound(prog)
    rng = np.random.default_rng(2)
    for k in (1, 3, 8):
        inputs, params = EXAMPLE_INPUTS["prefix_sum"](k, rng)
        res = run_built(build_pram_mdm(prog, inputs, params))
        assert res.decoding_steps == res.pram_steps + 1 <= int(bound.subs(n, k))
