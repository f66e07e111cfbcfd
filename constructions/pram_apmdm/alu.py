"""The arithmetic of one PRAM instruction as encoder operations (the ``UN`` / ``BIN`` functions).

Each builder returns ``(raw, fault)``: ``raw`` is the exact mathematical result (its range may
exceed the token's value range -- the caller checks overflow once, after choosing the result),
``fault`` a boolean sequence (or None) for an argument outside the function's domain (division
by zero, log2 of a non-positive number, ...). Only the functions a program actually uses are
built, which keeps the per-step program short (the interpreter's cost is per operation).

Semantics follow docs/pram-isa.md: ``div``/``mod`` are Python's floor division/modulo,
comparisons and ``and``/``or`` give 0/1, ``log2`` is the floor of log2, ``sqrt`` the floor of
the square root.
"""

from __future__ import annotations

from simulators.encoder.sequences import Seq, ew

Result = tuple[Seq, Seq | None]


def _bool(x: Seq) -> Seq:
    return ew("ne", x, 0)


def _floor_div(a: Seq, b: Seq) -> Seq:
    """``a // b`` for ``b != 0`` (a zero divisor yields garbage; the caller faults on it).

    The divisor handed to ``floordiv`` must have a range without 0 (the validator insists), so
    divide by ``max(|b|, 1)`` and move the sign of ``b`` to ``a``: floor(a/b) = floor(-a/-b).
    """
    neg_b = ew("lt", b, 0)
    return ew("floordiv", ew("where", neg_b, ew("neg", a), a), ew("max", ew("abs", b), 1))


def _log2(a: Seq, bits: int) -> Seq:
    """floor(log2 a) for a >= 1 as the number of powers 2^k (k >= 1) that are <= a."""
    total: Seq = ew("ge", a, 2)
    for k in range(2, bits):
        total = ew("add", total, ew("ge", a, 1 << k))
    return total


def _sqrt(a: Seq, bits: int) -> Seq:
    """floor(sqrt a) for a >= 0: binary search, one result bit per round (high to low)."""
    root: Seq = ew("mul", a, 0)
    for k in range((bits + 1) // 2, -1, -1):
        cand = ew("add", root, 1 << k)
        root = ew("where", ew("le", ew("mul", cand, cand), a), cand, root)
    return root


def _pow(a: Seq, b: Seq, bits: int) -> Seq:
    """a ** b for b >= 0 by square-and-multiply over the low 5 bits of the exponent.

    A value that overflows the token range is clipped to +-2^bits (still out of range, so the
    caller reports overflow); exponents >= 32 are replaced by 30 or 31 of the same parity,
    which keeps the result exact for |a| <= 1 and out of range for |a| >= 2.
    """
    cap = 1 << bits
    e = ew("where", ew("gt", b, 31), ew("add", ew("mod", b, 2), 30), ew("clip", b, lo=0, hi=31))
    result: Seq = ew("add", ew("mul", a, 0), 1)
    base = a
    for k in range(5):
        bit = ew("mod", ew("floordiv", e, 1 << k), 2)
        result = ew("where", ew("eq", bit, 1),
                    ew("clip", ew("mul", result, base), lo=-cap, hi=cap), result)
        if k < 4:
            base = ew("clip", ew("mul", base, base), lo=-cap, hi=cap)
    return result


def unary(fn: str, a: Seq, bits: int) -> Result:
    """``fn(a)`` for fn in neg not abs log2 sqrt."""
    if fn == "neg":
        return ew("neg", a), None
    if fn == "not":
        return ew("eq", a, 0), None
    if fn == "abs":
        return ew("abs", a), None
    if fn == "log2":
        return _log2(a, bits), ew("le", a, 0)
    if fn == "sqrt":
        return _sqrt(ew("max", a, 0), bits), ew("lt", a, 0)
    raise KeyError(fn)


def binary(fn: str, a: Seq, b: Seq, bits: int) -> Result:
    """``fn(a, b)`` for the BIN functions of docs/pram-isa.md."""
    direct = {"add": "add", "sub": "sub", "mul": "mul", "min": "min", "max": "max",
              "eq": "eq", "ne": "ne", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge"}
    if fn in direct:
        return ew(direct[fn], a, b), None
    if fn == "and":
        return ew("and", _bool(a), _bool(b)), None
    if fn == "or":
        return ew("or", _bool(a), _bool(b)), None
    if fn == "div":
        return _floor_div(a, b), ew("eq", b, 0)
    if fn == "mod":
        return ew("sub", a, ew("mul", b, _floor_div(a, b))), ew("eq", b, 0)
    if fn == "pow":
        return _pow(a, b, bits), ew("lt", b, 0)
    raise KeyError(fn)
