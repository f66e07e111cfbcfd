"""Bound expressions: exact evaluation agrees with the node-by-node sympy conversion."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from simulators.errors import ValidationError
from simulators.pram.syntax import Binary, Call, Expr, Name, Num
from tests.pram.conftest import example

N = sympy.Symbol("n", integer=True, nonnegative=True)

leaves = st.one_of(st.integers(0, 9).map(Num), st.just(Name("n")))


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.builds(Binary, st.sampled_from(["add", "sub", "mul", "div", "fdiv", "mod"]),
                  children, children),
        st.builds(lambda e: Binary("pow", e, Num(2)), children),
        st.builds(lambda f, e: Call(f, (e,)), st.sampled_from(["ceil", "floor", "log2", "sqrt",
                                                               "abs"]), children),
        st.builds(lambda f, a, b: Call(f, (a, b)), st.sampled_from(["min", "max"]),
                  children, children),
    )


exprs = st.recursive(leaves, _extend, max_leaves=8)


@given(exprs, st.integers(0, 5000))
def test_evaluate_matches_sympy(e: Expr, n: int) -> None:
    try:
        value = e.evaluate({"n": n})
    except ValidationError:
        assume(False)
        return
    sym = e.to_sympy().subs(N, n)
    assume(sym.is_finite and sym.is_real)
    exact = sympy.ceiling(sym)
    assume(exact.is_Integer)
    # Floats only enter through log2/sqrt of non-powers; they may differ by rounding at 1e-9.
    assert abs(value - int(exact)) <= (1 if abs(float(sym) - round(float(sym))) < 1e-6 else 0)


def test_exact_log2_for_powers_of_two() -> None:
    e = Call("ceil", (Call("log2", (Name("n"),)),))
    f = Call("floor", (Call("log2", (Name("n"),)),))
    for k in range(0, 200):
        assert e.evaluate({"n": 2**k}) == k
        assert e.evaluate({"n": 2**k + 1}) == k + 1 or k == 0
        assert f.evaluate({"n": 2 ** (k + 1) - 1}) == k
    s = Call("floor", (Call("sqrt", (Name("n"),)),))
    for r in (1, 10**6, 10**9, 3037000499):
        assert s.evaluate({"n": r * r - 1}) == r - 1 and s.evaluate({"n": r * r}) == r


def test_declared_bounds_convert_to_sympy() -> None:
    prog = example("prefix_sum")
    t = prog.bounds.time.to_sympy()
    assert t == 15 * sympy.ceiling(sympy.log(sympy.Max(N, 1), 2)) + 5
    assert prog.bounds.processors.to_sympy() == N
    for n in (1, 2, 5, 1024, 1025):
        assert int(t.subs(N, n)) == prog.bounds.time.evaluate({"n": n})


def test_undefined_values_are_errors() -> None:
    with pytest.raises(ValidationError, match="log2"):
        Call("log2", (Name("n"),)).evaluate({"n": 0})
    with pytest.raises(ValidationError, match="division by zero"):
        Binary("div", Num(1), Name("n")).evaluate({"n": 0})
    assert math.isclose(Binary("div", Num(7), Num(2)).evaluate({}), 4)  # rounded up
