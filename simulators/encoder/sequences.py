"""The nodes of an encoder program: per-position sequences and the selections between them.

A program is a DAG built with the functions below (RASP-like). Sources read the canvas
(:func:`tokens`, :func:`indices`, :func:`length`), are constant (:func:`const`) or are drawn at
random per position per step (:func:`random_uniform`); :func:`ew` applies a registered
elementwise primitive (one MLP); :func:`select` + :func:`aggregate` form one attention head.

Nodes carry no value range here: ranges are propagated by interval arithmetic when a
:class:`~simulators.encoder.program.Program` is built, because counts and positions depend on the
program's ``max_length``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self

from simulators.encoder.primitives import PRIMITIVES
from simulators.errors import EncoderProgramError

_ids = itertools.count()

PREDICATES = ("==", "!=", "<", "<=", ">", ">=", "true")
MODES = ("mean", "sum", "count", "leftmost", "rightmost", "max", "min")


class Seq:
    """A per-position value sequence (one subspace of the residual stream)."""

    __slots__ = ("uid", "label")

    def __init__(self) -> None:
        # Creation order is a topological order: a node is built after its inputs.
        self.uid: int = next(_ids)
        self.label: str | None = None

    def named(self, label: str) -> Self:
        """Give the sequence a readable name (used by dumps); returns ``self``."""
        self.label = str(label)
        return self

    def children(self) -> tuple[Seq, ...]:
        return ()

    def describe(self, name_of: Callable[[Seq], str] | None = None) -> str:
        """The definition, naming inputs with ``name_of`` (default: their own names)."""
        raise NotImplementedError

    @property
    def name(self) -> str:
        return self.label or f"s{self.uid}"

    # Arithmetic/logic operators are shorthands for ``ew`` (comparisons are not overloaded:
    # sequences are hashed by identity). ``a + 1`` == ``ew("add", a, 1)``.
    def __add__(self, other: Seq | int) -> Elementwise:
        return ew("add", self, other)

    def __radd__(self, other: int) -> Elementwise:
        return ew("add", other, self)

    def __sub__(self, other: Seq | int) -> Elementwise:
        return ew("sub", self, other)

    def __rsub__(self, other: int) -> Elementwise:
        return ew("sub", other, self)

    def __mul__(self, other: Seq | int) -> Elementwise:
        return ew("mul", self, other)

    def __rmul__(self, other: int) -> Elementwise:
        return ew("mul", other, self)

    def __floordiv__(self, other: Seq | int) -> Elementwise:
        return ew("floordiv", self, other)

    def __mod__(self, other: Seq | int) -> Elementwise:
        return ew("mod", self, other)

    def __neg__(self) -> Elementwise:
        return ew("neg", self)

    def __and__(self, other: Seq | int) -> Elementwise:
        return ew("and", self, other)

    def __or__(self, other: Seq | int) -> Elementwise:
        return ew("or", self, other)

    def __invert__(self) -> Elementwise:
        return ew("not", self)

    def __repr__(self) -> str:
        return f"<{self.name} = {self.describe()}>"


class Source(Seq):
    """A sequence read from the input: tokens, indices, length, a constant, or random draws."""

    __slots__ = ("kind", "lo", "hi", "bound")

    def __init__(self, kind: str, lo: int | None = None, hi: int | None = None,
                 bound: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.lo = lo
        self.hi = hi
        self.bound = bound

    def describe(self, name_of: Callable[[Seq], str] | None = None) -> str:
        if self.kind == "const":
            return f"const({self.lo})"
        if self.kind in ("tokens", "random"):
            return f"{self.kind}({self.lo}..{self.hi})"
        return f"{self.kind}({'' if self.bound is None else self.bound})"


class Elementwise(Seq):
    """A registered primitive applied position by position (realised by an MLP)."""

    __slots__ = ("prim", "args", "params", "prepared")

    def __init__(self, prim: str, args: tuple[Seq, ...], params: Mapping[str, Any]) -> None:
        super().__init__()
        self.prim = prim
        self.args = args
        self.params = dict(params)
        self.prepared: Any = None  # the primitive's parsed parameters (see Primitive.prepare)

    def children(self) -> tuple[Seq, ...]:
        return self.args

    def describe(self, name_of: Callable[[Seq], str] | None = None) -> str:
        nm = name_of or _own_name
        extra = ""
        if self.prim == "table":
            extra = f", table[{len(self.params['table'])}], default={self.params.get('default')}"
        elif self.params:
            extra = ", " + ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.prim}({', '.join(nm(a) for a in self.args)}{extra})"


@dataclass(frozen=True, eq=False)
class Selector:
    """The attention pattern ``A[q, k] = AND_j pred_j(keys_j[k], queries_j[q])``."""

    keys: tuple[Seq, ...]
    queries: tuple[Seq, ...]
    predicates: tuple[str, ...]

    def children(self) -> tuple[Seq, ...]:
        return self.keys + self.queries

    def describe(self, name_of: Callable[[Seq], str] | None = None) -> str:
        nm = name_of or _own_name
        atoms = [
            "true" if p == "true" else f"k.{nm(k)} {p} q.{nm(q)}"
            for k, q, p in zip(self.keys, self.queries, self.predicates, strict=True)
        ]
        return " AND ".join(atoms)


class Aggregate(Seq):
    """One attention head: aggregate ``values`` over the keys each query selects."""

    __slots__ = ("selector", "values", "mode", "default")

    def __init__(self, selector: Selector, values: Seq, mode: str, default: int) -> None:
        super().__init__()
        self.selector = selector
        self.values = values
        self.mode = mode
        self.default = default

    def children(self) -> tuple[Seq, ...]:
        return self.selector.children() + (self.values,)

    def describe(self, name_of: Callable[[Seq], str] | None = None) -> str:
        nm = name_of or _own_name
        return (f"aggregate[{self.mode}]({nm(self.values)} | {self.selector.describe(nm)}; "
                f"default={self.default})")


def _own_name(seq: Seq) -> str:
    return seq.name


def _as_seq(value: Seq | int, what: str) -> Seq:
    if isinstance(value, Seq):
        return value
    if isinstance(value, bool | int) or hasattr(value, "__index__"):
        return const(int(value))
    raise EncoderProgramError(
        f"{what}: expected a sequence or an integer, got {type(value).__name__}")


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool | int) or hasattr(value, "__index__"):
        return int(value)
    raise EncoderProgramError(f"{what}: expected an integer, got {value!r}")


# ----------------------------------------------------------------------------- sources


def tokens(lo: int, hi: int) -> Source:
    """The canvas token ids; every id must lie in the declared range ``lo..hi`` (mask included)."""
    lo, hi = _int(lo, "tokens(lo, hi)"), _int(hi, "tokens(lo, hi)")
    if lo > hi:
        raise EncoderProgramError(f"tokens({lo}, {hi}): empty range (lo > hi)")
    return Source("tokens", lo, hi)


def indices(max_length: int | None = None) -> Source:
    """Positions ``0..L-1``; declared range ``0..max_length-1`` (default: the program's)."""
    bound = None if max_length is None else _int(max_length, "indices(S)")
    if bound is not None and bound < 1:
        raise EncoderProgramError(f"indices({bound}): S must be >= 1")
    return Source("indices", bound=bound)


def length(max_length: int | None = None) -> Source:
    """The current canvas length ``L`` at every position; range ``0..max_length``."""
    bound = None if max_length is None else _int(max_length, "length(S)")
    if bound is not None and bound < 1:
        raise EncoderProgramError(f"length({bound}): S must be >= 1")
    return Source("length", bound=bound)


def const(value: int) -> Source:
    """The constant ``value`` at every position."""
    v = _int(value, "const(value)")
    return Source("const", v, v)


def random_uniform(lo: int, hi: int) -> Source:
    """Fresh integers uniform on ``lo..hi``, drawn per position per evaluation from an rng.

    This is how a *stochastic* transformer is written as a deterministic program: sampling from
    the model's output distribution is moved to the input (a noise sequence the network reads).
    The adapters draw it from the engine's ``numpy.random.Generator`` at every step.
    """
    lo, hi = _int(lo, "random_uniform(lo, hi)"), _int(hi, "random_uniform(lo, hi)")
    if lo > hi:
        raise EncoderProgramError(f"random_uniform({lo}, {hi}): empty range (lo > hi)")
    return Source("random", lo, hi)


noise = random_uniform


# ----------------------------------------------------------------------------- operations


def ew(name: str, *args: Seq | int, **params: Any) -> Elementwise:
    """Apply the registered elementwise primitive ``name`` (integers become constants)."""
    prim = PRIMITIVES.get(name)
    if prim is None:
        raise EncoderProgramError(
            f"ew: unknown primitive {name!r}; known: {' '.join(sorted(PRIMITIVES))}")
    seqs = tuple(_as_seq(a, f"ew({name!r}) argument {i}") for i, a in enumerate(args))
    prim.check_call(len(seqs), params)
    return Elementwise(name, seqs, params)


def select(keys: Seq | int | tuple[Seq | int, ...], queries: Seq | int | tuple[Seq | int, ...],
           predicate: str | tuple[str, ...]) -> Selector:
    """Attention pattern: query ``q`` selects key ``k`` iff every ``pred(key[k], query[q])`` holds.

    ``keys``/``queries``/``predicate`` are single items or equally long tuples (a conjunction).
    Predicates compare the key to the query (``"<"`` means ``key < query``).
    """
    ks = keys if isinstance(keys, tuple | list) else (keys,)
    qs = queries if isinstance(queries, tuple | list) else (queries,)
    ps = predicate if isinstance(predicate, tuple | list) else (predicate,)
    if not (len(ks) == len(qs) == len(ps)) or not ks:
        raise EncoderProgramError(
            f"select: keys, queries and predicates must be equally long non-empty tuples "
            f"(got {len(ks)}, {len(qs)}, {len(ps)})")
    for p in ps:
        if p not in PREDICATES:
            raise EncoderProgramError(
                f"select: unknown predicate {p!r}; known: {' '.join(PREDICATES)}")
    return Selector(tuple(_as_seq(k, "select key") for k in ks),
                    tuple(_as_seq(q, "select query") for q in qs), tuple(ps))


def aggregate(selection: Selector, values: Seq | int, mode: str = "mean", *,
              default: int | None = None) -> Aggregate:
    """One attention head: aggregate ``values`` over the selected keys; ``default`` if none.

    Modes: ``mean`` (floor of the average), ``sum``, ``count`` (selector width; ``values`` is
    ignored), ``leftmost`` / ``rightmost`` (value at the smallest / largest selected position),
    ``max``, ``min``. ``default`` is required for every mode and is returned wherever a query
    selects nothing (use ``default=0`` for the usual empty sum / count).
    """
    if not isinstance(selection, Selector):
        raise EncoderProgramError("aggregate: the first argument must come from select(...)")
    if mode not in MODES:
        raise EncoderProgramError(f"aggregate: unknown mode {mode!r}; known: {' '.join(MODES)}")
    if default is None:
        raise EncoderProgramError(
            f"aggregate[{mode}]: an explicit default (the value when nothing is selected) is "
            "required")
    return Aggregate(selection, _as_seq(values, "aggregate values"), mode,
                     _int(default, "aggregate default"))
