"""The arithmetic of one PRAM instruction as encoder operations (the ``UN`` / ``BIN`` functions).

Each builder returns ``(raw, fault)``: ``raw`` is the exact mathematical result (its range may
exceed the token's value range -- the caller checks overflow once, after choosing the result),
``fault`` a boolean sequence (or None) for an argument outside the function's domain (division
by zero, log2 of a non-positive number, ...). Only the functions a program actually uses are
built, which keeps the per-step program short (the interpreter's cost is per operation).

Semantics follow :mod:`simulators.pram.semantics` (docs/pram-isa.md): ``div``/``mod`` are
Python's floor division/modulo, comparisons and ``and``/``or`` give 0/1, ``log2`` is the floor of
log2, ``sqrt`` the floor of the square root. Every domain fault is built from the rule record
``semantics.DOMAIN[fn]``; tests/pram/test_edge_values.py checks each function against the
semantics on edge values.
"""

from __future__ import annotations

from simulators.encoder.sequences import Seq, const, ew
from simulators.pram.semantics import DOMAIN

#: Shared constant nodes, one per value (the interpreter's cost is per node); cleared by the
#: builder at the start of every program it builds.
CONSTS: dict[int, Seq] = {}


def _c(value: Seq | int) -> Seq:
    if isinstance(value, Seq):
        return value
    v = int(value)
    if v not in CONSTS:
        CONSTS[v] = const(v)
    return CONSTS[v]


def E(name: str, *args: Seq | int, **params: object) -> Seq:
    """An elementwise primitive; integer arguments become shared constant nodes."""
    return ew(name, *(_c(a) for a in args), **params)

Result = tuple[Seq, Seq | None]


def _bool(x: Seq) -> Seq:
    return E("ne", x, 0)


def _floor_div(a: Seq, b: Seq) -> Seq:
    """``a // b`` for ``b != 0`` (a zero divisor yields garbage; the caller faults on it).

    The divisor handed to ``floordiv`` must have a range without 0 (the validator insists), so
    divide by ``max(|b|, 1)`` and move the sign of ``b`` to ``a``: floor(a/b) = floor(-a/-b).
    """
    neg_b = E("lt", b, 0)
    return E("floordiv", E("where", neg_b, E("neg", a), a), E("max", E("abs", b), 1))


def _log2(a: Seq, bits: int) -> Seq:
    """floor(log2 a) for a >= 1 as the number of powers 2^k (k >= 1) that are <= a."""
    total: Seq = E("ge", a, 2)
    for k in range(2, bits):
        total = E("add", total, E("ge", a, 1 << k))
    return total


def _sqrt(a: Seq, bits: int) -> Seq:
    """floor(sqrt a) for a >= 0: binary search, one result bit per round (high to low)."""
    root: Seq = E("mul", a, 0)
    for k in range((bits + 1) // 2, -1, -1):
        cand = E("add", root, 1 << k)
        root = E("where", E("le", E("mul", cand, cand), a), cand, root)
    return root


def _pow(a: Seq, b: Seq, bits: int) -> Seq:
    """a ** b for b >= 0 by square-and-multiply over the low 5 bits of the exponent.

    A value that overflows the token range is clipped to +-2^bits (still out of range, so the
    caller reports overflow); exponents >= 32 are replaced by 30 or 31 of the same parity,
    which keeps the result exact for |a| <= 1 and out of range for |a| >= 2 (2^30 exceeds every
    token range, bits <= 26: the same outcome as semantics' "overflow from exponent 64").
    """
    cap = 1 << bits
    e = E("where", E("gt", b, 31), E("add", E("mod", b, 2), 30), E("clip", b, lo=0, hi=31))
    result: Seq = E("add", E("mul", a, 0), 1)
    base = a
    for k in range(5):
        bit = E("mod", E("floordiv", e, 1 << k), 2)
        result = E("where", E("eq", bit, 1),
                    E("clip", E("mul", result, base), lo=-cap, hi=cap), result)
        if k < 4:
            base = E("clip", E("mul", base, base), lo=-cap, hi=cap)
    return result


def _domain(fn: str, a: Seq, b: Seq | None = None) -> Seq | None:
    """1 where the operand breaks ``fn``'s domain rule (semantics.DOMAIN), None if total."""
    rule = DOMAIN.get(fn)
    if rule is None:
        return None
    operand = a if rule.operand == "a" else b
    assert operand is not None
    return E(rule.compare, operand, rule.bound)


def unary(fn: str, a: Seq, bits: int) -> Result:
    """``fn(a)`` for fn in neg not abs log2 sqrt."""
    if fn == "neg":
        return E("neg", a), None
    if fn == "not":
        return E("eq", a, 0), None
    if fn == "abs":
        return E("abs", a), None
    if fn == "log2":
        return _log2(a, bits), _domain(fn, a)
    if fn == "sqrt":
        return _sqrt(E("max", a, 0), bits), _domain(fn, a)
    raise KeyError(fn)


def binary(fn: str, a: Seq, b: Seq, bits: int) -> Result:
    """``fn(a, b)`` for the BIN functions of docs/pram-isa.md."""
    direct = {"add": "add", "sub": "sub", "mul": "mul", "min": "min", "max": "max",
              "eq": "eq", "ne": "ne", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge"}
    if fn in direct:
        return E(direct[fn], a, b), None
    if fn == "and":
        return E("and", _bool(a), _bool(b)), None
    if fn == "or":
        return E("or", _bool(a), _bool(b)), None
    if fn == "div":
        return _floor_div(a, b), _domain(fn, a, b)
    if fn == "mod":
        return E("sub", a, E("mul", b, _floor_div(a, b))), _domain(fn, a, b)
    if fn == "pow":
        return _pow(a, b, bits), _domain(fn, a, b)
    raise KeyError(fn)
