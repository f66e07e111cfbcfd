"""Closed forms in n for compiled-network sizes: exact fits, checked on every measured n
(docs/compiler.md, "Sizes").

The compiler's sizes are integers that grow with the canvas bound and with the binary digits of
value ranges, with thresholds where a realisation changes (e.g. a constant-divisor staircase
becomes a long division past ``STAIRCASE_MAX_STEPS`` quotient steps). So a closed form, where one
exists, is a small integer combination of ``n``, ``bitlen(n)`` (= floor(log2 n) + 1),
``bitlen(n - 1)`` (= ceil(log2 n)) and their products, valid from some ``n0`` on. :func:`fit`
finds the simplest such combination with rational coefficients that equals the measured value at
*every* measured ``n >= n0`` -- with at least :data:`MIN_SPARE` more points than coefficients, so
a fit is a checked claim, never an interpolation -- and the widest range ``n >= n0`` for which
one exists. It derives nothing from the compiler; the claims are checked again at sizes not used
to fit (tests/weights/test_size_formulas.py).
"""

from __future__ import annotations

import ast
import itertools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

#: The size parameter (canvas bits, target length, input length: as each construction says).
n = sympy.Symbol("n", integer=True, positive=True)


class bitlen(sympy.Function):  # noqa: N801 - reads like the math function it is
    """``bitlen(x) = floor(log2 x) + 1`` for integers ``x >= 1`` (Python's ``int.bit_length``),
    0 at 0; ``bitlen(n - 1) = ceil(log2 n)``. Unevaluated on symbols, exact on integers."""

    is_integer = True

    @classmethod
    def eval(cls, x: Any) -> Any:
        if x.is_Integer and x >= 0:
            return sympy.Integer(int(x).bit_length())
        return None


L = bitlen(n)
C = bitlen(n - 1)
#: Candidate terms, simplest first. Products cover the dense parameter count: rows of a table
#: over ~n positions times a residual width that grows with the digits (``n * L``), and
#: ~L levels of ~L units each reading all ~L residual dimensions (``L**3``).
BASIS: tuple[sympy.Expr, ...] = (sympy.Integer(1), n, L, C, n * L, n * C, L**2, L**3)


def canvas_terms(canvas: sympy.Expr) -> tuple[sympy.Expr, ...]:
    """Terms in the canvas bound ``S(n)`` (itself a fitted formula): positions run over
    ``0 .. S-1``, so a position's binary digits take ``bitlen(S - 1)`` bits and the squared
    position features of the embedding (``(v - lo)^2``) ``bitlen((S - 1)^2)``."""
    return (bitlen(canvas - 1), bitlen((canvas - 1) ** 2))


#: Extra measured points a fit must match beyond its number of coefficients.
MIN_SPARE = 3
#: Most terms in one formula.
MAX_TERMS = 6

#: Names :func:`parse` accepts (formulas are stored as text in the results JSON).
PARSE_LOCALS = {"n": n, "bitlen": bitlen}


@dataclass(frozen=True)
class Fit:
    """``expr`` equals the measured size at every measured n in ``n_from .. n_to``
    (``points`` of them)."""

    expr: sympy.Expr
    n_from: int
    n_to: int
    points: int

    def text(self) -> str:
        return str(self.expr)


def value(expr: sympy.Expr, at: int) -> int:
    """``expr`` at ``n = at``, exactly (an integer, or a ValueError)."""
    out = sympy.nsimplify(expr.subs(n, sympy.Integer(at)))
    if not out.is_Integer:
        raise ValueError(f"{expr} at n={at} is {out}, not an integer")
    return int(out)


_BINOPS: dict[type, Any] = {ast.Add: operator.add, ast.Sub: operator.sub,
                            ast.Mult: operator.mul, ast.Div: operator.truediv,
                            ast.Pow: operator.pow}


def parse(text: str) -> sympy.Expr:
    """A formula as :meth:`Fit.text` wrote it: integers, ``n``, ``bitlen(...)``, ``+ - * / **``.

    Parsed by walking Python's syntax tree over that whitelist -- never ``sympify``, which
    evaluates its text -- so a result file cannot run code; anything else is a ValueError."""

    def build(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return sympy.Integer(node.value)
        if isinstance(node, ast.Name) and node.id in PARSE_LOCALS:
            return PARSE_LOCALS[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](build(node.left), build(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -build(node.operand)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "bitlen" and len(node.args) == 1 and not node.keywords):
            return bitlen(build(node.args[0]))
        raise ValueError(f"not a size formula: {text!r}")

    if len(text) > 1000:
        raise ValueError("size formula longer than 1000 characters")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ValueError(f"not a size formula: {text!r}") from None
    return sympy.sympify(build(tree))


def _term_values(basis: Sequence[sympy.Expr], ns: Sequence[int]) -> list[list[int]]:
    return [[value(b, k) for b in basis] for k in ns]


def _solve(rows: list[list[int]], ys: list[int], cols: Sequence[int]) -> list[Fraction] | None:
    """Coefficients on ``cols`` that reproduce ``ys`` exactly at every row, or None.

    Gaussian elimination over the rationals on rows picked greedily (each row that raises the
    rank); the remaining rows are then checked, so the answer is exact or absent."""
    k = len(cols)
    picked: list[list[Fraction]] = []  # reduced rows (augmented), in echelon form
    pivots: list[int] = []
    for r, y in zip(rows, ys, strict=True):
        row = [Fraction(r[c]) for c in cols] + [Fraction(y)]
        for prow, p in zip(picked, pivots, strict=True):
            if row[p]:
                f = row[p] / prow[p]
                row = [a - f * b for a, b in zip(row, prow, strict=True)]
        piv = next((j for j in range(k) if row[j]), None)
        if piv is None:
            continue
        picked.append(row)
        pivots.append(piv)
        if len(picked) == k:
            break
    if len(picked) < k:
        return None  # the terms are dependent on these points: try another subset
    coef = [Fraction(0)] * k
    for prow, p in reversed(list(zip(picked, pivots, strict=True))):
        s = prow[k] - sum((prow[j] * coef[j] for j in range(k) if j != p), Fraction(0))
        coef[p] = s / prow[p]
    for r, y in zip(rows, ys, strict=True):
        if sum((c * r[j] for c, j in zip(coef, cols, strict=True)), Fraction(0)) != y:
            return None
    return coef


def fit(points: Mapping[int, int], basis: Sequence[sympy.Expr] = BASIS, *,
        max_terms: int = MAX_TERMS, min_spare: int = MIN_SPARE) -> Fit | None:
    """The simplest exact formula over the widest range ``n >= n0`` of measured ``points``
    (``{n: size}``), or None when no combination of at most ``max_terms`` of ``basis`` matches
    at least ``terms + min_spare`` consecutive largest measured n."""
    ns = sorted(points)
    table = _term_values(basis, ns)
    ys = [int(points[k]) for k in ns]
    for start in range(len(ns)):
        rows, yy = table[start:], ys[start:]
        for size in range(1, max_terms + 1):
            if len(rows) < size + min_spare:
                break
            for cols in itertools.combinations(range(len(basis)), size):
                coef = _solve(rows, yy, cols)
                if coef is None:
                    continue
                expr = sympy.Add(*(sympy.Rational(c.numerator, c.denominator) * basis[j]
                                   for c, j in zip(coef, cols, strict=True)))
                return Fit(expr, ns[start], ns[-1], len(rows))
    return None
