"""Bind a compiled program to concrete inputs: size parameters, memory layout, evaluated bounds.

Sizes that would exhaust memory are refused here, before anything is allocated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from simulators.errors import LimitExceeded, SourceLocation, UsageError, ValidationError
from simulators.pram.isa import PARAMS_ARRAY, CompiledProgram
from simulators.pram.syntax import Expr, Name

#: Default caps (explicit arguments of :func:`bind` / :func:`~simulators.pram.machine.run`).
DEFAULT_MAX_MEMORY_CELLS = 1 << 26
DEFAULT_MAX_PROCESSORS = 1 << 24


@dataclass(frozen=True)
class Binding:
    """A program bound to inputs (see docs/pram-isa.md)."""

    sizes: dict[str, int]
    base: dict[str, int]
    size: dict[str, int]
    memory_size: int
    initial_memory: np.ndarray
    processors_bound: int
    time_bound: int
    memory_bound: int | None
    input_cells: int


def _loc(prog: CompiledProgram, e: Expr | None = None) -> SourceLocation:
    line = e.pos.line if e is not None and e.pos.line else None
    col = e.pos.col if e is not None and e.pos.col else None
    return SourceLocation(prog.file, line, col, prog.source_line(line) if line else None)


def _as_int_array(name: str, values: object, word_bits: int) -> np.ndarray:
    """Validate one input array (vectorised; bools, floats and strings are refused)."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise UsageError(f"input '{name}' must be a list of integers")
    if isinstance(values, np.ndarray):
        arr = values
    else:
        try:
            arr = np.asarray(list(values), dtype=object)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise UsageError(f"input '{name}' must be a list of integers") from None
    if arr.ndim != 1:
        raise UsageError(f"input '{name}' must be a flat list of integers")
    if arr.dtype == object:
        for i, v in enumerate(arr.tolist()):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise UsageError(f"input '{name}'[{i}] = {v!r} is not an integer")
        if arr.size and not all(-(2**63) <= int(v) < 2**63 for v in (min(arr), max(arr))):
            raise UsageError(f"input '{name}' has a value that does not fit in 64 bits")
        arr = arr.astype(np.int64) if arr.size else np.zeros(0, dtype=np.int64)
    elif arr.dtype.kind not in "iu" or arr.dtype == np.uint64 and arr.size and arr.max() >= 2**63:
        raise UsageError(f"input '{name}' must hold integers, not {arr.dtype}")
    arr = arr.astype(np.int64)
    lo, hi = -(2 ** (word_bits - 1)), 2 ** (word_bits - 1) - 1
    if arr.size and (arr.min() < lo or arr.max() > hi):
        i = int(np.flatnonzero((arr < lo) | (arr > hi))[0])
        raise UsageError(f"input '{name}'[{i}] = {arr[i]} does not fit in {word_bits} bits")
    return arr


def bind(
    prog: CompiledProgram,
    inputs: Mapping[str, Sequence[int] | np.ndarray],
    params: Mapping[str, int] | None = None,
    *,
    max_memory_cells: int = DEFAULT_MAX_MEMORY_CELLS,
    max_processors: int = DEFAULT_MAX_PROCESSORS,
) -> Binding:
    """Bind size parameters from input lengths (and ``params``), lay out memory, check sizes."""
    params = dict(params or {})
    user_arrays = [a for a in prog.arrays if a.name != PARAMS_ARRAY]
    input_names = {a.name for a in user_arrays if a.role in ("input", "inout")}
    for name in inputs:
        if name not in input_names:
            known = ", ".join(sorted(input_names)) or "none"
            raise UsageError(f"'{name}' is not an input array of '{prog.name}' (inputs: {known})")
    for name in params:
        if name not in prog.params:
            raise UsageError(f"'{name}' is not a size parameter of '{prog.name}'")
    arrays = {name: _as_int_array(name, vals, prog.word_bits) for name, vals in inputs.items()}
    sizes: dict[str, int] = {}
    for name, value in params.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise UsageError(f"size parameter {name}={value!r} must be a non-negative integer")
        sizes[name] = int(value)
    # `input A[n]` binds n from A's length (and must agree with any explicit value).
    for decl in user_arrays:
        if decl.name in arrays and isinstance(decl.size, Name):
            p, length = decl.size.name, len(arrays[decl.name])
            if p in sizes and sizes[p] != length:
                raise UsageError(f"input '{decl.name}' has length {length} but {p} = {sizes[p]}")
            sizes[p] = length
    missing = [p for p in prog.params if p not in sizes]
    if missing:
        raise UsageError(f"size parameter(s) {', '.join(missing)} not bound: give an input that "
                         f"determines them or --param {missing[0]}=VALUE")
    base: dict[str, int] = {}
    size: dict[str, int] = {}
    total = 0
    for decl in prog.arrays:
        k = _eval(prog, decl.size, sizes, f"size of '{decl.name}'")
        if k < 0:
            raise UsageError(f"array '{decl.name}' would have negative size {k} at {sizes}")
        base[decl.name], size[decl.name] = total, k
        total += k
        if total > max_memory_cells:
            raise LimitExceeded(f"the program needs more than max_memory_cells = "
                                f"{max_memory_cells} shared cells at {sizes}")
    for decl in user_arrays:
        if decl.role in ("input", "inout"):
            if decl.name not in arrays:
                if size[decl.name] == 0:
                    arrays[decl.name] = np.zeros(0, dtype=np.int64)
                    continue
                raise UsageError(f"missing input array '{decl.name}'")
            if len(arrays[decl.name]) != size[decl.name]:
                raise UsageError(f"input '{decl.name}' has length {len(arrays[decl.name])}, "
                                 f"expected {size[decl.name]} at {sizes}")
    p_bound = _eval(prog, prog.bounds.processors, sizes, "processors bound")
    t_bound = _eval(prog, prog.bounds.time, sizes, "time bound")
    s_bound = (None if prog.bounds.memory is None
               else _eval(prog, prog.bounds.memory, sizes, "memory bound"))
    if p_bound < 0:
        raise UsageError(f"the processors bound evaluates to {p_bound} at {sizes}")
    if t_bound < 0:
        raise UsageError(f"the time bound evaluates to {t_bound} at {sizes}")
    # Processor 0 runs the sequential code, so the pool always has it (e.g. `processors n` at n=0).
    p_bound = max(p_bound, 1)
    if p_bound > max_processors:
        raise LimitExceeded(f"processors bound {p_bound} exceeds max_processors = {max_processors}")
    memory = np.zeros(total, dtype=np.int64)
    input_cells = 0
    for name, vals in arrays.items():
        memory[base[name]: base[name] + len(vals)] = vals
        input_cells += len(vals)
    if prog.params:
        pvals = [sizes[p] for p in prog.params]
        hi = 2 ** (prog.word_bits - 1) - 1
        if max(pvals) > hi:
            raise UsageError(f"a size parameter does not fit in {prog.word_bits} bits")
        memory[base[PARAMS_ARRAY]: base[PARAMS_ARRAY] + len(pvals)] = pvals
    return Binding(sizes, base, size, total, memory, p_bound, t_bound, s_bound, input_cells)


def _eval(prog: CompiledProgram, e: Expr, sizes: dict[str, int], what: str) -> int:
    try:
        value = e.evaluate(sizes)
    except ValidationError as err:
        raise ValidationError(f"{what}: {err.message}", _loc(prog, e)) from None
    except (OverflowError, ValueError, ZeroDivisionError) as err:
        raise ValidationError(f"{what} cannot be evaluated at {sizes}: {err}",
                              _loc(prog, e)) from None
    return value
