"""Every implementation of the instruction semantics against the one definition, on edge values.

``simulators.pram.semantics.apply`` is the definition. Checked against it, for every UN/BIN
function, on 0, +-1, both sides of every word boundary and of each construction's token range,
negative divisors and ``pow`` edges:

* the machine's vector arithmetic (``simulators.pram.arith``), lane by lane and whole vectors;
* the machine itself on a one-instruction program, both paths (scalar fast path, vector path);
* the Theorem 1 ALU (``constructions.pram_mdm.alu``) and the Theorem 4 ALU
  (``constructions.pram_apmdm.alu``), evaluated as encoder programs: a domain fault must raise
  the fault flag, an overflow must leave the word (so the overflow check fires), anything else
  must equal the definition's value.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from constructions.pram_apmdm import alu as thm4_alu
from constructions.pram_mdm.alu import build_alu
from constructions.pram_mdm.ops import fetch
from simulators.encoder import Program
from simulators.encoder.sequences import const, indices, tokens
from simulators.errors import FaultKind, RuntimeFault
from simulators.pram import arith, compile_source, run
from simulators.pram.semantics import (
    BIN_CODES,
    BIN_FNS,
    UN_CODES,
    UN_FNS,
    InstructionFault,
    apply,
    word_range,
)

#: Token value ranges of the constructions (their widest words): Theorem 1 -2^26..2^26-1
#: (a 27-bit word), Theorem 4 -2^25..2^25-1 (26 bits).
THM1_BITS, THM4_BITS = 27, 26


def edge_values(bits: int, extra_words: tuple[int, ...] = ()) -> list[int]:
    """0, +-1, +-2, +-3, +-7, pow exponents, both sides of each word boundary, square roots."""
    lo, hi = word_range(bits)
    vals = {0, 1, -1, 2, -2, 3, -3, 7, -7, 31, 32, 63, 64, 65}
    for w in (*extra_words, bits):
        wlo, whi = word_range(w)
        root = 1 << ((w - 1) // 2)
        vals |= {wlo, wlo + 1, whi, whi - 1, whi + 1, wlo - 1, root, root + 1, -root, -root - 1}
    return sorted(v for v in vals if lo <= v <= hi)


def expected(fn: str, a: int, b: int, bits: int) -> int | FaultKind:
    lo, hi = word_range(bits)
    try:
        return apply(fn, a, b, lo, hi)
    except InstructionFault as f:
        return f.kind


FNS = [(fn, True) for fn in UN_FNS] + [(fn, False) for fn in BIN_FNS]


@pytest.mark.parametrize("bits", [8, 16, THM4_BITS, THM1_BITS, 64])
@pytest.mark.parametrize("fn,is_unary", FNS)
def test_vector_arithmetic_equals_the_definition(fn: str, is_unary: bool, bits: int) -> None:
    lo, hi = word_range(bits)
    vals = edge_values(bits, (8, 16, 26, 27))
    pairs = [(a, 0) for a in vals] if is_unary else list(itertools.product(vals, vals))
    for a, b in pairs:
        x, y = np.array([a], dtype=np.int64), np.array([b], dtype=np.int64)
        res, bad = arith.unary(fn, x, lo) if is_unary else arith.binary(fn, x, y, lo, hi)
        want = expected(fn, a, b, bits)
        if isinstance(want, FaultKind):
            assert bad is not None and bad[0] is want, (fn, a, b, bits, bad)
        else:
            assert bad is None and int(res[0]) == want, (fn, a, b, bits, res, bad)
    # Whole vectors of the lanes that do not fault: one call, the same values.
    ok = [(a, b) for a, b in pairs if not isinstance(expected(fn, a, b, bits), FaultKind)]
    xs = np.array([a for a, _ in ok], dtype=np.int64)
    ys = np.array([b for _, b in ok], dtype=np.int64)
    res, bad = arith.unary(fn, xs, lo) if is_unary else arith.binary(fn, xs, ys, lo, hi)
    assert bad is None and res.tolist() == [expected(fn, a, b, bits) for a, b in ok]


OPERATOR = {"add": "+", "sub": "-", "mul": "*", "div": "//", "mod": "%", "pow": "^",
            "eq": "=", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "and": "and",
            "or": "or"}
CALL = {"min": "min(x, y)", "max": "max(x, y)", "neg": "-x", "not": "not x", "abs": "abs(x)",
        "log2": "log2(x)", "sqrt": "sqrt(x)"}


@pytest.mark.parametrize("bits", [8, 64])
@pytest.mark.parametrize("fn,is_unary", FNS)
def test_the_machine_on_one_instruction_equals_the_definition(fn: str, is_unary: bool,
                                                              bits: int) -> None:
    """Both machine paths: sequential code (scalar fast path) and a traced run (vector path)."""
    expr = CALL.get(fn) or f"x {OPERATOR[fn]} y"
    word = f"word {bits}\n" if bits != 64 else ""
    prog = compile_source(f"program e\nmodel EREW\n{word}input A[2]\noutput B[1]\nprocessors 1\n"
                          f"time 20\nbegin\n  x := A[0]\n  y := A[1]\n  B[0] := {expr}\nend\n")
    vals = edge_values(bits, (8,))
    if bits == 64:  # the 64-bit path: the word's edges and the small values
        vals = [v for v in vals if abs(v) < 70 or abs(v) > 2**62]
    for a, b in ([(a, 0) for a in vals] if is_unary else itertools.product(vals, vals)):
        want = expected(fn, a, b, bits)
        for trace in (False, True):
            try:
                got: int | FaultKind = run(prog, {"A": [a, b]}, trace=trace).output["B"][0]
            except RuntimeFault as err:
                assert err.record is not None
                got = err.record.kind
            assert got == want, (fn, a, b, bits, trace)


def _alu_program(build, bits: int) -> Program:  # noqa: ANN001
    """An encoder program computing ``build(x, y)`` at position 0 of canvases ``[x, y]``."""
    lo, hi = word_range(bits)
    x = tokens(lo, hi)
    y = fetch(indices(2), 1, x, "leftmost", 0)
    value, fault = build(x, y)
    outputs = {"value": value}
    if fault is not None:
        outputs["fault"] = fault
    return Program(outputs, max_length=2)


def _check_alu(fn: str, is_unary: bool, bits: int, word: int, program: Program) -> None:
    vals = edge_values(bits, (8, word))
    pairs = [(a, 0) for a in vals] if is_unary else list(itertools.product(vals, vals))
    out = program.evaluate(np.array(pairs, dtype=np.int64))
    faults = out.get("fault", np.zeros((len(pairs), 2), dtype=np.int64))  # total functions
    lo, hi = word_range(word)
    for k, (a, b) in enumerate(pairs):
        if not (lo <= a <= hi and lo <= b <= hi):
            continue  # a register never holds a value outside the word
        want = expected(fn, a, b, word)
        value, fault = int(out["value"][k, 0]), int(faults[k, 0])
        if want is FaultKind.DOMAIN:
            assert fault == 1, (fn, a, b, word)
            continue
        assert fault == 0, (fn, a, b, word)
        if want is FaultKind.OVERFLOW:
            assert not lo <= value <= hi, (fn, a, b, word, value)
        else:
            assert value == want, (fn, a, b, word, value)


@pytest.mark.parametrize("word", [8, THM1_BITS])
@pytest.mark.parametrize("fn,is_unary", FNS)
def test_theorem1_alu_equals_the_definition(fn: str, is_unary: bool, word: int) -> None:
    def build(x, y):  # noqa: ANN001, ANN202
        code = (UN_CODES if is_unary else BIN_CODES)[fn]
        out = build_alu(const(code), x, y, THM1_BITS - 1)
        return (out.un, out.un_fault) if is_unary else (out.bin, out.bin_fault)

    _check_alu(fn, is_unary, THM1_BITS, word, _alu_program(build, THM1_BITS))


@pytest.mark.parametrize("word", [8, THM4_BITS])
@pytest.mark.parametrize("fn,is_unary", FNS)
def test_theorem4_alu_equals_the_definition(fn: str, is_unary: bool, word: int) -> None:
    def build(x, y):  # noqa: ANN001, ANN202
        thm4_alu.CONSTS.clear()
        if is_unary:
            return thm4_alu.unary(fn, x, THM4_BITS)
        return thm4_alu.binary(fn, x, y, THM4_BITS)

    _check_alu(fn, is_unary, THM4_BITS, word, _alu_program(build, THM4_BITS))
