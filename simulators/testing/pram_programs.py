"""Hypothesis strategies: random terminating ``.pram`` programs with random inputs.

Used by the Theorem 1 and Theorem 4 checks (an MDM / AP-MDM built from any PRAM program must
reproduce the machine) and exported for anyone testing another PRAM implementation. A generated
program has

* every memory model (``EREW`` ... ``CRCW-max``), with its accesses chosen so that the model's
  rules hold by construction: in a ``pardo`` body EREW touches only the processor's own cell
  ``X[i]``; CREW reads anywhere but writes only its own cell; CRCW-common writes anywhere only the
  constant 1 into a dedicated array; arbitrary / priority / sum / min / max write anywhere
  (forced conflicts of different values are :mod:`simulators.testing.pram_conflicts`);
* loops that terminate by construction: sequential ``for`` over a constant range, and ``while``
  loops over a fresh counter that the body never assigns (inside a pardo the counter comes from
  the processor's data, ``A[i] % 3``, so bodies *diverge*);
* branches on data (``if`` / ``else``), indirect addressing ``X[(e) % n]``, every operator of the
  language (``+ - * // % div mod ^ min max abs log2 sqrt not and or`` and the comparisons);
* ``pardo`` ranges ``lo..hi`` inside ``0..n-1`` (possibly empty), so ``processors n`` holds
  (with ``edges=True`` also ``0..n``: one processor more than declared, a fault);
* declared ``time``: the machine's exact step count on the drawn input plus ``slack`` -- found by
  running the reference machine once, so T(n) is honest *and* tight.

Two regimes. By default (``edges=False``) programs never fault: divisors are ``abs(e) + 1``, powers
have small bases and exponents, every stored value is reduced ``% 97``, inputs are in -20..20. With
``edges=True`` a ``word W`` header narrows the word (W from :data:`NARROW_WORDS`), constants and
inputs are drawn at the word's edges (:mod:`simulators.testing.edge_values`), and operators are
used unguarded: division by zero, ``log2`` of 0, negative exponents, overflow and out-of-bounds
indices happen, and the case records the machine's fault (kind and step) instead of an output.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from simulators.errors import BoundExceeded, ProjectError, RuntimeFault
from simulators.pram import compile_source, run
from simulators.pram.isa import CompiledProgram
from simulators.testing.edge_values import NARROW_WORDS, edge_integers
from simulators.testing.faults import Outcome, fault_kind, fault_step

MODELS = ("EREW", "CREW", "CRCW-common", "CRCW-arbitrary", "CRCW-priority", "CRCW-sum",
          "CRCW-min", "CRCW-max")
VALUE_MOD = 97  # fault-free regime: every stored/assigned value is reduced mod this
BINARY_OPS = ("+", "-", "*", "//", "%", "div", "mod", "^", "min", "max", "<", "==", "and", "or")
UNARY_OPS = ("not", "abs", "log2", "sqrt", "neg")


@dataclass(frozen=True)
class PramCase:
    """One drawn program with one drawn input and what the reference machine did with it.

    ``outcome`` is the machine's :class:`~simulators.testing.faults.Outcome`: its output, or the
    kind and step of its fault (only with ``edges=True``). ``output`` is the output or ``None``.
    """

    source: str
    program: CompiledProgram = field(repr=False)  # the source says it all, far more briefly
    inputs: dict[str, list[int]]
    model: str
    steps: int
    output: dict[str, list[int]] | None
    word_bits: int = 64
    outcome: Outcome = field(default_factory=Outcome)
    #: What a specialised strategy knows about its program (e.g. the conflicting writers).
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def faults(self) -> bool:
        return self.outcome.fault is not None


@dataclass
class _Ctx:
    """What the generator may use at the current point of the program."""

    model: str
    readable: list[str]
    assignable: list[str]
    in_pardo: bool = False
    pvar: str | None = None
    counter: itertools.count = field(default_factory=lambda: itertools.count())
    edges: bool = False
    word_bits: int = 64

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def child(self) -> _Ctx:
        return _Ctx(self.model, list(self.readable), list(self.assignable), self.in_pardo,
                    self.pvar, self.counter, self.edges, self.word_bits)

    def pardo_body(self, pvar: str) -> _Ctx:
        return _Ctx(self.model, list(self.readable) + [pvar, "pid"], [], True, pvar,
                    self.counter, self.edges, self.word_bits)


# ----------------------------------------------------------------------------- expressions


def _index(draw: st.DrawFn, ctx: _Ctx, write: bool, depth: int) -> str:
    """An index expression for arrays of size n that the memory model allows here."""
    own_only = ctx.in_pardo and (ctx.model == "EREW" or (write and ctx.model == "CREW"))
    if own_only:
        return ctx.pvar or "0"
    if ctx.in_pardo and draw(st.booleans()):
        return ctx.pvar or "0"
    if ctx.edges and not ctx.in_pardo and draw(st.integers(0, 7)) == 0:
        return _expr(draw, ctx, depth)  # unguarded: may be out of bounds
    return f"({_expr(draw, ctx, depth)}) % n"


def _const(draw: st.DrawFn, ctx: _Ctx) -> str:
    value = draw(edge_integers(ctx.word_bits) if ctx.edges else st.integers(-9, 9))
    return str(value) if value >= 0 else f"(-{-value})"


def _leaf(draw: st.DrawFn, ctx: _Ctx, depth: int) -> str:
    kinds = ["const", "n"] + (["var"] if ctx.readable else []) + (["read"] if depth > 0 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "const":
        return _const(draw, ctx)
    if kind == "n":
        return "n"
    if kind == "var":
        return draw(st.sampled_from(ctx.readable))
    arr = draw(st.sampled_from(["A", "B", "C"]))
    return f"{arr}[{_index(draw, ctx, False, depth - 1)}]"


def _expr(draw: st.DrawFn, ctx: _Ctx, depth: int) -> str:
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        return _leaf(draw, ctx, depth)
    a, b = _expr(draw, ctx, depth - 1), _expr(draw, ctx, depth - 1)
    op = draw(st.sampled_from(BINARY_OPS + UNARY_OPS))
    if ctx.edges:
        return _raw_op(op, a, b)
    if op in ("//", "%", "div", "mod"):
        return f"({a} {op} (abs({b}) + 1))"
    if op == "^":  # base in -3..3, exponent in 0..3: |result| <= 27
        return f"((({a}) % 7 - 3) ^ (abs({b}) % 4))"
    if op == "log2":
        return f"log2(abs({a}) + 1)"
    if op == "sqrt":
        return f"sqrt(abs({a}))"
    if op in ("and", "or"):
        return f"(({a} > 2) {op} ({b} < 5))"
    if op == "*":
        return f"(({a}) % 1000 * ({b}) % 1000)"  # stays far inside a 64-bit word
    return _raw_op(op, a, b)


def _raw_op(op: str, a: str, b: str) -> str:
    """``op`` applied with no guard (the edge regime: faults are part of what is tested)."""
    if op in ("min", "max"):
        return f"{op}({a}, {b})"
    if op in ("not", "abs", "log2", "sqrt"):
        return f"(not {a})" if op == "not" else f"{op}({a})"
    if op == "neg":
        return f"(-{a})"
    return f"({a} {op} {b})"


def _value(draw: st.DrawFn, ctx: _Ctx) -> str:
    if ctx.edges and draw(st.booleans()):
        return _expr(draw, ctx, 2)
    return f"({_expr(draw, ctx, 2)}) % {VALUE_MOD}"


# ----------------------------------------------------------------------------- statements


def _stmts(draw: st.DrawFn, ctx: _Ctx, depth: int, pad: str, lo: int = 1, hi: int = 3
           ) -> list[str]:
    out: list[str] = []
    for _ in range(draw(st.integers(lo, hi))):
        out.extend(_stmt(draw, ctx, depth, pad))
    return out


def _stmt(draw: st.DrawFn, ctx: _Ctx, depth: int, pad: str) -> list[str]:
    kinds = ["assign", "store", "store"]
    if depth > 0:
        kinds += ["if", "while", "for"]
        if not ctx.in_pardo:
            kinds += ["pardo", "pardo", "pardo"]
    kind = draw(st.sampled_from(kinds))
    if kind == "assign":
        reuse = draw(st.booleans())
        if ctx.assignable and reuse:
            name = draw(st.sampled_from(ctx.assignable))
        else:
            name = ctx.fresh("b" if ctx.in_pardo else "s")
        line = f"{pad}{name} := {_value(draw, ctx)}"
        if name not in ctx.readable:
            ctx.readable.append(name)
            ctx.assignable.append(name)
        return [line]
    if kind == "store":
        return [_store(draw, ctx, pad)]
    if kind == "if":
        cond = f"{_expr(draw, ctx, 1)} {draw(st.sampled_from(['<', '==', '>=', '!=']))} " \
               f"{_expr(draw, ctx, 1)}"
        then = _stmts(draw, ctx.child(), depth - 1, pad + "  ")
        lines = [f"{pad}if {cond} then", *then]
        if draw(st.booleans()):
            lines += [f"{pad}else", *_stmts(draw, ctx.child(), depth - 1, pad + "  ")]
        return lines + [f"{pad}end"]
    if kind == "while":
        w = ctx.fresh("w")
        start = (f"A[{ctx.pvar}] % 3" if ctx.in_pardo and ctx.pvar
                 else str(draw(st.integers(0, 2))))
        inner = ctx.child()
        inner.readable.append(w)
        body = _stmts(draw, inner, depth - 1, pad + "  ")
        return [f"{pad}{w} := {start}", f"{pad}while {w} > 0 do", *body,
                f"{pad}  {w} := {w} - 1", f"{pad}end"]
    if kind == "for":
        j = ctx.fresh("j")
        inner = ctx.child()
        inner.readable.append(j)
        body = _stmts(draw, inner, depth - 1, pad + "  ")
        return [f"{pad}for {j} in 0 .. {draw(st.integers(-1, 2))} do", *body, f"{pad}end"]
    return _pardo(draw, ctx, depth, pad)


def _pardo(draw: st.DrawFn, ctx: _Ctx, depth: int, pad: str) -> list[str]:
    i = ctx.fresh("i")
    lo = draw(st.sampled_from(["0", "1"]))
    his = ["n - 1", "n - 1", "n // 2", "n - 2"] + (["n"] if ctx.edges else [])
    hi = draw(st.sampled_from(his))  # edges: "0 .. n" needs n + 1 > P processors (a fault)
    inner = ctx.pardo_body(i)
    body = _stmts(draw, inner, depth - 1, pad + "  ", 1, 4)
    if not any(line.lstrip().startswith("B[") for line in body):
        body.append(_store(draw, inner, pad + "  ", array="B"))
    return [f"{pad}for {i} in {lo} .. {hi} pardo", *body, f"{pad}end"]


def _store(draw: st.DrawFn, ctx: _Ctx, pad: str, array: str | None = None) -> str:
    arr = array or draw(st.sampled_from(["B", "C"]))
    if ctx.in_pardo and ctx.model == "CRCW-common":
        if arr == "C":  # anywhere, but always the same value: concurrent writes agree
            return f"{pad}C[{_index(draw, ctx, False, 1)}] := 1"
        return f"{pad}B[{ctx.pvar}] := {_value(draw, ctx)}"
    return f"{pad}{arr}[{_index(draw, ctx, True, 1)}] := {_value(draw, ctx)}"


# ----------------------------------------------------------------------------- programs


def program_source(model: str, body: list[str], time: int, word_bits: int = 64,
                   name: str = "random_pram") -> str:
    """The program text around ``body``: input A[n], output B[n], shared C[n], n processors."""
    word = [f"word {word_bits}"] if word_bits != 64 else []
    return "\n".join([
        f"program {name}", f"model {model}", *word, "input A[n]", "output B[n]", "shared C[n]",
        "processors n", f"time {time}", "begin", *body, "end", ""])


def probe_case(draw: st.DrawFn, model: str, body: list[str], inputs: dict[str, list[int]],
               word_bits: int, max_steps: int, slack: tuple[int, int], *,
               allow_faults: bool, name: str = "random_pram",
               meta: dict[str, Any] | None = None) -> PramCase:
    """Run the machine once with a generous time bound; declare the exact time (+ slack).

    Rejects (``assume``) programs that do not compile, that run past ``max_steps``, and -- unless
    ``allow_faults`` -- programs that fault.
    """
    probe = program_source(model, body, max_steps, word_bits, name)
    try:
        res = run(compile_source(probe, "<random>"), inputs, max_steps=max_steps)
    except BoundExceeded as err:
        assume(allow_faults and fault_kind(err) != "time")
        return _faulting_case(draw, model, body, inputs, word_bits, err, slack, name, meta)
    except RuntimeFault as err:
        assume(allow_faults)
        return _faulting_case(draw, model, body, inputs, word_bits, err, slack, name, meta)
    except ProjectError:
        assume(False)
        raise  # unreachable: assume(False) raises
    time = res.steps + draw(st.integers(*slack))
    source = program_source(model, body, time, word_bits, name)
    return PramCase(source=source, program=compile_source(source, "<random>"), inputs=inputs,
                    model=model, steps=res.steps, output=res.output, word_bits=word_bits,
                    outcome=Outcome(output=res.output), meta=dict(meta or {}))


def _faulting_case(draw: st.DrawFn, model: str, body: list[str], inputs: dict[str, list[int]],
                   word_bits: int, err: RuntimeFault, slack: tuple[int, int],
                   name: str, meta: dict[str, Any] | None) -> PramCase:
    step = fault_step(err)
    assume(step is not None)
    assert step is not None
    # The fault happens in step `step`, so any declared time >= step gives the same fault.
    time = step + draw(st.integers(*slack))
    source = program_source(model, body, time, word_bits, name)
    prog = compile_source(source, "<random>")
    try:  # re-run under the declared time: the same fault (checked, not assumed)
        run(prog, inputs, max_steps=time + 1)
    except RuntimeFault as again:
        out = Outcome(fault=fault_kind(again), step=fault_step(again), message=str(again))
    else:  # pragma: no cover - the machine is deterministic
        raise AssertionError(f"the machine did not fault again on\n{source}")
    return PramCase(source=source, program=prog, inputs=inputs, model=model, steps=step,
                    output=None, word_bits=word_bits, outcome=out, meta=dict(meta or {}))


@st.composite
def pram_cases(draw: st.DrawFn, models: tuple[str, ...] = MODELS, min_n: int = 1,
               max_n: int = 6, max_steps: int = 400, slack: tuple[int, int] = (0, 2),
               edges: bool = False) -> PramCase:
    """A random terminating program with a random input ``A`` of length n.

    ``edges=False``: fault-free programs with small values. ``edges=True``: a narrow word,
    values at its edges, unguarded operators -- the case may record a fault (see the module
    docstring). ``max_steps`` rejects (via ``assume``) the rare draw that runs longer, keeping the
    Theorem 1 canvas (T*P*K tokens) small; ``slack`` is added to the exact step count in the
    declared time bound.
    """
    model = draw(st.sampled_from(models))
    n = draw(st.integers(min_n, max_n))
    word_bits = draw(st.sampled_from(NARROW_WORDS)) if edges else 64
    values = edge_integers(word_bits) if edges else st.integers(-20, 20)
    inputs = {"A": draw(st.lists(values, min_size=n, max_size=n))}
    ctx = _Ctx(model, [], [], edges=edges, word_bits=word_bits)
    body = _stmts(draw, ctx, 2, "  ", 1, 3)
    if not any("pardo" in line for line in body):  # always exercise FORK/JOIN
        body += _pardo(draw, ctx, 1, "  ")
    return probe_case(draw, model, body, inputs, word_bits, max_steps, slack, allow_faults=edges)
