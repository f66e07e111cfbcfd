"""A scalar fast path for stretches where processor 0 runs alone (sequential code).

Numpy has a fixed cost per call that dominates one-lane vectors, so while processor 0 is the only
processor (between pardos, or in a pardo of one processor) the machine executes instructions on
Python integers instead. The semantics are exactly the vector path's: the same per-step checks
(word overflow, division by zero, bounds, declared time bound and step limit -- the latter two by
handing back to the vector path, which raises them), the same counts, the same fault messages.
The UN/BIN functions are :mod:`simulators.pram.semantics`'s own (called, not retyped). A test
runs every example both ways and against the reference interpreter (with a trace the vector path
is always used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulators.errors import FaultKind
from simulators.pram.isa import PARAMS_ARRAY, Instruction
from simulators.pram.semantics import InstructionFault, binary, unary

if TYPE_CHECKING:
    from simulators.pram.machine import _Machine

_ONE = slice(0, 1)
_MASK = np.array([True])


def can_run_sequential(m: _Machine) -> bool:
    """Processor 0 alone is RUN and nobody waits (no trace requested)."""
    if m.record or len(m.groups) != 1 or m.wait_count or m.p0_wait_pc >= 0:
        return False
    idx = m.groups[0][1]
    return isinstance(idx, slice) and idx.start == 0 and idx.stop == 1


def run_sequential(m: _Machine) -> None:
    """Execute steps on Python ints until a FORK, HALT, or a limit (left to the vector path)."""
    pc = m.groups[0][0]
    regs = m.regs[:, 0].tolist()
    mem, touched, code = m.memory, m.touched, m.code
    lo, hi = m.word_lo, m.word_hi
    base, size = m.b.base, m.b.size
    limit = min(m.b.time_bound, m.max_steps)
    start = steps = m.steps

    def sync() -> None:
        m.regs[:, 0] = regs
        m.steps = steps
        m.work += steps - start
        m.groups = [(pc, _ONE)]

    def fail(ins: Instruction, kind: FaultKind, reason: str) -> Exception:
        sync()
        m.cur_pc = pc
        return m.lane_fault(ins, _ONE, kind, reason, _MASK)

    while True:
        ins = code[pc]
        op = ins.op
        if op == "FORK" or steps >= limit:
            break
        steps += 1
        if op == "BIN":
            try:
                v = binary(ins.fn, regs[ins.a], regs[ins.b])  # type: ignore[arg-type,index]
            except InstructionFault as f:
                raise fail(ins, f.kind, f.reason) from None
            if not lo <= v <= hi:
                raise fail(ins, FaultKind.OVERFLOW, "overflow")
            regs[ins.d] = v  # type: ignore[index]
        elif op == "LOAD" or op == "STORE":
            addr = regs[ins.a]  # type: ignore[index]
            n = size[ins.array]  # type: ignore[index]
            if not 0 <= addr < n:
                name = "the size parameters" if ins.array == PARAMS_ARRAY else ins.array
                raise fail(ins, FaultKind.OUT_OF_BOUNDS,
                           f"index {addr} out of bounds for {name}[{n}]")
            g = base[ins.array] + addr  # type: ignore[index]
            if op == "LOAD":
                regs[ins.d] = int(mem[g])  # type: ignore[index]
            else:
                mem[g] = regs[ins.b]  # type: ignore[index]
            touched[g] = True
        elif op == "CONST":
            if not lo <= ins.imm <= hi:  # type: ignore[operator]
                sync()
                raise m.fault(ins, FaultKind.OVERFLOW,
                              f"constant {ins.imm} does not fit in {m.word} bits", [0])
            regs[ins.d] = ins.imm  # type: ignore[index]
        elif op == "MOV":
            regs[ins.d] = regs[ins.a]  # type: ignore[index]
        elif op == "UN":
            try:
                v = unary(ins.fn, regs[ins.a])  # type: ignore[arg-type,index]
            except InstructionFault as f:
                raise fail(ins, f.kind, f.reason) from None
            if not lo <= v <= hi:
                raise fail(ins, FaultKind.OVERFLOW, "overflow")
            regs[ins.d] = v  # type: ignore[index]
        elif op == "JZ":
            pc = ins.target if regs[ins.a] == 0 else pc + 1  # type: ignore[assignment,index]
            continue
        elif op == "JMP":
            pc = ins.target  # type: ignore[assignment]
            continue
        elif op == "JOIN":
            # A pardo of one processor: processor 0 alone, nobody waiting -> released at once.
            m.alloc = 1
        elif op == "HALT":
            m.halted = True
            break
        pc += 1
    sync()
