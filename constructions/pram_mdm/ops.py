"""Short names for the encoder-language operations the Theorem-1 network is written in.

Each helper is exactly one encoder primitive (``ew``) or one attention head (``select`` +
``aggregate``), so the per-step program in :mod:`constructions.pram_mdm.program` reads like the
proof while every operation stays a documented transformer layer (docs/encoder.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from simulators.encoder.sequences import Seq, aggregate, const, ew, select

Val = Seq | int


def add(a: Val, b: Val) -> Seq:
    return ew("add", a, b)


def sub(a: Val, b: Val) -> Seq:
    return ew("sub", a, b)


def mul(a: Val, b: Val) -> Seq:
    return ew("mul", a, b)


def eq(a: Val, b: Val) -> Seq:
    return ew("eq", a, b)


def ne(a: Val, b: Val) -> Seq:
    return ew("ne", a, b)


def lt(a: Val, b: Val) -> Seq:
    return ew("lt", a, b)


def le(a: Val, b: Val) -> Seq:
    return ew("le", a, b)


def gt(a: Val, b: Val) -> Seq:
    return ew("gt", a, b)


def ge(a: Val, b: Val) -> Seq:
    return ew("ge", a, b)


def and_(*xs: Val) -> Seq:
    out = xs[0]
    for x in xs[1:]:
        out = ew("and", out, x)
    return out if isinstance(out, Seq) else const(int(out))


def or_(*xs: Val) -> Seq:
    out = xs[0]
    for x in xs[1:]:
        out = ew("or", out, x)
    return out if isinstance(out, Seq) else const(int(out))


def not_(a: Val) -> Seq:
    return ew("not", a)


def where(c: Val, a: Val, b: Val) -> Seq:
    return ew("where", c, a, b)


def clip(a: Val, lo: int, hi: int) -> Seq:
    return ew("clip", a, lo=int(lo), hi=int(hi))


def table(x: Seq, entries: dict[int, int], default: int) -> Seq:
    return ew("table", x, table={int(k): int(v) for k, v in entries.items()}, default=int(default))


def choose(selector: Seq, options: Sequence[Val], default: Val) -> Seq:
    """``options[selector]`` (else ``default``) as a where-chain: a constant number of MLP units
    (R registers, a fixed menu of functions), not a lookup over n."""
    out: Val = default
    for k in range(len(options) - 1, -1, -1):
        out = where(eq(selector, k), options[k], out)
    return out if isinstance(out, Seq) else const(int(out))


def fetch(keys: Seq | int | tuple[Seq | int, ...], queries: Seq | int | tuple[Seq | int, ...],
          values: Seq, mode: str, default: int) -> Seq:
    """One attention head with an equality conjunction (the only predicate this network uses)."""
    ks = keys if isinstance(keys, tuple) else (keys,)
    qs = queries if isinstance(queries, tuple) else (queries,)
    return aggregate(select(ks, qs, tuple("==" for _ in ks)), values, mode, default=default)
