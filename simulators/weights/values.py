"""Affine readouts of the residual stream and the residual's named dimensions.

A compiled network keeps every materialised quantity in its own dimension of the residual stream
(tracr-style named subspaces). A sequence of the encoder program is then an *affine readout*
``const + sum_d coeff_d * x[d]`` of those dimensions: affine primitives (``add``, ``sub``, scaling
by a constant) cost no dimension and no layer -- they fold into the next linear map that reads
them (a query/key/value projection, an MLP's input layer or an output head), exactly as the
encoder's cost accounting says (docs/encoder.md section 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Val:
    """``const + sum(coeff * x[dim])``: an affine function of the residual stream."""

    terms: tuple[tuple[int, float], ...] = ()
    const: float = 0.0

    @staticmethod
    def dim(d: int, coeff: float = 1.0) -> Val:
        return Val(((d, float(coeff)),), 0.0)

    @staticmethod
    def constant(c: float) -> Val:
        return Val((), float(c))

    def _combine(self, other: Val | float, sign: float) -> Val:
        if not isinstance(other, Val):
            return Val(self.terms, self.const + sign * float(other))
        acc: dict[int, float] = dict(self.terms)
        for d, c in other.terms:
            acc[d] = acc.get(d, 0.0) + sign * c
        return Val(tuple(sorted((d, c) for d, c in acc.items() if c != 0.0)),
                   self.const + sign * other.const)

    def __add__(self, other: Val | float) -> Val:
        return self._combine(other, 1.0)

    def __radd__(self, other: float) -> Val:
        return self._combine(other, 1.0)

    def __sub__(self, other: Val | float) -> Val:
        return self._combine(other, -1.0)

    def __rsub__(self, other: float) -> Val:
        return (self * -1.0) + other

    def __mul__(self, k: float) -> Val:
        k = float(k)
        if k == 0.0:
            return Val((), 0.0)
        return Val(tuple((d, c * k) for d, c in self.terms), self.const * k)

    __rmul__ = __mul__

    def __neg__(self) -> Val:
        return self * -1.0

    @property
    def is_const(self) -> bool:
        return not self.terms

    @property
    def dims(self) -> tuple[int, ...]:
        return tuple(d for d, _ in self.terms)


@dataclass
class Residual:
    """The residual stream's dimensions: a name and a value range for each (for big-M bounds)."""

    names: list[str] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)

    def alloc(self, name: str, lo: float, hi: float) -> int:
        self.names.append(name)
        self.lo.append(float(lo))
        self.hi.append(float(hi))
        return len(self.names) - 1

    def __len__(self) -> int:
        return len(self.names)

    def bounds(self, v: Val) -> tuple[float, float]:
        """Interval of ``v`` given every dimension's range (sound: interval arithmetic)."""
        lo = hi = v.const
        for d, c in v.terms:
            a, b = c * self.lo[d], c * self.hi[d]
            lo += min(a, b)
            hi += max(a, b)
        return lo, hi
