"""The machine's fault record, read off a PRAM construction's state (Theorems 1 and 4).

Both constructions mark which processors fault in a step and with which
:class:`~simulators.errors.FaultKind`; the rest of the record follows from the state the step
started from (each processor's pc and registers), exactly as the machine defines it
(docs/pram-isa.md, "Faults"):

* the reported fault is that of the **lowest** faulting processor;
* a forbidden concurrent access or a combined-write overflow names the cell that processor
  accesses, and ``processors`` are all the processors accessing that cell in the step;
* any other fault lists the processors executing the same instruction with the same kind.

This reads the canvas's state; it never runs the PRAM machine.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simulators.errors import (
    BoundExceeded,
    FaultKind,
    FaultRecord,
    InternalError,
    MemoryConflict,
    RuntimeFault,
    SourceLocation,
)
from simulators.pram.isa import PARAMS_ARRAY, CompiledProgram, Instruction
from simulators.pram.semantics import DOMAIN

_CELL_KINDS = (FaultKind.WRITE_CONFLICT, FaultKind.READ_CONFLICT)


def fault_from_state(prog: CompiledProgram, base: Mapping[str, int], size: Mapping[str, int],
                     step: int, kinds: Mapping[int, FaultKind], pc: np.ndarray,
                     regs: np.ndarray, running: np.ndarray, word: tuple[int, int], *,
                     by: str) -> RuntimeFault:
    """The error for a step in which processor ``p`` faults with ``kinds[p]``.

    ``pc`` / ``regs`` / ``running`` are every processor's pc, registers and RUN flag at the
    start of the step; ``word`` the construction's word (for the overflow message); ``by``
    names the construction in the message.
    """
    if not kinds:
        raise InternalError(f"{by}: a fault was flagged but no processor names a kind")
    lowest = min(kinds)
    kind = kinds[lowest]
    p_pc = int(pc[lowest])
    if not 0 <= p_pc < len(prog.instructions):
        raise InternalError(f"{by}: processor {lowest} faults at pc {p_pc}, outside the program")
    ins = prog.instructions[p_pc]

    def access(p: int) -> tuple[str, int] | None:
        """(op, global address) of processor p's in-bounds LOAD / STORE this step."""
        if not running[p] or not 0 <= int(pc[p]) < len(prog.instructions):
            return None
        i = prog.instructions[int(pc[p])]
        if i.op not in ("LOAD", "STORE") or i.array is None or i.a is None:
            return None
        index = int(regs[p, i.a])
        if not 0 <= index < size[i.array]:
            return None
        return i.op, base[i.array] + index

    address = None
    if kind in _CELL_KINDS or (kind is FaultKind.OVERFLOW and ins.op == "STORE"):
        mine = access(lowest)
        if mine is None or ins.array is None or ins.a is None:
            raise InternalError(f"{by}: a {kind.title} by processor {lowest}, which accesses "
                                f"no memory cell")
        who = tuple(p for p in range(len(pc)) if access(p) == mine)
        address = f"{ins.array}[{int(regs[lowest, ins.a])}]"
    else:
        who = tuple(sorted(p for p, k in kinds.items() if k is kind and int(pc[p]) == p_pc))
    detail = _detail(prog, kind, ins, lowest, who, regs, size, word, address)
    detail += f" in {ins.op if ins.fn is None else f'{ins.op} {ins.fn}'} (pc {p_pc})"
    line = ins.line or None
    record = FaultRecord(kind, step, who[:16], address, line, detail)
    loc = SourceLocation(prog.file, line, None, prog.source_line(line) if line else None)
    cls: type[RuntimeFault] = RuntimeFault
    if kind in _CELL_KINDS:
        cls = MemoryConflict
    elif kind is FaultKind.PROCESSORS:
        cls = BoundExceeded
    return cls.from_record(record, loc, by=by)


def _detail(prog: CompiledProgram, kind: FaultKind, ins: Instruction, p: int,
            who: tuple[int, ...], regs: np.ndarray, size: Mapping[str, int],
            word: tuple[int, int], address: str | None) -> str:
    """What went wrong, worded as the machine words it."""
    if kind is FaultKind.DOMAIN and ins.fn in DOMAIN:
        return DOMAIN[ins.fn].reason
    if kind is FaultKind.OUT_OF_BOUNDS and ins.array is not None and ins.a is not None:
        name = "the size parameters" if ins.array == PARAMS_ARRAY else ins.array
        return f"index {int(regs[p, ins.a])} out of bounds for {name}[{size[ins.array]}]"
    if kind in _CELL_KINDS:
        what = "concurrent read of" if kind is FaultKind.READ_CONFLICT else "concurrent write to"
        return (f"{what} {address} by processors {list(who)} is forbidden under "
                f"{prog.model.value}")
    if kind is FaultKind.OVERFLOW:  # the program's word, narrowed to what a token can hold
        limits = (f"{word[0]}..{word[1]} (the {prog.word_bits}-bit word narrowed to the "
                  f"construction's token values)")
        if ins.op == "STORE":
            return f"the combined ({prog.model.value}) write overflows {limits}"
        return f"overflow of {limits}"
    if kind is FaultKind.PROCESSORS and ins.a is not None and ins.b is not None:
        lo, hi = int(regs[p, ins.a]), int(regs[p, ins.b])
        return (f"pardo over {lo}..{hi} needs {hi - lo + 1} processors but the declared "
                f"bound is P = {len(regs)}")
    return kind.title
