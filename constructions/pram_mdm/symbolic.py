"""The Theorem-1 sizes as sympy expressions in the size parameters (from the declared bounds).

``context_length(prog) = n_in(n) + T(n) * P(n) * K + n_out(n)`` -- the layout of
:mod:`.layout`, with ``n_in`` / ``n_out`` the sizes of the input / output arrays (the hidden
size-parameter array included) and ``K = R + 4``. ``decoding_steps_bound(prog) = T(n) + 1``: one
decoding step per PRAM step, plus one that fills everything after HALT. The exact count of a
run is ``pram_steps + 1`` (checked in proofs_checks/test_thm1_*.py against these expressions).
Everything is built from the program's own ``Expr.to_sympy()`` trees, never from text.
"""

from __future__ import annotations

import sympy

from constructions.pram_mdm.layout import input_array_names
from simulators.pram.isa import CompiledProgram


def _array_sizes(prog: CompiledProgram, names: list[str]) -> sympy.Expr:
    sizes = {a.name: a.size for a in prog.arrays}
    return sympy.Add(*(sizes[n].to_sympy() for n in names)) if names else sympy.Integer(0)


def record_tokens(prog: CompiledProgram) -> int:
    """K = R + 4: mode, pc, R registers, write address, write value."""
    return prog.n_registers + 4


def context_length(prog: CompiledProgram) -> sympy.Expr:
    """S(n) exactly, as laid out (a sympy expression in the size parameters)."""
    P = prog.bounds.processors.to_sympy()
    T = prog.bounds.time.to_sympy()
    n_in = _array_sizes(prog, input_array_names(prog))
    n_out = _array_sizes(prog, list(prog.output_arrays))
    return n_in + T * P * record_tokens(prog) + n_out


def decoding_steps_bound(prog: CompiledProgram) -> sympy.Expr:
    """At most T(n) + 1 decoding steps (exactly pram_steps + 1 on every run)."""
    return prog.bounds.time.to_sympy() + 1


def size_symbols(prog: CompiledProgram) -> dict[str, sympy.Symbol]:
    """The sympy symbols of the size parameters, by name (as ``to_sympy`` creates them)."""
    exprs = [prog.bounds.processors.to_sympy(), prog.bounds.time.to_sympy(),
             *(a.size.to_sympy() for a in prog.arrays)]
    found: dict[str, sympy.Symbol] = {}
    for e in exprs:
        for s in e.free_symbols:
            found[str(s)] = s  # type: ignore[assignment]
    return found
