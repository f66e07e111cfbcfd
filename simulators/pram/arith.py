"""Checked integer arithmetic on int64 vectors (one call per instruction group, never per element).

The vector form of :mod:`simulators.pram.semantics`: the function list, the domain rules and the
fault kinds come from there (the domain checks are built from ``semantics.DOMAIN``, ``pow`` calls
``semantics.binary`` per lane), and ``tests/pram/test_edge_values.py`` checks every function
against the scalar definition on edge values.

Each function returns ``(result, bad)`` where ``bad`` is ``None`` or ``(kind, reason, mask)``
(mask = the offending lanes); the machine turns that into a precise fault. Overflow is a fault,
never a silent wrap (docs/pram-isa.md, "Words").
"""

from __future__ import annotations

import numpy as np

from simulators.pram import semantics
from simulators.pram.semantics import DOMAIN, FaultKind, InstructionFault

Fault = tuple[FaultKind, str, np.ndarray] | None

INT64_MIN = np.iinfo(np.int64).min


def _range(x: np.ndarray) -> tuple[int, int]:
    if x.size == 0:
        return 0, 0
    return int(x.min()), int(x.max())


def _word_fault(r: np.ndarray, lo: int, hi: int) -> Fault:
    bad = (r < lo) | (r > hi)
    if bad.any():
        return (FaultKind.OVERFLOW, "overflow", bad)
    return None


def _domain(fn: str, a: np.ndarray, b: np.ndarray | None = None) -> Fault:
    """Lanes outside ``fn``'s domain, from the rule in semantics.DOMAIN."""
    rule = DOMAIN.get(fn)
    if rule is None:
        return None
    x = a if rule.operand == "a" else b
    bad = _COMPARE[rule.compare](x, rule.bound)
    if bad.any():
        return (FaultKind.DOMAIN, rule.reason, bad)
    return None


def _add_sub(fn: str, a: np.ndarray, b: np.ndarray, lo: int, hi: int,
             out: np.ndarray | None) -> tuple[np.ndarray, Fault]:
    # Interval test first (four cheap reductions): when the result range provably fits the word,
    # no lane can overflow, and the result may go straight into ``out`` (the destination
    # register column). Only otherwise run the exact per-lane tests.
    (amin, amax), (bmin, bmax) = _range(a), _range(b)
    if fn == "add":
        rlo, rhi = amin + bmin, amax + bmax
    else:
        rlo, rhi = amin - bmax, amax - bmin
    if lo <= rlo and rhi <= hi:
        ufunc = np.add if fn == "add" else np.subtract
        return (ufunc(a, b) if out is None else ufunc(a, b, out=out)), None
    r = a + b if fn == "add" else a - b
    # Exact: two's-complement rule for 64-bit wrap, then the (possibly narrower) word range.
    if fn == "add":
        wrap = (np.bitwise_xor(a, r) & np.bitwise_xor(b, r)) < 0
    else:
        wrap = (np.bitwise_xor(a, b) & np.bitwise_xor(a, r)) < 0
    if wrap.any():
        return r, (FaultKind.OVERFLOW, "overflow", wrap)
    return r, _word_fault(r, lo, hi)


def binary(fn: str, a: np.ndarray, b: np.ndarray, lo: int = -(2**63),
           hi: int = 2**63 - 1, out: np.ndarray | None = None) -> tuple[np.ndarray, Fault]:
    """``fn(a, b)`` elementwise; faults on overflow of the word ``[lo, hi]`` and on division by 0.

    Operands are assumed to lie in ``[lo, hi]`` already (the machine's invariant), so only
    add/sub/mul/pow/div can leave the word. ``out`` (optional) may receive the result when that
    is known to be safe; callers must use the returned array either way.
    """
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        dom = _domain(fn, a, b)
        if dom is not None:
            return a, dom
        if fn in ("add", "sub"):
            return _add_sub(fn, a, b, lo, hi, out)
        if fn == "mul":
            r, bad = _mul(a, b)
            if bad is None:
                return r, None if hi >= 2**63 - 1 else _word_fault(r, lo, hi)
            return r, _int64_or_word_fault(r, bad, lo, hi)
        if fn == "div":
            bad = (a == lo) & (b == -1)  # the one quotient that leaves the word
            if bad.any():
                return a, (FaultKind.OVERFLOW, "overflow", bad)
            return np.floor_divide(a, b), None
        if fn == "mod":
            return np.mod(a, b), None
        if fn == "pow":
            r, bad = _pow(a, b)
            return r, _word_fault(r, lo, hi) if bad is None else _int64_or_word_fault(r, bad, lo,
                                                                                     hi)
        if fn == "min":
            return np.minimum(a, b), None
        if fn == "max":
            return np.maximum(a, b), None
        if fn in _COMPARE:
            return _COMPARE[fn](a, b).astype(np.int64), None
        if fn == "and":
            return ((a != 0) & (b != 0)).astype(np.int64), None
        if fn == "or":
            return ((a != 0) | (b != 0)).astype(np.int64), None
    raise ValueError(f"unknown binary function {fn}")  # the compiler emits only known ones


_COMPARE: dict = {
    "eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
    "gt": np.greater, "ge": np.greater_equal,
}


def _int64_or_word_fault(r: np.ndarray, fault: Fault, lo: int, hi: int) -> Fault:
    """One overflow fault naming every overflowing lane: those that left int64 (``fault``) and
    those exact in int64 that left a narrower word. Reporting only the former named processors
    4, 5 where the reference names 0..5 for ``(-122) ^ (6 + i)`` in an 8-bit word."""
    assert fault is not None
    left_int64 = fault[2]
    lanes = left_int64 | (~left_int64 & ((r < lo) | (r > hi)))
    return (FaultKind.OVERFLOW, "overflow", lanes)


def _mul(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Fault]:
    r = a * b
    # Cheap common case: both factors below 2^31 in magnitude cannot overflow.
    (amin, amax), (bmin, bmax) = _range(a), _range(b)
    if max(amax, -amin) < (1 << 31) and max(bmax, -bmin) < (1 << 31):
        return r, None
    nz = a != 0
    safe_a = np.where(nz, a, 1)
    bad = nz & ((np.floor_divide(r, safe_a) != b) | ((a == -1) & (b == INT64_MIN)))
    bad |= (b == -1) & (a == INT64_MIN)
    if bad.any():
        return r, (FaultKind.OVERFLOW, "overflow", bad)
    return r, None


def _pow(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Fault]:
    # Rare instruction: the scalar definition per lane (exact Python integers) keeps it exact.
    out = np.empty_like(a)
    bad = np.zeros(a.shape, dtype=bool)
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        try:
            v = semantics.binary("pow", x, y)
        except InstructionFault:  # the exponent is >= 0 here: only the >= 2^64 overflow
            bad[i] = True
            continue
        if not INT64_MIN <= v <= np.iinfo(np.int64).max:
            bad[i] = True
            continue
        out[i] = v
    if bad.any():  # exact lanes keep their value: the caller also checks them against the word
        out[bad] = 0
        return out, (FaultKind.OVERFLOW, "overflow", bad)
    return out, None


def unary(fn: str, a: np.ndarray, lo: int = -(2**63)) -> tuple[np.ndarray, Fault]:
    """``fn(a)`` elementwise for fn in neg / not / abs / log2 (floor) / sqrt (floor).

    Only ``neg``/``abs`` of the word's minimum ``lo`` can leave the word.
    """
    dom = _domain(fn, a)
    if dom is not None:
        return a, dom
    if fn in ("neg", "abs"):
        bad = a == lo
        if bad.any():
            return a, (FaultKind.OVERFLOW, "overflow", bad)
        return (np.negative(a) if fn == "neg" else np.abs(a)), None
    if fn == "not":
        return (a == 0).astype(np.int64), None
    if fn == "log2":
        return _floor_log2(a), None
    if fn == "sqrt":
        return _floor_sqrt(a), None
    raise ValueError(f"unknown unary function {fn}")


def _floor_log2(a: np.ndarray) -> np.ndarray:
    # frexp is exact for the exponent only up to 2^53; correct the float guess exactly after.
    r = np.frexp(a.astype(np.float64))[1].astype(np.int64) - 1
    r = np.clip(r, 0, 62)
    r -= (np.left_shift(np.int64(1), r) > a).astype(np.int64)
    r += ((r < 62) & (np.left_shift(np.int64(1), np.minimum(r + 1, 62)) <= a)).astype(np.int64)
    return r


def _floor_sqrt(a: np.ndarray) -> np.ndarray:
    r = np.floor(np.sqrt(a.astype(np.float64))).astype(np.int64)
    r = np.minimum(r, 3037000499)  # floor(sqrt(2^63 - 1)); keeps r*r from overflowing
    with np.errstate(over="ignore"):
        r -= (r * r > a).astype(np.int64)
        r1 = r + 1
        r += ((r1 <= 3037000499) & (r1 * r1 <= a)).astype(np.int64)
    return r


def out_of_word(values: np.ndarray, word_bits: int) -> np.ndarray | None:
    """Mask of values outside a narrowed word (None when the word is 64 bits or all fit)."""
    if word_bits >= 64 or values.size == 0:
        return None
    lo, hi = -(1 << (word_bits - 1)), (1 << (word_bits - 1)) - 1
    if values.min() >= lo and values.max() <= hi:
        return None
    return (values < lo) | (values > hi)


# Every function of the semantics has a vector form here (checked once, at import).
assert set(semantics.UN_FNS) == {"neg", "not", "abs", "log2", "sqrt"}
assert set(semantics.BIN_FNS) == {"add", "sub", "mul", "div", "mod", "pow", "min", "max",
                                  "and", "or"} | set(_COMPARE)
