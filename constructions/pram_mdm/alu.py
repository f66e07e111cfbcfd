"""The arithmetic unit of the per-step network: every UN/BIN function of the ISA, then a select.

Theorem 1 needs one network whose depth does not depend on n; the ALU computes *all* functions
of docs/pram-isa.md on the fetched operands and picks the one the instruction names (a where-chain
of constant length). Functions the encoder language has no primitive for are built from
primitives with a number of steps fixed by the token bit width (not by n):

* ``div``/``mod`` -- floor division by ``max(|b|, 1)`` on the sign-corrected dividend (the
  language forbids a divisor range containing 0; b == 0 is flagged as a fault separately);
* ``log2`` -- ``sum_k [x >= 2^k]``; ``sqrt`` -- bitwise binary search; ``pow`` -- square and
  multiply over 6 exponent bits with saturating clips (exponents above 63 keep their parity).

Every product is of two clipped values below 2^(value_bits+1), so it stays exact in float64.

The function codes and the domain checks come from :mod:`simulators.pram.semantics` (the one
definition of the instruction semantics): ``UN_CODES`` / ``BIN_CODES`` number the functions, and
each domain fault is built from the rule record ``semantics.DOMAIN[fn]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructions.pram_mdm.ops import (
    Seq,
    add,
    and_,
    choose,
    clip,
    eq,
    ew,
    ge,
    gt,
    le,
    lt,
    mul,
    ne,
    not_,
    or_,
    sub,
    where,
)
from simulators.pram.semantics import BIN_CODES, DOMAIN, POW_OVERFLOW_EXPONENT, UN_CODES


@dataclass(frozen=True)
class AluOut:
    """Result of the UN / BIN function selected by ``fn`` plus its arithmetic-fault flag."""

    un: Seq
    bin: Seq
    un_fault: Seq
    bin_fault: Seq


def _floordiv(x: Seq, y: Seq, value_bits: int) -> Seq:
    """floor(x / y) for y != 0 (garbage but defined for y == 0)."""
    c = ew("max", ew("abs", y), 1)  # range 1..2^vb: a divisor range without 0
    pos = ew("floordiv", x, c)
    neg = ew("floordiv", ew("neg", x), c)  # floor(x / -c) = floor(-x / c)
    return where(lt(y, 0), neg, pos)


def _log2(x: Seq, value_bits: int) -> Seq:
    out: Seq | int = 0
    for k in range(1, value_bits + 1):
        out = add(out, ge(x, 2**k))
    return out  # type: ignore[return-value]


def _sqrt(x: Seq, value_bits: int) -> Seq:
    r: Seq | int = 0
    for k in range((value_bits + 1) // 2, -1, -1):
        t = add(r, 2**k)
        r = where(le(mul(t, t), x), t, r)
    return r  # type: ignore[return-value]


def _pow(x: Seq, y: Seq, value_bits: int) -> Seq:
    # Saturation marks overflow, so it must lie outside the token range on *both* sides: the
    # range is -2^vb .. 2^vb - 1, hence 2^vb + 1 (2^vb alone kept (-2^vb)^3 in range as -2^vb).
    # Products of two saturated values, (2^vb + 1)^2 < 2^53, stay exact.
    sat = 2**value_bits + 1
    # Exponents from 64 on (semantics.POW_OVERFLOW_EXPONENT) overflow for |x| >= 2 and keep
    # their parity for x = -1: 62 or 63 of the same parity gives both.
    top = POW_OVERFLOW_EXPONENT - 1
    e = where(gt(y, top), add(top - 1, ew("mod", y, 2)), clip(y, 0, top))
    result: Seq | int = 1
    base: Seq = clip(x, -sat, sat)
    for k in range(6):
        bit = ew("mod", ew("floordiv", e, 2**k), 2)
        result = where(eq(bit, 1), clip(mul(result, base), -sat, sat), result)
        if k < 5:
            base = clip(mul(base, base), -sat, sat)
    return result  # type: ignore[return-value]


def build_alu(fn: Seq, x: Seq, y: Seq, value_bits: int) -> AluOut:
    """All UN and BIN functions of the ISA on operands ``x = r[a]``, ``y = r[b]``."""
    q = _floordiv(x, y, value_bits)
    bin_options = [
        add(x, y), sub(x, y), mul(x, y), q, sub(x, mul(y, q)), _pow(x, y, value_bits),
        ew("min", x, y), ew("max", x, y), eq(x, y), ne(x, y), lt(x, y), le(x, y), gt(x, y),
        ge(x, y), and_(ne(x, 0), ne(y, 0)), or_(ne(x, 0), ne(y, 0)),
    ]
    un_options = [ew("neg", x), eq(x, 0), ew("abs", x), _log2(x, value_bits), _sqrt(x, value_bits)]
    return AluOut(un=choose(fn, un_options, 0), bin=choose(fn, bin_options, 0),
                  un_fault=_domain_fault(fn, UN_CODES, x, y),
                  bin_fault=_domain_fault(fn, BIN_CODES, x, y))


def _domain_fault(fn: Seq, codes: dict[str, int], x: Seq, y: Seq) -> Seq:
    """1 where the selected function's operand breaks its domain rule (semantics.DOMAIN)."""
    terms = []
    for name, rule in DOMAIN.items():
        if name in codes:
            operand = x if rule.operand == "a" else y
            terms.append(and_(eq(fn, codes[name]), ew(rule.compare, operand, rule.bound)))
    return or_(*terms)


__all__ = ["AluOut", "BIN_CODES", "UN_CODES", "build_alu", "not_"]
