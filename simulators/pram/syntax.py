"""The syntax tree of a ``.pram`` program: expressions (also the declared bounds) and statements.

Bound expressions (``processors P(n)``, ``time T(n)``, ``memory S(n)``, array sizes) use the same
:class:`Expr` nodes as code. They can be evaluated exactly for concrete sizes
(:meth:`Expr.evaluate`) and converted to sympy node by node (:meth:`Expr.to_sympy`) -- never by
handing text to ``sympify`` -- so the constructions can reason about P(n) and T(n) symbolically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from simulators.errors import ValidationError

Number = Fraction | float

#: Functions allowed in bound expressions (real-valued) and their arities.
BOUND_FUNCTIONS: dict[str, tuple[int, int]] = {
    "log2": (1, 1),
    "ceil": (1, 1),
    "floor": (1, 1),
    "sqrt": (1, 1),
    "abs": (1, 1),
    "min": (2, 8),
    "max": (2, 8),
}


@dataclass(frozen=True)
class Pos:
    """Where a node starts in the source (1-based)."""

    line: int = 0
    col: int = 0


@dataclass(frozen=True)
class Expr:
    """Base class of expression nodes; ``pos`` does not take part in equality."""

    pos: Pos = field(default=Pos(), compare=False, repr=False, kw_only=True)

    def evaluate(self, env: dict[str, int]) -> int:
        """Value for concrete size parameters (exact rationals; the final value rounded up).

        A bound is an upper bound, so a non-integer final value is rounded *up* (documented in
        docs/pram.md); ``ceil``/``floor`` of ``log2``/``sqrt`` of integers are exact.
        Raises :class:`ValidationError` for an undefined value (log2 of 0, ...).
        """
        value = self._value(env)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValidationError(f"bound expression is not finite at {env}")
            return math.ceil(value)
        return math.ceil(value)

    def _value(self, env: dict[str, int]) -> Number:
        raise NotImplementedError

    def to_sympy(self):  # noqa: ANN201 -- sympy types are dynamic
        """A sympy expression in the size parameters (integer, non-negative symbols)."""
        raise NotImplementedError

    def names(self) -> set[str]:
        """Identifiers this expression mentions."""
        return set()


@dataclass(frozen=True)
class Num(Expr):
    value: int

    def _value(self, env: dict[str, int]) -> Number:
        return Fraction(self.value)

    def to_sympy(self):  # noqa: ANN201
        import sympy

        return sympy.Integer(self.value)


@dataclass(frozen=True)
class Name(Expr):
    name: str

    def _value(self, env: dict[str, int]) -> Number:
        if self.name not in env:
            raise ValidationError(f"unknown size parameter '{self.name}' in a bound expression")
        return Fraction(env[self.name])

    def to_sympy(self):  # noqa: ANN201
        import sympy

        return sympy.Symbol(self.name, integer=True, nonnegative=True)

    def names(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True)
class Index(Expr):
    """``X[e]``: a shared-memory read (code only, not allowed in bounds)."""

    array: str
    index: Expr

    def _value(self, env: dict[str, int]) -> Number:
        raise ValidationError("array reads are not allowed in bound expressions")

    def to_sympy(self):  # noqa: ANN201
        raise ValidationError("array reads are not allowed in bound expressions")

    def names(self) -> set[str]:
        return {self.array} | self.index.names()


@dataclass(frozen=True)
class Unary(Expr):
    op: str  # "neg" | "not"
    operand: Expr

    def _value(self, env: dict[str, int]) -> Number:
        v = self.operand._value(env)
        if self.op == "neg":
            return -v
        raise ValidationError(f"operator '{self.op}' is not allowed in bound expressions")

    def to_sympy(self):  # noqa: ANN201
        if self.op == "neg":
            return -self.operand.to_sympy()
        raise ValidationError(f"operator '{self.op}' is not allowed in bound expressions")

    def names(self) -> set[str]:
        return self.operand.names()


#: Binary operators of the language (code meaning in docs/pram.md).
ARITH_OPS = ("add", "sub", "mul", "div", "fdiv", "mod", "pow")
COMPARE_OPS = ("eq", "ne", "lt", "le", "gt", "ge")
LOGIC_OPS = ("and", "or")


@dataclass(frozen=True)
class Binary(Expr):
    op: str  # one of ARITH_OPS + COMPARE_OPS + LOGIC_OPS; "div" is '/', "fdiv" is '//'
    left: Expr
    right: Expr

    def _value(self, env: dict[str, int]) -> Number:
        a, b = self.left._value(env), self.right._value(env)
        op = self.op
        if op == "add":
            return a + b
        if op == "sub":
            return a - b
        if op == "mul":
            return a * b
        if op in ("div", "fdiv", "mod") and b == 0:
            raise ValidationError(f"division by zero in a bound expression at {env}")
        if op == "div":
            return a / b
        if op == "fdiv":
            return Fraction(math.floor(a / b))
        if op == "mod":
            return a - b * math.floor(a / b)
        if op == "pow":
            return _power(a, b, env)
        raise ValidationError(f"operator '{op}' is not allowed in bound expressions")

    def to_sympy(self):  # noqa: ANN201
        import sympy

        a, b = self.left.to_sympy(), self.right.to_sympy()
        op = self.op
        if op == "add":
            return a + b
        if op == "sub":
            return a - b
        if op == "mul":
            return a * b
        if op == "div":
            return a / b
        if op == "fdiv":
            return sympy.floor(a / b)
        if op == "mod":
            return sympy.Mod(a, b)
        if op == "pow":
            return sympy.Pow(a, b)
        raise ValidationError(f"operator '{op}' is not allowed in bound expressions")

    def names(self) -> set[str]:
        return self.left.names() | self.right.names()


def _power(a: Number, b: Number, env: dict[str, int]) -> Number:
    if isinstance(b, Fraction) and b.denominator == 1 and isinstance(a, Fraction):
        if abs(b) > 4096:
            raise ValidationError(f"exponent too large in a bound expression at {env}")
        if a == 0 and b < 0:
            raise ValidationError(f"0 to a negative power in a bound expression at {env}")
        return a ** int(b)
    if a < 0:
        raise ValidationError(f"negative base with a fractional exponent at {env}")
    try:
        return float(a) ** float(b)
    except OverflowError as err:
        raise ValidationError(f"bound expression overflows at {env}") from err


@dataclass(frozen=True)
class Call(Expr):
    fn: str
    args: tuple[Expr, ...]

    def _value(self, env: dict[str, int]) -> Number:
        vals = [a._value(env) for a in self.args]
        fn = self.fn
        if fn == "min":
            return min(vals)
        if fn == "max":
            return max(vals)
        (x,) = vals
        if fn == "abs":
            return -x if x < 0 else x
        if fn == "ceil":
            return Fraction(math.ceil(x))
        if fn == "floor":
            return Fraction(math.floor(x))
        if fn == "log2":
            if x <= 0:
                raise ValidationError(f"log2 of {x} (must be > 0) in a bound expression at {env}")
            return _exact_log2(x)
        if fn == "sqrt":
            if x < 0:
                raise ValidationError(f"sqrt of {x} in a bound expression at {env}")
            return _exact_sqrt(x)
        raise ValidationError(f"unknown function '{fn}' in a bound expression")

    def to_sympy(self):  # noqa: ANN201
        import sympy

        args = [a.to_sympy() for a in self.args]
        table = {
            "min": lambda: sympy.Min(*args),
            "max": lambda: sympy.Max(*args),
            "abs": lambda: sympy.Abs(args[0]),
            "ceil": lambda: sympy.ceiling(args[0]),
            "floor": lambda: sympy.floor(args[0]),
            "log2": lambda: sympy.log(args[0], 2),
            "sqrt": lambda: sympy.sqrt(args[0]),
        }
        if self.fn not in table:
            raise ValidationError(f"unknown function '{self.fn}' in a bound expression")
        return table[self.fn]()

    def names(self) -> set[str]:
        out: set[str] = set()
        for a in self.args:
            out |= a.names()
        return out


def _exact_log2(x: Number) -> Number:
    """log2, exact when x is a power of two (so ``ceil(log2(n))`` is exact for integers)."""
    if isinstance(x, Fraction):
        num, den = x.numerator, x.denominator
        if den == 1 and num & (num - 1) == 0:
            return Fraction(num.bit_length() - 1)
        if num == 1 and den & (den - 1) == 0:
            return Fraction(-(den.bit_length() - 1))
        if den == 1 and num > 0:
            # log2 of a non-power of two lies strictly between k and k+1; keep it there even
            # when the float fraction rounds to 0 or 1 (n = 2^k + 1 with k > 40), so that
            # ceil/floor(log2(n)) stay exact for every n.
            k = num.bit_length() - 1
            return k + _strictly_inside(math.log2(num / (1 << k)))
    return math.log2(x)


def _exact_sqrt(x: Number) -> Number:
    if isinstance(x, Fraction) and x.denominator == 1:
        r = math.isqrt(x.numerator)
        if r * r == x.numerator:
            return Fraction(r)
        return r + _strictly_inside(math.sqrt(x.numerator) - r)
    return math.sqrt(x)


def _strictly_inside(frac: float) -> Fraction:
    """A fraction known to lie in (0, 1), kept there despite float rounding (as an exact
    rational, so adding a large integer part cannot round it away)."""
    return Fraction(min(max(frac, 1e-12), 1.0 - 1e-12))


# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class Stmt:
    pos: Pos = field(default=Pos(), compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Assign(Stmt):
    """``x := e`` (a processor-local variable)."""

    name: str
    value: Expr


@dataclass(frozen=True)
class Store(Stmt):
    """``X[i] := e`` (a shared-memory write)."""

    array: str
    index: Expr
    value: Expr


@dataclass(frozen=True)
class If(Stmt):
    cond: Expr
    then: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]


@dataclass(frozen=True)
class While(Stmt):
    cond: Expr
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class For(Stmt):
    """``for v in lo .. hi do ... end`` (sequential) or ``... pardo ... end`` (parallel)."""

    var: str
    lo: Expr
    hi: Expr
    body: tuple[Stmt, ...]
    parallel: bool


@dataclass(frozen=True)
class Skip(Stmt):
    """``skip``: does nothing and costs no step."""


# ---------------------------------------------------------------- the program


@dataclass(frozen=True)
class ArrayDeclAst:
    name: str
    role: str  # "input" | "output" | "inout" | "shared"
    size: Expr | None  # None for ``output A`` naming an input array
    pos: Pos = field(default=Pos(), compare=False, repr=False)


@dataclass(frozen=True)
class ProgramAst:
    name: str
    model: str
    word_bits: int
    params: tuple[str, ...]
    arrays: tuple[ArrayDeclAst, ...]
    processors: Expr
    time: Expr
    memory: Expr | None
    body: tuple[Stmt, ...]
    header_pos: dict[str, Pos] = field(default_factory=dict, compare=False, repr=False)
