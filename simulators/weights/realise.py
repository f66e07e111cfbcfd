"""Each elementwise primitive of the encoder as ReLU units (see docs/compiler.md, "MLPs").

``realise(builder, node_prim, args, ranges, out_range, params, name) -> Val``. Arguments arrive as
affine readouts with their integer ranges (the program's inferred intervals). Arithmetic is
honest: a general product is a shift-and-add over the binary digits of the narrower operand
(``log R`` levels), a general division a restoring long division (2 levels per quotient digit);
no realisation looks up pairs of values, and widths stay polynomial in the bits of the ranges
(only ``table`` and short constant-divisor staircases have one unit per listed entry / step).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulators.encoder.intervals import Interval
from simulators.encoder.primitives import _table_entries
from simulators.weights.mlp import MLPBuilder
from simulators.weights.values import Val

#: A constant-divisor division with at most this many quotient changes is one staircase level;
#: beyond it, long division (one level per quotient digit).
STAIRCASE_MAX_STEPS = 64


def _bool(r: Interval) -> bool:
    return r.lo >= 0 and r.hi <= 1


def _mul(b: MLPBuilder, x: Val, y: Val, rx: Interval, ry: Interval, name: str) -> Val:
    if rx.is_const:
        return y * float(rx.lo)
    if ry.is_const:
        return x * float(ry.lo)
    if _bool(rx):
        return b.gate(x, y, name)
    if _bool(ry):
        return b.gate(y, x, name)
    if rx.size > ry.size:  # digits of the narrower operand
        x, y, rx, ry = y, x, ry, rx
    shifted = x - float(rx.lo)
    nb = int(rx.hi - rx.lo).bit_length()
    digits = b.bits(shifted, nb, f"{name}.a")
    out = y * float(rx.lo)
    for i, d in enumerate(digits):
        out = out + b.gate(d, y * float(1 << i), f"{name}.p{i}")
    return out


def _divmod_const(b: MLPBuilder, a: Val, ra: Interval, c: int, name: str) -> tuple[Val, Val]:
    """``(floor(a/c), a mod c)`` for a constant ``c`` (Python semantics)."""
    if c < 0:
        q, r = _divmod_const(b, -a, Interval(-ra.hi, -ra.lo), -c, name)
        return q, -r
    q0 = ra.lo // c
    steps = ra.hi // c - q0
    if steps <= STAIRCASE_MAX_STEPS:
        q = Val.constant(float(q0))
        for t in range(q0 + 1, ra.hi // c + 1):
            q = q + b.step_ge(a, float(t * c), f"{name}.q>={t}")
        return q, a - q * float(c)
    x = a - float(q0 * c)  # 0 .. ra.hi - q0*c
    nq = int((ra.hi - q0 * c) // c).bit_length()
    q = Val.constant(float(q0))
    for i in reversed(range(nq)):
        bit = b.step_ge(x, float(c << i), f"{name}.q{i}")
        x = x - bit * float(c << i)
        q = q + bit * float(1 << i)
    return q, x


def _divmod_var(b: MLPBuilder, a: Val, d: Val, ra: Interval, rd: Interval,
                name: str) -> tuple[Val, Val]:
    """Restoring long division by a variable divisor whose range excludes 0."""
    if rd.hi < 0:
        q, r = _divmod_var(b, -a, -d, Interval(-ra.hi, -ra.lo), Interval(-rd.hi, -rd.lo), name)
        return q, -r
    k = -(-max(0, -ra.lo) // rd.lo)  # a + k*d >= 0 for every d in range
    x = a + d * float(k)
    xhi = ra.hi + k * rd.hi
    nq = int(xhi // rd.lo).bit_length()
    q = Val.constant(float(-k))
    for i in reversed(range(nq)):
        shifted = d * float(1 << i)
        bit = b.step_ge(x - shifted, 0.0, f"{name}.q{i}")
        x = x - b.gate(bit, shifted, f"{name}.s{i}")
        q = q + bit * float(1 << i)
    return q, x


def _table(b: MLPBuilder, xs: list[Val], rs: list[Interval], params: Mapping[str, Any],
           out: Interval, name: str) -> Val:
    entries = _table_entries(params, len(xs))
    default = int(params.get("default", 0) or 0)
    live = {k: v for k, v in entries.items()
            if all(r.lo <= x <= r.hi for r, x in zip(rs, k, strict=True)) and v != default}
    if len(xs) == 1:
        terms = []
        for (key,), v in live.items():
            dlt = xs[0] - float(key)
            c = float(v - default)
            terms += [(b.relu(dlt + 1), c), (b.relu(dlt), -2 * c), (b.relu(dlt - 1), c)]
        if not terms:
            return Val.constant(float(default))
        return b.write(terms, name, out.lo, out.hi, const=float(default))
    terms = []
    for keys, v in live.items():
        hit = Val.constant(0.0)
        for j, (x, kj) in enumerate(zip(xs, keys, strict=True)):
            hit = hit + b.spike(x, float(kj), f"{name}.k{j}={kj}")
        terms.append((b.relu(hit - float(len(xs) - 1)), float(v - default)))
    if not terms:
        return Val.constant(float(default))
    return b.write(terms, name, out.lo, out.hi, const=float(default))


def realise(b: MLPBuilder, prim: str, args: list[Val], rs: list[Interval], out: Interval,
            params: Mapping[str, Any], name: str) -> Val:
    """The readout of ``prim(*args)``; units are added to ``b`` (and the result's range is
    registered with it, so later big-M constants are as small as the program allows)."""
    for v, r in zip(args, rs, strict=True):
        b.register(v, r.lo, r.hi)
    val = _realise(b, prim, args, rs, out, params, name)
    b.register(val, out.lo, out.hi)
    return val


def _realise(b: MLPBuilder, prim: str, args: list[Val], rs: list[Interval], out: Interval,
             params: Mapping[str, Any], name: str) -> Val:
    if out.is_const:
        return Val.constant(float(out.lo))
    a = args[0]
    if prim == "add":
        return a + args[1]
    if prim == "sub":
        return a - args[1]
    if prim == "neg":
        return -a
    if prim == "not":
        return 1.0 - a
    if prim == "mul":
        return _mul(b, a, args[1], rs[0], rs[1], name)
    if prim in ("floordiv", "mod"):
        if rs[1].is_const:
            q, r = _divmod_const(b, a, rs[0], int(rs[1].lo), name)
        else:
            q, r = _divmod_var(b, a, args[1], rs[0], rs[1], name)
        return q if prim == "floordiv" else r
    if prim == "abs":
        return b.write([(b.relu(a), 1.0), (b.relu(-a), 1.0)], name, out.lo, out.hi)
    if prim == "min":
        return args[1] - b.relu_val(args[1] - a, name)
    if prim == "max":
        return args[1] + b.relu_val(a - args[1], name)
    if prim == "eq":
        return b.spike(a - args[1], 0.0, name)
    if prim == "ne":
        return 1.0 - b.spike(a - args[1], 0.0, name)
    if prim == "lt":
        return b.step_ge(args[1] - a, 1.0, name)
    if prim == "le":
        return b.step_ge(args[1] - a, 0.0, name)
    if prim == "gt":
        return b.step_ge(a - args[1], 1.0, name)
    if prim == "ge":
        return b.step_ge(a - args[1], 0.0, name)
    if prim == "and":
        return b.relu_val(a + args[1] - 1.0, name)
    if prim == "or":
        return 1.0 - b.relu_val(1.0 - a - args[1], name)
    if prim == "where":
        c, x, y = args
        if rs[0].is_const:
            return x if rs[0].lo else y
        return y + b.gate(c, x - y, name, (rs[1].lo - rs[2].hi, rs[1].hi - rs[2].lo))
    if prim == "clip":
        lo, hi = float(params["lo"]), float(params["hi"])
        return lo + b.relu_val(a - lo, f"{name}.lo") - b.relu_val(a - hi, f"{name}.hi")
    if prim == "table":
        return _table(b, args, rs, params, out, name)
    raise NotImplementedError(f"no realisation for primitive {prim!r}")  # pragma: no cover
