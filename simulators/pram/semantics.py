"""The PRAM instruction semantics, written once (docs/pram-isa.md, "Instructions" and "Words").

Everything that executes a PRAM instruction is derived from this module or checked against it:

* the clarity-first reference interpreter (:mod:`simulators.pram.reference`) and the machine's
  sequential fast path (:mod:`simulators.pram.sequential`) call :func:`unary` / :func:`binary`;
* the machine's vectorised arithmetic (:mod:`simulators.pram.arith`) takes the function list,
  the domain rules and the fault kinds from here;
* the constructions number their function and fault tables from :data:`UN_CODES`,
  :data:`BIN_CODES` and :class:`FaultKind`, and build their domain checks from :data:`DOMAIN`.

``tests/pram/test_edge_values.py`` runs every implementation on edge values (0, +-1, both sides of
every word boundary and of each construction's token range, negative divisors, ``pow`` edges)
against :func:`binary` / :func:`unary` + :func:`check_word`.

The rules, in one place:

* **Words.** A ``w``-bit word holds ``-2^(w-1) .. 2^(w-1)-1``. Every value a register or a memory
  cell receives is checked; outside the word it is an *overflow* fault, never a silent wrap.
  The functions below return the exact mathematical value (a Python int) and the caller checks it
  against the word with :func:`check_word`.
* **Division.** ``div`` rounds towards minus infinity and ``mod`` takes the sign of the divisor
  (Python's ``//`` and ``%``): ``a == b * div(a, b) + mod(a, b)``, ``0 <= mod < |b|`` for
  ``b > 0`` and ``-|b| < mod <= 0`` for ``b < 0``. A zero divisor is a *domain* fault.
* **pow.** A negative exponent is a *domain* fault; ``0^0 = 1``; ``(+-1)^b`` is exact for every
  ``b``; for ``|a| >= 2`` and ``b >= 64`` the value exceeds every word (``>= 2^64``), so it is an
  overflow without being computed.
* **Truth values.** Comparisons, ``and``, ``or`` and ``not`` give 0 or 1; any non-zero is true.
* **log2 / sqrt** are floors; ``log2`` needs ``x >= 1``, ``sqrt`` needs ``x >= 0`` (else domain).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

# FaultKind lives in simulators.errors (the bottom layer, so every error can carry a record);
# it is part of this semantics and re-exported here.
from simulators.errors import FaultKind as FaultKind

#: The kinds a single step can raise (a step network detects exactly these).
STEP_FAULTS: tuple[FaultKind, ...] = tuple(k for k in FaultKind if k <= FaultKind.PROCESSORS)


class InstructionFault(Exception):
    """A fault of one instruction on one processor: its kind and a short reason."""

    def __init__(self, kind: FaultKind, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


# ------------------------------------------------------------------------------------ words
def word_range(bits: int) -> tuple[int, int]:
    """The values a ``bits``-bit word holds: ``(-2^(bits-1), 2^(bits-1) - 1)``."""
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def check_word(value: int, lo: int, hi: int) -> int:
    """``value`` if ``lo <= value <= hi``, else an overflow fault."""
    if not lo <= value <= hi:
        raise InstructionFault(FaultKind.OVERFLOW, "overflow")
    return value


# ------------------------------------------------------------------------------------ domains
@dataclass(frozen=True)
class DomainRule:
    """A function's domain restriction as data: operand ``operand`` compared by ``compare``
    (``eq`` / ``lt`` / ``le``) with ``bound`` is a fault. Each implementation (Python ints, numpy
    vectors, encoder programs) builds its check from this record instead of retyping it."""

    operand: str  # "a" (first operand) or "b" (second)
    compare: str
    bound: int
    reason: str

    def violated(self, a: int, b: int = 0) -> bool:
        x = a if self.operand == "a" else b
        return bool(_COMPARE[self.compare](x, self.bound))


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
    "gt": operator.gt, "ge": operator.ge,
}

_ZERO_DIVISOR = DomainRule("b", "eq", 0, "division by zero")
#: Function name -> the domain rule it has (functions not listed are total).
DOMAIN: dict[str, DomainRule] = {
    "div": _ZERO_DIVISOR,
    "mod": _ZERO_DIVISOR,
    "pow": DomainRule("b", "lt", 0, "negative exponent"),
    "log2": DomainRule("a", "le", 0, "log2 of a non-positive value"),
    "sqrt": DomainRule("a", "lt", 0, "sqrt of a negative value"),
}

#: Exponents from which ``|a|^b`` (``|a| >= 2``) exceeds every word: ``2^64 > 2^63 - 1``.
POW_OVERFLOW_EXPONENT = 64


# ------------------------------------------------------------------------------------ functions
def _pow(a: int, b: int) -> int:
    if abs(a) >= 2 and b >= POW_OVERFLOW_EXPONENT:
        raise InstructionFault(FaultKind.OVERFLOW, "overflow")  # >= 2^64: no word holds it
    return a**b


def _log2(a: int) -> int:
    return a.bit_length() - 1


#: The UN functions of the ISA (a fixed order: the constructions' function codes are indices).
UNARY: dict[str, Callable[[int], int]] = {
    "neg": operator.neg,
    "not": lambda a: int(a == 0),
    "abs": abs,
    "log2": _log2,
    "sqrt": math.isqrt,
}

#: The BIN functions of the ISA (a fixed order, as for UNARY).
BINARY: dict[str, Callable[[int, int], int]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.floordiv,   # rounds towards minus infinity
    "mod": operator.mod,        # the sign of the divisor
    "pow": _pow,
    "min": min,
    "max": max,
    "eq": lambda a, b: int(a == b),
    "ne": lambda a, b: int(a != b),
    "lt": lambda a, b: int(a < b),
    "le": lambda a, b: int(a <= b),
    "gt": lambda a, b: int(a > b),
    "ge": lambda a, b: int(a >= b),
    "and": lambda a, b: int(a != 0 and b != 0),
    "or": lambda a, b: int(a != 0 or b != 0),
}

UN_FNS: tuple[str, ...] = tuple(UNARY)
BIN_FNS: tuple[str, ...] = tuple(BINARY)
#: Function codes shared by both constructions' instruction tables.
UN_CODES: dict[str, int] = {fn: i for i, fn in enumerate(UN_FNS)}
BIN_CODES: dict[str, int] = {fn: i for i, fn in enumerate(BIN_FNS)}

#: One-line meaning of every function (docs/pram-isa.md's table is generated from this).
MEANING: dict[str, str] = {
    "neg": "-x", "not": "1 if x == 0 else 0", "abs": "abs(x)",
    "log2": "floor(log2 x); domain fault if x <= 0", "sqrt": "floor(sqrt x); domain fault if x < 0",
    "add": "a + b", "sub": "a - b", "mul": "a * b",
    "div": "floor(a / b) (towards minus infinity); domain fault if b == 0",
    "mod": "a - b * div(a, b) (sign of b); domain fault if b == 0",
    "pow": "a^b, 0^0 = 1; domain fault if b < 0; overflow if abs(a) >= 2 and b >= 64",
    "min": "min(a, b)", "max": "max(a, b)",
    "eq": "1 if a == b else 0", "ne": "1 if a != b else 0", "lt": "1 if a < b else 0",
    "le": "1 if a <= b else 0", "gt": "1 if a > b else 0", "ge": "1 if a >= b else 0",
    "and": "1 if a != 0 and b != 0 else 0", "or": "1 if a != 0 or b != 0 else 0",
}


def unary(fn: str, a: int) -> int:
    """``fn(a)``: the exact value, or an :class:`InstructionFault` (domain / pow overflow).
    The caller checks the word (:func:`check_word`)."""
    rule = DOMAIN.get(fn)
    if rule is not None and rule.violated(a):
        raise InstructionFault(FaultKind.DOMAIN, rule.reason)
    return UNARY[fn](a)


def binary(fn: str, a: int, b: int) -> int:
    """``fn(a, b)``: the exact value, or an :class:`InstructionFault`; see :func:`unary`."""
    rule = DOMAIN.get(fn)
    if rule is not None and rule.violated(a, b):
        raise InstructionFault(FaultKind.DOMAIN, rule.reason)
    return BINARY[fn](a, b)


def apply(fn: str, a: int, b: int, lo: int, hi: int) -> int:
    """``fn`` (UN when ``fn`` is unary, with ``b`` ignored) then the word check: what a register
    receives, or the fault. The single definition the edge-value tests compare against."""
    v = unary(fn, a) if fn in UNARY else binary(fn, a, b)
    return check_word(v, lo, hi)


def semantics_table() -> str:
    """The Markdown table of every UN/BIN function (embedded in docs/pram-isa.md; a test keeps
    the two equal)."""
    rows = ["| op | fn | code | value |", "|---|---|---|---|"]
    rows += [f"| `UN` | `{fn}` | {UN_CODES[fn]} | {MEANING[fn]} |" for fn in UN_FNS]
    rows += [f"| `BIN` | `{fn}` | {BIN_CODES[fn]} | {MEANING[fn]} |" for fn in BIN_FNS]
    return "\n".join(rows)


def fault_table() -> str:
    """The Markdown table of fault kinds (embedded in docs/pram-isa.md)."""
    rows = ["| code | kind | title |", "|---|---|---|"]
    rows += [f"| {int(k)} | `{k.name}` | {k.title} |" for k in FaultKind]
    return "\n".join(rows)
