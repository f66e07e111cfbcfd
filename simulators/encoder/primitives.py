"""The registry of elementwise primitives and the MLP that realises each one.

Every primitive maps the values at one position to a new value and is realised by a small ReLU
MLP acting on the (exact, integer-valued) inputs. For each we document the realisation that the
weight compiler will use: ``hidden_layers`` (ReLU layers; 0 means an affine map that folds into
the neighbouring linear layers), ``hidden_width`` (neurons) and ``precision_bits`` (fixed-point
bits for the realisation to be exact on the declared input ranges). The constructions are exact
on integers because a step on integers needs only two ReLUs: ``[x >= t] = ReLU(x-t+1) - ReLU(x-t)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulators.encoder.intervals import Interval, hull
from simulators.errors import EncoderProgramError

Arrays = list[np.ndarray]
Ranges = list[Interval]
Params = Mapping[str, Any]

# Tables are constants of fixed size baked into weights; keep them bounded.
MAX_TABLE_ENTRIES = 1 << 16
# A multi-key table is looked up through a dense mixed-radix array of at most this many cells.
MAX_TABLE_DOMAIN = 1 << 22


@dataclass(frozen=True)
class Realisation:
    """How one MLP computes a primitive exactly on the declared ranges."""

    hidden_layers: int
    hidden_width: int
    precision_bits: int


@dataclass(frozen=True)
class Primitive:
    """An elementwise primitive: numpy semantics, range rule and MLP realisation."""

    name: str
    arity: int
    compute: Callable[[Arrays, Params], np.ndarray]
    out_range: Callable[[Ranges, Params], Interval]
    realise: Callable[[Ranges, Params, Interval], Realisation]
    doc: str
    params: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    # Optional: parse the parameters once per node (``prepare(params, arity)``), then evaluate
    # with ``compute_prepared(args, prepared)`` -- the interpreter caches the prepared form.
    prepare: Callable[[Params, int], Any] | None = None
    compute_prepared: Callable[[Arrays, Any], np.ndarray] | None = None

    def check_call(self, nargs: int, params: Params) -> None:
        """Reject a wrong number of arguments or unknown / missing keyword parameters."""
        if self.arity >= 0 and nargs != self.arity:
            raise EncoderProgramError(
                f"ew({self.name!r}) takes {self.arity} argument(s), got {nargs}")
        if self.arity < 0 and nargs < 1:
            raise EncoderProgramError(f"ew({self.name!r}) needs at least one argument")
        unknown = set(params) - set(self.params)
        if unknown:
            raise EncoderProgramError(
                f"ew({self.name!r}): unknown parameter(s) {sorted(unknown)}; "
                f"allowed: {list(self.params)}")
        missing = [p for p in self.required if p not in params]
        if missing:
            raise EncoderProgramError(f"ew({self.name!r}): missing parameter(s) {missing}")


def _bits(*rs: Interval) -> int:
    return max(r.bits for r in rs)


def _affine(rs: Ranges, p: Params, out: Interval) -> Realisation:
    return Realisation(0, 0, _bits(out, *rs))


def _width(w: int) -> Callable[[Ranges, Params, Interval], Realisation]:
    def realise(rs: Ranges, p: Params, out: Interval) -> Realisation:
        return Realisation(1, w, _bits(out, *rs) + 1)
    return realise


def _corners(f: Callable[[int, int], int], a: Interval, b: Interval) -> Interval:
    return hull([f(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)])


def _need_bool(name: str, rs: Ranges) -> None:
    for i, r in enumerate(rs):
        if not r.is_bool:
            raise EncoderProgramError(
                f"ew({name!r}): argument {i} must be boolean (range within 0..1), has range {r}")


def _nonzero_divisor(name: str, b: Interval) -> None:
    if b.lo <= 0 <= b.hi:
        raise EncoderProgramError(
            f"ew({name!r}): divisor range {b} contains 0 (division by zero is undefined)")


# ----------------------------------------------------------------------------- arithmetic


def _mul_real(rs: Ranges, p: Params, out: Interval) -> Realisation:
    a, b = rs
    if a.is_const or b.is_const:
        return Realisation(0, 0, _bits(out, a, b))  # scaling by a constant is linear
    if a.is_bool or b.is_bool:
        return Realisation(1, 2, _bits(out, a, b) + 1)  # gating with a big-M bias, as `where`
    # General product of two bounded integers: a lookup over all pairs (one spike per pair).
    return Realisation(1, 3 * a.size * b.size, _bits(out, a, b) + 1)


def _div_real(rs: Ranges, p: Params, out: Interval) -> Realisation:
    a, b = rs
    if b.is_const:
        # A staircase with one integer step (2 ReLUs) per change of the quotient over a's range.
        steps = abs(a.hi // b.lo - a.lo // b.lo)
        # (+2: mod also passes a through, a = ReLU(a) - ReLU(-a)).
        return Realisation(1, 2 * steps + 2, _bits(out, a, b) + 1)
    return Realisation(1, 3 * a.size * b.size, _bits(out, a, b) + 1)


def _floordiv_range(rs: Ranges, p: Params) -> Interval:
    _nonzero_divisor("floordiv", rs[1])
    return _corners(lambda x, y: x // y, *rs)


def _mod_range(rs: Ranges, p: Params) -> Interval:
    a, b = rs
    _nonzero_divisor("mod", b)
    if b.lo > 0:
        if a.lo >= 0:
            return Interval(0, min(a.hi, b.hi - 1))
        return Interval(0, b.hi - 1)
    if a.hi <= 0:
        return Interval(max(a.lo, b.lo + 1), 0)
    return Interval(b.lo + 1, 0)


def _abs_range(rs: Ranges, p: Params) -> Interval:
    a = rs[0]
    if a.lo >= 0:
        return a
    if a.hi <= 0:
        return Interval(-a.hi, -a.lo)
    return Interval(0, max(-a.lo, a.hi))


def _where_range(rs: Ranges, p: Params) -> Interval:
    c, a, b = rs
    _need_bool("where", [c])
    if c.lo == c.hi == 1:
        return a
    if c.lo == c.hi == 0:
        return b
    return a.union(b)


def _bool_range(name: str) -> Callable[[Ranges, Params], Interval]:
    def out(rs: Ranges, p: Params) -> Interval:
        _need_bool(name, rs)
        return Interval(0, 1)
    return out


def _cmp_range(rs: Ranges, p: Params) -> Interval:
    return Interval(0, 1)


def _clip_range(rs: Ranges, p: Params) -> Interval:
    lo, hi = int(p["lo"]), int(p["hi"])
    if lo > hi:
        raise EncoderProgramError(f"ew('clip'): lo={lo} > hi={hi}")
    a = rs[0]
    return Interval(min(max(a.lo, lo), hi), min(max(a.hi, lo), hi))


# ----------------------------------------------------------------------------- table lookup


def _table_entries(p: Params, arity: int) -> dict[tuple[int, ...], int]:
    table = p["table"]
    if not isinstance(table, Mapping):
        raise EncoderProgramError("ew('table'): `table` must be a dict key -> int")
    if len(table) > MAX_TABLE_ENTRIES:
        raise EncoderProgramError(
            f"ew('table'): {len(table)} entries exceed the limit of {MAX_TABLE_ENTRIES}")
    out: dict[tuple[int, ...], int] = {}
    for key, value in table.items():
        k = key if isinstance(key, tuple) else (key,)
        if len(k) != arity:
            raise EncoderProgramError(
                f"ew('table'): key {key!r} has {len(k)} component(s), the lookup has "
                f"{arity} input(s)")
        try:
            out[tuple(int(x) for x in k)] = int(value)
        except (TypeError, ValueError) as exc:
            raise EncoderProgramError(f"ew('table'): non-integer entry {key!r}: {value!r}") from exc
    return out


def _domain_size(rs: Ranges) -> int:
    size = 1
    for r in rs:
        size *= r.size
    return size


def _table_range(rs: Ranges, p: Params) -> Interval:
    entries = _table_entries(p, len(rs))
    inside = [v for k, v in entries.items()
              if all(r.contains(x) for r, x in zip(rs, k, strict=True))]
    default = p.get("default")
    if default is None:
        if len(inside) < _domain_size(rs):
            raise EncoderProgramError(
                "ew('table'): no `default` and the table does not cover every input in "
                f"{' x '.join(str(r) for r in rs)}")
        return hull(inside)
    if len(rs) > 1 and _domain_size(rs) > MAX_TABLE_DOMAIN:
        raise EncoderProgramError(
            f"ew('table'): multi-key domain of {_domain_size(rs)} cells exceeds {MAX_TABLE_DOMAIN}")
    return hull(inside + [int(default)])


def _table_real(rs: Ranges, p: Params, out: Interval) -> Realisation:
    n = len(_table_entries(p, len(rs)))
    # One spike (3 ReLUs: ReLU(d+1) - 2 ReLU(d) + ReLU(d-1)) per listed key, summed with the
    # entry's value; a multi-key spike first sums per-component spikes and thresholds (layer 2).
    if len(rs) == 1:
        return Realisation(1, 3 * n, _bits(out, *rs) + 1)
    return Realisation(2, 3 * n * len(rs) + n, _bits(out, *rs) + 1)


def _table_prepare(p: Params, arity: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The table as arrays (keys ``(n, arity)``, values, default), parsed once per node."""
    entries = _table_entries(p, arity)
    default = int(p.get("default", 0) or 0)
    keys = np.array(list(entries.keys()), dtype=np.int64).reshape(len(entries), arity)
    vals = np.array(list(entries.values()), dtype=np.int64)
    order = np.lexsort(keys.T[::-1]) if len(keys) else np.zeros(0, dtype=np.int64)
    return keys[order], vals[order], default


def _table_lookup(xs: Arrays, prepared: tuple[np.ndarray, np.ndarray, int]) -> np.ndarray:
    keys, vals, default = prepared
    if len(xs) == 1:
        flat_x, flat_k = xs[0], keys[:, 0]
    else:
        # Mixed radix over the data's own spans (<= the declared domain, which the validator
        # bounds by MAX_TABLE_DOMAIN); entries outside those spans can never match, drop them.
        lows = [int(x.min()) if x.size else 0 for x in xs]
        highs = [int(x.max()) if x.size else 0 for x in xs]
        keep = np.ones(len(keys), dtype=bool)
        for i in range(len(xs)):
            keep &= (keys[:, i] >= lows[i]) & (keys[:, i] <= highs[i])
        keys, vals = keys[keep], vals[keep]
        flat_x = np.zeros(xs[0].shape, dtype=np.int64)
        flat_k = np.zeros(len(keys), dtype=np.int64)
        for i, x in enumerate(xs):
            span = highs[i] - lows[i] + 1
            flat_x = flat_x * span + (x - lows[i])
            flat_k = flat_k * span + (keys[:, i] - lows[i])
    out = np.full(flat_x.shape, default, dtype=np.int64)
    if len(flat_k):
        # Lexicographic key order = mixed-radix order, so flat_k is already sorted.
        pos = np.minimum(np.searchsorted(flat_k, flat_x), len(flat_k) - 1)
        hit = flat_k[pos] == flat_x
        out[hit] = vals[pos[hit]]
    return out


def _table_compute(xs: Arrays, p: Params) -> np.ndarray:
    return _table_lookup(xs, _table_prepare(p, len(xs)))


# ----------------------------------------------------------------------------- registry


def _i64(x: np.ndarray) -> np.ndarray:
    return x.astype(np.int64, copy=False)


def _p(name: str, arity: int, compute: Callable[[Arrays, Params], np.ndarray],
       out_range: Callable[[Ranges, Params], Interval],
       realise: Callable[[Ranges, Params, Interval], Realisation], doc: str,
       params: tuple[str, ...] = (), required: tuple[str, ...] = (),
       prepare: Callable[[Params, int], Any] | None = None,
       compute_prepared: Callable[[Arrays, Any], np.ndarray] | None = None) -> Primitive:
    return Primitive(name, arity, compute, out_range, realise, doc, params, required, prepare,
                     compute_prepared)


PRIMITIVES: dict[str, Primitive] = {p.name: p for p in [
    _p("add", 2, lambda x, p: x[0] + x[1],
       lambda r, p: Interval(r[0].lo + r[1].lo, r[0].hi + r[1].hi), _affine,
       "a + b. Affine: no hidden layer (folds into the next linear map)."),
    _p("sub", 2, lambda x, p: x[0] - x[1],
       lambda r, p: Interval(r[0].lo - r[1].hi, r[0].hi - r[1].lo), _affine,
       "a - b. Affine: no hidden layer."),
    _p("neg", 1, lambda x, p: -x[0], lambda r, p: Interval(-r[0].hi, -r[0].lo), _affine,
       "-a. Affine: no hidden layer."),
    _p("mul", 2, lambda x, p: x[0] * x[1], lambda r, p: _corners(lambda a, b: a * b, *r), _mul_real,
       "a * b. By a constant: affine. By a boolean c: ReLU(a - M(1-c)) - ReLU(-a - M(1-c)), "
       "1 layer, width 2. Otherwise a lookup over all |A|*|B| pairs: 1 layer, width 3|A||B|."),
    _p("floordiv", 2, lambda x, p: np.floor_divide(x[0], x[1]), _floordiv_range, _div_real,
       "floor(a / b), b's range must exclude 0. By a constant: 1 layer, a staircase with one "
       "2-ReLU step per quotient value. Otherwise a pair lookup (width 3|A||B|)."),
    _p("mod", 2, lambda x, p: np.mod(x[0], x[1]), _mod_range, _div_real,
       "a mod b with the sign of b (Python semantics); b's range must exclude 0. Realised as "
       "a - b*floor(a/b): same MLP as floordiv."),
    _p("abs", 1, lambda x, p: np.abs(x[0]), _abs_range, _width(2),
       "|a| = ReLU(a) + ReLU(-a): 1 layer, width 2."),
    _p("min", 2, lambda x, p: np.minimum(x[0], x[1]),
       lambda r, p: Interval(min(r[0].lo, r[1].lo), min(r[0].hi, r[1].hi)), _width(3),
       "min(a, b) = ReLU(b) - ReLU(-b) - ReLU(b - a): 1 layer, width 3."),
    _p("max", 2, lambda x, p: np.maximum(x[0], x[1]),
       lambda r, p: Interval(max(r[0].lo, r[1].lo), max(r[0].hi, r[1].hi)), _width(3),
       "max(a, b) = ReLU(b) - ReLU(-b) + ReLU(a - b): 1 layer, width 3."),
    _p("eq", 2, lambda x, p: _i64(x[0] == x[1]), _cmp_range, _width(3),
       "[a == b] = ReLU(d+1) - 2ReLU(d) + ReLU(d-1), d = a-b (exact on integers): 1 layer, "
       "width 3."),
    _p("ne", 2, lambda x, p: _i64(x[0] != x[1]), _cmp_range, _width(3),
       "[a != b] = 1 - [a == b]: 1 layer, width 3."),
    _p("lt", 2, lambda x, p: _i64(x[0] < x[1]), _cmp_range, _width(2),
       "[a < b] = ReLU(b-a) - ReLU(b-a-1) (integers): 1 layer, width 2."),
    _p("le", 2, lambda x, p: _i64(x[0] <= x[1]), _cmp_range, _width(2),
       "[a <= b] = ReLU(b-a+1) - ReLU(b-a): 1 layer, width 2."),
    _p("gt", 2, lambda x, p: _i64(x[0] > x[1]), _cmp_range, _width(2),
       "[a > b]: as lt with the arguments swapped: 1 layer, width 2."),
    _p("ge", 2, lambda x, p: _i64(x[0] >= x[1]), _cmp_range, _width(2),
       "[a >= b]: as le with the arguments swapped: 1 layer, width 2."),
    _p("and", 2, lambda x, p: x[0] & x[1], _bool_range("and"), _width(1),
       "a AND b = ReLU(a + b - 1) on booleans: 1 layer, width 1."),
    _p("or", 2, lambda x, p: x[0] | x[1], _bool_range("or"), _width(1),
       "a OR b = 1 - ReLU(1 - a - b) on booleans: 1 layer, width 1."),
    _p("not", 1, lambda x, p: 1 - x[0], _bool_range("not"), _affine,
       "NOT a = 1 - a on booleans: affine."),
    _p("where", 3, lambda x, p: np.where(x[0] != 0, x[1], x[2]), _where_range, _width(4),
       "c ? a : b with boolean c: ReLU(a - M(1-c)) - ReLU(-a - M(1-c)) + (same for b with c), "
       "M >= max|a|,|b|: 1 layer, width 4."),
    _p("clip", 1, lambda x, p: np.clip(x[0], int(p["lo"]), int(p["hi"])), _clip_range, _width(2),
       "min(max(a, lo), hi) = lo + ReLU(a - lo) - ReLU(a - hi): 1 layer, width 2.",
       params=("lo", "hi"), required=("lo", "hi")),
    _p("table", -1, lambda x, p: _table_compute(x, p), _table_range, _table_real,
       "Lookup in a constant table {key: value} (key an int, or a tuple of ints for several "
       "inputs); keys absent map to `default` (required unless the table covers the input "
       "range). Single key: sum of (value - default) * spike(x - key) + default, one 3-ReLU spike "
       "per entry: 1 layer, width 3n. Tuple keys (m inputs): per-component spikes, then "
       "ReLU(sum - (m-1)) per entry: 2 layers, width 3nm + n.",
       params=("table", "default"), required=("table",),
       prepare=_table_prepare, compute_prepared=_table_lookup),
]}
