"""Word boundaries and the division/pow rules, stated literally (docs/pram-isa.md) and checked
in the reference machine and both PRAM constructions.

The expected values here are written out from the documentation -- not computed with
``simulators.pram.semantics`` -- so a change to that single definition (everything else derives
from it) is caught too.
"""

from __future__ import annotations

from functools import partial

import pytest

from simulators.pram import compile_source, run
from simulators.pram import semantics as sem
from simulators.testing import PramCase, outcome, word_range
from tests.rigor.agreement import check_agrees

# (fn, a, b, documented result): floor division, divisor-signed modulo, pow, truth values.
LITERAL = [
    ("div", 7, 2, 3), ("div", -7, 2, -4), ("div", 7, -2, -4), ("div", -7, -2, 3),
    ("mod", 7, 2, 1), ("mod", -7, 2, 1), ("mod", 7, -2, -1), ("mod", -7, -2, -1),
    ("pow", 0, 0, 1), ("pow", -2, 3, -8), ("pow", -1, 10**6 + 1, -1), ("pow", 3, 4, 81),
    ("min", -3, 2, -3), ("max", -3, 2, 2), ("and", 5, -1, 1), ("or", 0, 0, 0),
    ("lt", -1, 0, 1), ("ge", 0, 0, 1), ("ne", 2, 2, 0),
]
UNARY_LITERAL = [("log2", 1, 0), ("log2", 1023, 9), ("log2", 1024, 10), ("sqrt", 0, 0),
                 ("sqrt", 15, 3), ("sqrt", 16, 4), ("not", 0, 1), ("not", -5, 0),
                 ("abs", -9, 9), ("neg", 4, -4)]
DOMAIN = [("div", 1, 0), ("mod", -1, 0), ("pow", 2, -1)]
UNARY_DOMAIN = [("log2", 0), ("log2", -4), ("sqrt", -1)]


@pytest.mark.parametrize(("fn", "a", "b", "want"), LITERAL)
def test_binary_functions_as_documented(fn: str, a: int, b: int, want: int) -> None:
    assert sem.binary(fn, a, b) == want


@pytest.mark.parametrize(("fn", "a", "want"), UNARY_LITERAL)
def test_unary_functions_as_documented(fn: str, a: int, want: int) -> None:
    assert sem.unary(fn, a) == want


@pytest.mark.parametrize(("fn", "a", "b"), DOMAIN)
def test_binary_domain_faults(fn: str, a: int, b: int) -> None:
    with pytest.raises(sem.InstructionFault):
        sem.binary(fn, a, b)


@pytest.mark.parametrize(("fn", "a"), UNARY_DOMAIN)
def test_unary_domain_faults(fn: str, a: int) -> None:
    with pytest.raises(sem.InstructionFault):
        sem.unary(fn, a)


@pytest.mark.parametrize("bits", [8, 16, 26, 64])
def test_word_range_as_documented(bits: int) -> None:
    assert sem.word_range(bits) == (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    assert word_range(bits) == sem.word_range(bits)


def _boundary_cases(bits: int) -> list[tuple[str, int, int, bool]]:
    """(operator, a, b, overflows): results exactly at and one past each end of the word."""
    lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    quarter = 2 ** (bits - 2)
    return [("+", hi, 0, False), ("+", hi, 1, True), ("+", lo, -1, True), ("-", lo, 0, False),
            ("-", lo, 1, True), ("-", hi, -1, True), ("*", quarter, 2, True),
            ("*", -quarter, 2, False), ("*", lo, -1, True), ("*", lo, 1, False),
            ("div", lo, -1, True), ("div", lo, 1, False), ("^", 2, bits - 1, True),
            ("^", -2, bits - 1, False), ("^", 2, bits - 2, False)]


_EXACT = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
          "div": lambda a, b: a // b, "^": lambda a, b: a**b}


def _case(op: str, a: int, b: int, bits: int, pardo: bool = False) -> PramCase:
    """``B[0] := A[0] op A[1]`` in sequential code, or ``B[i] := A[0] op A[1]`` by two
    processors of a ``pardo`` (the machine runs those on different paths: its scalar fast path
    while processor 0 runs alone, vectorised lanes otherwise)."""
    if pardo:
        body = ["  for i in 0 .. 1 pardo", f"    B[i] := A[0] {op} A[1]", "  end"]
    else:
        body = [f"  B[0] := A[0] {op} A[1]"]
    source = "\n".join(["program edge", f"model {'CREW' if pardo else 'EREW'}",
                        f"word {bits}", "input A[n]", "output B[n]", "shared C[n]",
                        "processors 2", "time 12", "begin", *body, "end", ""])
    prog = compile_source(source)
    inputs = {"A": [a, b]}
    got = outcome(lambda: run(prog, inputs), lambda r: r.output)
    return PramCase(source=source, program=prog, inputs=inputs, model=prog.model.value, steps=0,
                    output=got.output, word_bits=bits, outcome=got)


@pytest.mark.parametrize("pardo", [False, True])
@pytest.mark.parametrize("bits", [8, 26, 64])
def test_machine_overflows_exactly_outside_the_word(bits: int, pardo: bool) -> None:
    for op, a, b, overflows in _boundary_cases(bits):
        case = _case(op, a, b, bits, pardo)
        got = case.outcome
        assert (got.fault == "overflow") == overflows, (op, a, b, bits, got)
        if not overflows:
            assert got.output is not None
            assert got.output["B"][0] == _EXACT[op](a, b)


@pytest.mark.parametrize(("bits", "cases"), [(8, slice(None)), (26, slice(0, 6))])
def test_constructions_overflow_exactly_where_the_machine_does(bits: int, cases: slice) -> None:
    """Every boundary case at 8 bits; at 26 bits (the widest word whose values both
    constructions' tokens hold) the add/sub ones, which reach the token range's own edge."""
    for op, a, b, _ in _boundary_cases(bits)[cases]:
        check_agrees(_case(op, a, b, bits))


@pytest.mark.parametrize("stmt", ["B[0] := A[n]", "B[n] := 1", "B[0] := A[0 - 1]",
                                  "B[0 - 1] := 1", "B[n - 1] := A[n - 1]"])
def test_index_bounds_at_both_ends(stmt: str) -> None:
    """Indices -1 and n are out of bounds, n - 1 is not -- in the machine and both
    constructions, in sequential code and inside a pardo."""
    for pardo in (False, True):
        body = (["  for i in 0 .. 0 pardo", f"    {stmt}", "  end"] if pardo
                else [f"  {stmt}"])
        source = "\n".join(["program bounds", "model EREW", "input A[n]", "output B[n]",
                            "shared C[n]", "processors 1", "time 12", "begin", *body, "end",
                            ""])
        prog = compile_source(source)
        inputs = {"A": [4, -2, 9]}
        got = outcome(partial(run, prog, inputs), lambda r: r.output)
        assert (got.fault == "out_of_bounds") == ("n - 1" not in stmt), (stmt, pardo, got)
        check_agrees(PramCase(source=source, program=prog, inputs=inputs, model="EREW",
                              steps=0, output=got.output, outcome=got))


@pytest.mark.parametrize("pardo", [False, True])
@pytest.mark.parametrize(("expr", "inputs", "overflows"), [
    ("(A[0] + A[1]) - 1", [127, 1], True), ("(A[0] + A[1]) - 1", [127, 0], False),
    ("(A[0] - A[1]) + 1", [-128, 1], True), ("(A[0] * A[1]) - 1", [64, 2], True),
    ("(A[0] * A[1]) - 1", [63, 2], False)])
def test_an_intermediate_overflow_is_a_fault_even_if_the_stored_value_fits(
        expr: str, inputs: list[int], overflows: bool, pardo: bool) -> None:
    """8-bit word: 127 + 1 overflows although 127 + 1 - 1 fits -- every value a register
    receives is checked, not only what reaches memory (docs/pram-isa.md, "Words")."""
    if pardo:
        body = ["  for i in 0 .. 1 pardo", f"    B[i] := {expr}", "  end"]
    else:
        body = [f"  B[0] := {expr}"]
    source = "\n".join(["program edge", f"model {'CREW' if pardo else 'EREW'}", "word 8",
                        "input A[n]", "output B[n]", "shared C[n]", "processors 2", "time 12",
                        "begin", *body, "end", ""])
    prog = compile_source(source)
    got = outcome(partial(run, prog, {"A": inputs}), lambda r: r.output)
    assert (got.fault == "overflow") == overflows, got
    check_agrees(PramCase(source=source, program=prog, inputs={"A": inputs},
                          model=prog.model.value, steps=0, output=got.output, word_bits=8,
                          outcome=got))
