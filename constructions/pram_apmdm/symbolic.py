"""Theorem 4's costs as sympy expressions in the size parameters (built from the declared bounds
and the layout -- never from measurements), for the symbolic checks in proofs_checks/.

With ``R`` registers, ``P(n)`` processors (declared), ``n_in(n)`` input cells (input/inout arrays
and the hidden size cells) and ``M(n)`` declared memory (every array):

* initial canvas   ``1 + (R + 2) P(n) + n_in(n)``            exact (clock, records, input cells)
* canvas, any step ``<= 2 (1 + (R + 2) P(n) + M(n))``          every token plus one scratch mask
* decoding steps   ``2 T + 2``                                 exact in the machine's T
* step bound       ``2 T(n) + 2``                              with the declared time bound

The canvas expressions contain no time bound: that is Theorem 4's space claim.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from simulators.pram import CompiledProgram
from simulators.pram.isa import PARAMS_ARRAY

#: The symbol for the machine's actual parallel time (a run's T, not the declared bound).
T = sympy.Symbol("T", integer=True, positive=True)


@dataclass(frozen=True)
class SymbolicCosts:
    initial_length: sympy.Expr
    canvas_bound: sympy.Expr
    decoding_steps: sympy.Expr      # in the symbol T
    steps_bound: sympy.Expr         # in the size parameters
    processors: sympy.Expr
    memory: sympy.Expr              # M(n): all declared arrays
    space: sympy.Expr               # S(n): the declared memory bound, else M(n)
    time: sympy.Expr                # the declared T(n)
    params: tuple[sympy.Symbol, ...]


def symbolic_costs(prog: CompiledProgram) -> SymbolicCosts:
    R = prog.n_registers
    P = prog.bounds.processors.to_sympy()
    sizes = {a.name: (sympy.Integer(len(prog.params)) if a.name == PARAMS_ARRAY
                      else a.size.to_sympy()) for a in prog.arrays}
    n_in = sum((sizes[a.name] for a in prog.arrays
                if a.role in ("input", "inout") or a.name == PARAMS_ARRAY), sympy.Integer(0))
    M = sum(sizes.values(), sympy.Integer(0))
    time = prog.bounds.time.to_sympy()
    space = prog.bounds.memory.to_sympy() if prog.bounds.memory is not None else M
    params = tuple(sympy.Symbol(p, integer=True, nonnegative=True) for p in prog.params)
    return SymbolicCosts(
        initial_length=1 + (R + 2) * P + n_in,
        canvas_bound=2 * (1 + (R + 2) * P + M),
        decoding_steps=2 * T + 2,
        steps_bound=2 * time + 2,
        processors=P, memory=M, space=space, time=time, params=params)


def evaluate(expr: sympy.Expr, sizes: dict[str, int], t: int | None = None) -> int:
    """The integer value of ``expr`` at concrete sizes (and T), rounded up like the bounds."""
    subs = {sympy.Symbol(k, integer=True, nonnegative=True): v for k, v in sizes.items()}
    if t is not None:
        subs[T] = t
    return int(sympy.ceiling(expr.subs(subs)))
