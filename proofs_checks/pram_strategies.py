"""Hypothesis strategies: random *terminating*, fault-free ``.pram`` programs with random inputs.

Used by the Theorem-1 and Theorem-4 checks (an MDM / AP-MDM built from any PRAM program must
reproduce the machine). A generated program has

* every memory model (``EREW`` ... ``CRCW-max``), with its accesses chosen so that the model's
  rules hold by construction: in a ``pardo`` body EREW touches only the processor's own cell
  ``X[i]``; CREW reads anywhere but writes only its own cell; CRCW-common writes anywhere only the
  constant 1 into a dedicated array; arbitrary / priority / sum / min / max write anywhere;
* loops that terminate by construction: sequential ``for`` over a constant range, and ``while``
  loops over a fresh counter that the body never assigns (inside a pardo the counter comes from
  the processor's data, ``A[i] % 3``, so bodies *diverge*);
* branches on data (``if`` / ``else``), indirect addressing ``X[(e) % n]`` (always in bounds),
  division only by ``abs(e) + 1``, every stored value reduced ``% 97`` so nothing overflows (and
  products stay far inside the Theorem-1 token range);
* ``pardo`` ranges ``lo..hi`` inside ``0..n-1`` (possibly empty), so ``processors n`` holds;
* declared ``time``: the machine's exact step count on the drawn input plus ``slack`` (drawn
  0..2), found by running the reference machine once -- so T(n) is honest *and* tight.

``pram_cases()`` draws a :class:`PramCase` (source text, compiled program, inputs, steps).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from hypothesis import assume
from hypothesis import strategies as st

from simulators.errors import ProjectError
from simulators.pram import compile_source, run
from simulators.pram.isa import CompiledProgram

MODELS = ("EREW", "CREW", "CRCW-common", "CRCW-arbitrary", "CRCW-priority", "CRCW-sum",
          "CRCW-min", "CRCW-max")
VALUE_MOD = 97  # every stored/assigned value is reduced mod this: no overflow, small products


@dataclass(frozen=True)
class PramCase:
    """One drawn program with one drawn input."""

    source: str
    program: CompiledProgram
    inputs: dict[str, list[int]]
    model: str
    steps: int
    output: dict[str, list[int]]


@dataclass
class _Ctx:
    """What the generator may use at the current point of the program."""

    model: str
    readable: list[str]
    assignable: list[str]
    in_pardo: bool = False
    pvar: str | None = None
    counter: itertools.count = field(default_factory=lambda: itertools.count())

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def child(self) -> _Ctx:
        return _Ctx(self.model, list(self.readable), list(self.assignable), self.in_pardo,
                    self.pvar, self.counter)


# ----------------------------------------------------------------------------- expressions


def _index(draw: st.DrawFn, ctx: _Ctx, write: bool, depth: int) -> str:
    """An index expression for arrays of size n that the memory model allows here."""
    own_only = ctx.in_pardo and (ctx.model == "EREW" or (write and ctx.model == "CREW"))
    if own_only:
        return ctx.pvar or "0"
    if ctx.in_pardo and draw(st.booleans()):
        return ctx.pvar or "0"
    return f"({_expr(draw, ctx, depth)}) % n"


def _leaf(draw: st.DrawFn, ctx: _Ctx, depth: int) -> str:
    kinds = ["const", "n"] + (["var"] if ctx.readable else []) + (["read"] if depth > 0 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "const":
        return str(draw(st.integers(0, 9)))
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
    op = draw(st.sampled_from(["+", "-", "*", "//", "%", "min", "max", "<", "==", "and",
                               "not", "abs", "log2", "sqrt"]))
    if op in ("//", "%"):
        return f"({a} {op} (abs({b}) + 1))"
    if op in ("min", "max"):
        return f"{op}({a}, {b})"
    if op == "not":
        return f"(not {a})"
    if op == "abs":
        return f"abs({a} - {b})"
    if op == "log2":
        return f"log2(abs({a}) + 1)"
    if op == "sqrt":
        return f"sqrt(abs({a}))"
    if op == "and":
        return f"(({a} > 2) and ({b} < 5))"
    return f"({a} {op} {b})"


def _value(draw: st.DrawFn, ctx: _Ctx) -> str:
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
        if ctx.assignable and draw(st.booleans()):
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
    # pardo
    i = ctx.fresh("i")
    lo = draw(st.sampled_from(["0", "1"]))
    hi = draw(st.sampled_from(["n - 1", "n - 1", "n // 2", "n - 2"]))
    inner = _Ctx(ctx.model, list(ctx.readable) + [i, "pid"], [], True, i, ctx.counter)
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


def _source(model: str, body: list[str], time: int) -> str:
    return "\n".join([
        "program random_pram", f"model {model}", "input A[n]", "output B[n]", "shared C[n]",
        "processors n", f"time {time}", "begin", *body, "end", ""])


@st.composite
def pram_cases(draw: st.DrawFn, models: tuple[str, ...] = MODELS, min_n: int = 1,
               max_n: int = 6, max_steps: int = 400, slack: tuple[int, int] = (0, 2)
               ) -> PramCase:
    """A random terminating, fault-free program with a random input ``A`` of length n.

    ``max_steps`` rejects (via ``assume``) the rare draw that runs longer, keeping the
    Theorem-1 canvas (T*P*K tokens) small; ``slack`` is added to the exact step count in the
    declared time bound.
    """
    model = draw(st.sampled_from(models))
    n = draw(st.integers(min_n, max_n))
    inputs = {"A": draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))}
    ctx = _Ctx(model, [], [])
    body = _stmts(draw, ctx, 2, "  ", 1, 3)
    if not any("pardo" in line for line in body):  # always exercise FORK/JOIN
        body += _stmt_pardo(draw, ctx)
    probe = _source(model, body, max_steps)
    try:
        prog = compile_source(probe, "<random>")
        res = run(prog, inputs, max_steps=max_steps)
    except ProjectError:
        assume(False)
        raise  # unreachable: assume(False) raises
    time = res.steps + draw(st.integers(*slack))
    source = _source(model, body, time)
    prog = compile_source(source, "<random>")
    return PramCase(source=source, program=prog, inputs=inputs, model=model, steps=res.steps,
                    output=res.output)


def _stmt_pardo(draw: st.DrawFn, ctx: _Ctx) -> list[str]:
    i = ctx.fresh("i")
    inner = _Ctx(ctx.model, list(ctx.readable) + [i, "pid"], [], True, i, ctx.counter)
    body = _stmts(draw, inner, 1, "    ", 1, 3)
    body.append(_store(draw, inner, "    ", array="B"))
    return [f"  for {i} in 0 .. n - 1 pardo", *body, "  end"]
