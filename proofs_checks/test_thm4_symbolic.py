"""Theorem 4, symbolically: the construction's canvas and step counts as sympy expressions in n
(constructions/pram_apmdm/symbolic.py, built from the declared bounds and the layout), matched
against measured runs, and shown to be O(S(n) + P(n)) and O(T(n)) -- with no time bound in the
canvas expressions."""

from __future__ import annotations

import pytest
import sympy

from constructions.pram_apmdm.symbolic import T, evaluate, symbolic_costs
from proofs_checks.report import record
from proofs_checks.thm4_examples import (
    DEFAULT_N,
    EXAMPLE_INPUTS,
    LONG_RUNNING,
    example_names,
    example_path,
    example_run,
)
from simulators.pram import load_program

n = sympy.Symbol("n", integer=True, nonnegative=True)


def _one_size(expr: sympy.Expr, params: tuple[sympy.Symbol, ...]) -> sympy.Expr:
    """Every size parameter set to n (the sweeps grow all of them together)."""
    return expr.subs({p: n for p in params})


def upper(e: sympy.Expr) -> sympy.Expr:
    """An upper bound of a non-negative bound expression that sympy's ``limit`` can handle:
    ceil/floor(x) <= x + 1 and max(a, b, ...) <= a + b + ... (the declared bounds use both)."""
    e = e.replace(lambda x: isinstance(x, sympy.ceiling | sympy.floor), lambda x: x.args[0] + 1)
    return e.replace(lambda x: isinstance(x, sympy.Max), lambda x: sympy.Add(*x.args))


def lower(e: sympy.Expr) -> sympy.Expr:
    """A lower bound: ceil(x) >= x, floor(x) >= x - 1, max(a, b, ...) >= any one argument (we
    keep the one largest at n = 10^6, the tightest for n -> oo; min is refused)."""
    assert not e.has(sympy.Min), "lower(): min in a denominator is not supported"
    e = e.replace(lambda x: isinstance(x, sympy.ceiling), lambda x: x.args[0])
    e = e.replace(lambda x: isinstance(x, sympy.floor), lambda x: x.args[0] - 1)
    return e.replace(lambda x: isinstance(x, sympy.Max),
                     lambda x: max(x.args, key=lambda a: float(a.subs(n, 10**6))))


@pytest.mark.parametrize("name", [e for e in example_names() if e in EXAMPLE_INPUTS])
def test_symbolic_costs_match_measurements_and_orders(name: str) -> None:
    prog = load_program(example_path(name))
    c = symbolic_costs(prog)
    # No time bound anywhere in the canvas expressions (Theorem 4's space claim).
    time_syms = c.time.free_symbols - set(c.params)
    assert T not in c.canvas_bound.free_symbols and not time_syms
    assert c.canvas_bound.free_symbols <= set(c.params)
    # Orders of growth, as n -> oo with every size parameter = n.
    canvas = _one_size(c.canvas_bound, c.params)
    space_plus_p = _one_size(c.space + c.processors, c.params)
    # canvas(n) / (S(n) + P(n)) <= upper(canvas) / lower(S + P), whose limit is finite.
    ratio = sympy.limit(upper(canvas) / lower(space_plus_p), n, sympy.oo)
    assert ratio.is_finite, f"canvas / (S + P) -> {ratio}"
    # steps_bound(n) = 2 T(n) + 2 exactly, so the ratio to T(n) tends to 2 when T(n) -> oo.
    time = _one_size(c.time, c.params)
    assert sympy.simplify(_one_size(c.steps_bound, c.params) - 2 * time - 2) == 0
    assert sympy.limit(c.decoding_steps / T, T, sympy.oo) == 2
    # Matched against measured runs.
    sizes = LONG_RUNNING.get(name, (DEFAULT_N.get(name, 4),))
    for size in sizes:
        r, m = example_run(name, size, False)
        at = dict(m.sizes)
        assert r.initial_context_length == evaluate(c.initial_length, at)
        assert r.decoding_steps == evaluate(c.decoding_steps, at, m.steps)
        assert r.decoding_steps <= evaluate(c.steps_bound, at)
        assert r.max_context_length <= evaluate(c.canvas_bound, at)
    record("Theorem 4", program=name, claim="symbolic costs match", num_inputs=len(sizes),
           set_canvas_over_S_plus_P_limit=f"{name}: {ratio}")
