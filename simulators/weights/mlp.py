"""Build one MLP sublayer as ReLU units on integer-valued readouts (exact on integers).

An MLP sublayer of the compiled network is a stack of *levels*; each level is one residual
ReLU MLP ``x += W_out ReLU(W_in x + b_in)`` whose outputs go to fresh residual dimensions, so a
later level reads them like any other dimension (no pass-through units are needed). The ReLU
depth of the sublayer is its number of levels. Units are shared: asking twice for ``ReLU(e)`` of
the same affine ``e`` returns one unit (functions are built once, and only when used).

Exactness: every realisation below is exact on *integer* inputs (a unit step on integers is
``ReLU(x-t+1) - ReLU(x-t)``, docs/encoder.md section 3) and Lipschitz, so a small floating
error on an input stays a small error on the output; the output heads round (argmax of
``2vy - v^2`` over the vocabulary), and the tests measure the largest error before rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulators.weights.values import Residual, Val


@dataclass
class Level:
    """One residual ReLU MLP: ``units[i] = ReLU(pre[i])``; ``writes[d] = [(unit, coeff)]``."""

    pre: list[Val] = field(default_factory=list)
    writes: dict[int, list[tuple[int, float]]] = field(default_factory=dict)


class MLPBuilder:
    """Collects the levels of one MLP sublayer."""

    def __init__(self, res: Residual, name: str) -> None:
        self.res = res
        self.name = name
        self.levels: list[Level] = []
        self.dim_level: dict[int, int] = {}  # dims written by this sublayer -> their level
        self._units: dict[tuple, tuple[int, int]] = {}  # CSE: affine pre-activation -> unit
        # Tight ranges of readouts that are program sequences (the program's own intervals):
        # normalised terms -> (first coefficient, const, lo, hi). Big-M constants come from
        # these, not from the (looser) interval sum over dimensions, because a loose M costs
        # floating-point precision (docs/compiler.md, "Precision").
        self._known: dict[tuple, tuple[float, float, float, float]] = {}

    # ------------------------------------------------------------------ primitives

    def level_of(self, v: Val) -> int:
        return max((self.dim_level.get(d, 0) for d in v.dims), default=0)

    def relu(self, v: Val) -> tuple[int, int]:
        """A unit ``ReLU(v)`` as ``(level, index)`` (level = 1 + the level of its inputs)."""
        key = (v.terms, v.const)
        if key in self._units:
            return self._units[key]
        lev = self.level_of(v) + 1
        while len(self.levels) < lev:
            self.levels.append(Level())
        level = self.levels[lev - 1]
        level.pre.append(v)
        unit = (lev, len(level.pre) - 1)
        self._units[key] = unit
        return unit

    def write(self, terms: list[tuple[tuple[int, int], float]], name: str,
              lo: float, hi: float, const: float = 0.0) -> Val:
        """Sum of units (+ ``const``) as a readout; the unit part gets fresh residual dims
        (one per level involved) named ``name``, with the declared value range ``lo..hi``."""
        by_level: dict[int, list[tuple[int, float]]] = {}
        for (lev, idx), c in terms:
            if c != 0.0:
                by_level.setdefault(lev, []).append((idx, c))
        out = Val.constant(const)
        for lev, items in sorted(by_level.items()):
            d = self.res.alloc(f"{name}" if len(by_level) == 1 else f"{name}@{lev}",
                               lo - const, hi - const)
            if len(by_level) > 1:  # split parts: bound each by its own units
                self.res.lo[d], self.res.hi[d] = self._unit_bounds(lev, items)
            self.dim_level[d] = lev
            self.levels[lev - 1].writes[d] = items
            out = out + Val.dim(d)
        return out

    def _unit_bounds(self, lev: int, items: list[tuple[int, float]]) -> tuple[float, float]:
        lo = hi = 0.0
        for idx, c in items:
            _, top = self.res.bounds(self.levels[lev - 1].pre[idx])
            top = max(top, 0.0)
            lo += min(0.0, c * top)
            hi += max(0.0, c * top)
        return lo, hi

    def register(self, v: Val, lo: float, hi: float) -> None:
        """Record that readout ``v`` always lies in ``lo..hi`` (a program sequence's range)."""
        if v.terms:
            c0 = v.terms[0][1]
            key = tuple((d, c / c0) for d, c in v.terms)
            self._known[key] = (c0, v.const, float(lo), float(hi))

    def bounds(self, v: Val) -> tuple[float, float]:
        """An interval holding ``v``: scaled from a registered sequence when ``v`` is an affine
        image of one, else interval arithmetic over the dimensions' ranges."""
        lo, hi = self.res.bounds(v)
        if v.terms:
            c0 = v.terms[0][1]
            hit = self._known.get(tuple((d, c / c0) for d, c in v.terms))
            if hit is not None:
                k0, const, klo, khi = hit
                scale = c0 / k0   # v = scale * (u - const) + v.const
                a, b = scale * (klo - const) + v.const, scale * (khi - const) + v.const
                lo, hi = max(lo, min(a, b)), min(hi, max(a, b))
        return lo, hi

    # ------------------------------------------------------------------ integer gadgets

    def step_ge(self, v: Val, t: float, name: str) -> Val:
        """``[v >= t]`` for integer ``v`` and integer ``t`` (2 units)."""
        lo, hi = self.bounds(v)
        if lo >= t:
            return Val.constant(1.0)
        if hi < t:
            return Val.constant(0.0)
        return self.write([(self.relu(v - (t - 1)), 1.0), (self.relu(v - t), -1.0)], name, 0, 1)

    def spike(self, v: Val, t: float, name: str) -> Val:
        """``[v == t]`` for integer ``v`` (3 units: ReLU(d+1) - 2ReLU(d) + ReLU(d-1))."""
        lo, hi = self.bounds(v)
        if lo > t or hi < t:
            return Val.constant(0.0)
        if lo == hi == t:
            return Val.constant(1.0)
        d = v - t
        return self.write([(self.relu(d + 1), 1.0), (self.relu(d), -2.0), (self.relu(d - 1), 1.0)],
                          name, 0, 1)

    def gate(self, c: Val, a: Val, name: str,
             bound: tuple[float, float] | None = None) -> Val:
        """``a if c else 0`` for boolean ``c`` (big-M: ``ReLU(a - M(1-c)) - ReLU(-a - M(1-c))``,
        ``M`` from ``bound`` -- an interval holding ``a`` -- when given)."""
        clo, chi = self.bounds(c)
        if clo >= 1 and chi <= 1:
            return a
        if chi <= 0 and clo >= 0:
            return Val.constant(0.0)
        alo, ahi = self.bounds(a) if bound is None else bound
        if a.is_const and a.const == 0:
            return Val.constant(0.0)
        m = max(abs(alo), abs(ahi)) + 1.0
        off = (1 - c) * m
        terms = []
        if ahi > 0:
            terms.append((self.relu(a - off), 1.0))
        if alo < 0:
            terms.append((self.relu(-a - off), -1.0))
        return self.write(terms, name, min(alo, 0.0), max(ahi, 0.0))

    def relu_val(self, v: Val, name: str) -> Val:
        lo, hi = self.bounds(v)
        if lo >= 0:
            return v
        if hi <= 0:
            return Val.constant(0.0)
        return self.write([(self.relu(v), 1.0)], name, 0, hi)

    def bits(self, v: Val, nbits: int, name: str) -> list[Val]:
        """Binary digits (least significant first) of an integer ``v`` in ``0..2^nbits-1``:
        the top digit is a step, subtracted, then the next (``nbits`` levels, 2 units each)."""
        digits: list[Val] = [Val.constant(0.0)] * nbits
        rest = v
        for i in reversed(range(nbits)):
            b = self.step_ge(rest, float(1 << i), f"{name}.bit{i}")
            digits[i] = b
            rest = rest - b * float(1 << i)
        return digits

    def square(self, v: Val, lo: int, hi: int, name: str) -> Val:
        """``(v - lo)^2`` for integer ``v`` in ``lo..hi``.

        Small ranges: ``y^2 = y + 2 sum_{t=1}^{R-1} ReLU(y - t)`` (one level, R-1 units). Large
        ranges: from the binary digits, ``y^2 = sum_i 4^i b_i + 2 sum_{i<j} 2^(i+j) AND(b_i, b_j)``
        (digits: log R levels; products: one level of ``ReLU(b_i + b_j - 1)``) -- width
        polynomial in log R, never a lookup over the range.
        """
        y = v - float(lo)
        r = hi - lo
        if r <= 0:
            return Val.constant(0.0)
        nb = int(r).bit_length()
        if r <= 2 * nb * nb:
            terms = [(self.relu(y - float(t)), 2.0) for t in range(1, r)]
            return y + (self.write(terms, name, 0, float(r * r)) if terms else Val.constant(0.0))
        b = self.bits(y, nb, name)
        out = Val.constant(0.0)
        for i in range(nb):
            out = out + b[i] * float(4 ** i)
        pair_terms = []
        for i in range(nb):
            for j in range(i + 1, nb):
                pair_terms.append((self.relu(b[i] + b[j] - 1.0), 2.0 * float(2 ** (i + j))))
        return out + self.write(pair_terms, f"{name}.pairs", 0, float(r * r))
