"""Read a (partly) decoded Theorem-1 canvas back as PRAM states, outputs and a run status.

This is the inverse of the layout: block t -> every processor's (mode, pc, registers) after PRAM
step t and its write in step t; output cells -> the output arrays. An output cell holding
``[OVER]`` means the PRAM did not halt within the declared T(n) (a bound violation, reported as
:class:`BoundExceeded`); ``[FAULT]`` means a fault was simulated (reported as a
:class:`RuntimeFault` carrying the same :class:`~simulators.errors.FaultRecord` -- kind, step,
processors, address, source line -- as the machine's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from constructions.pram_mdm.layout import (
    F_MODE,
    FAULT_BASE,
    FAULT_KINDS,
    FAULT_MAX,
    MODE_HALTED,
    MODE_IDLE,
    Layout,
)
from simulators.errors import (
    BoundExceeded,
    FaultKind,
    FaultRecord,
    InternalError,
    MemoryConflict,
    RuntimeFault,
    SourceLocation,
)
from simulators.pram.isa import CompiledProgram


@dataclass(frozen=True)
class BlockState:
    """Block t decoded: per processor mode, pc, registers (P, R), write address / value."""

    t: int
    mode: np.ndarray
    pc: np.ndarray
    regs: np.ndarray
    write_address: np.ndarray
    write_value: np.ndarray


def decode_block(lay: Layout, canvas: np.ndarray, t: int) -> BlockState:
    state = lay.block_state(np.asarray(canvas), t)
    writes = lay.block_writes(np.asarray(canvas), t)
    return BlockState(t=t, mode=state[:, 0].copy(), pc=state[:, 1].copy(),
                      regs=state[:, 2:].copy(), write_address=writes[:, 0].copy(),
                      write_value=writes[:, 1].copy())


def end_block(lay: Layout, canvas: np.ndarray) -> int | None:
    """The block where processor 0's record shows HALT or a fault (None if none yet)."""
    modes = np.array([canvas[lay.record_pos(t, 0, F_MODE)] for t in range(1, lay.T + 1)])
    ended = np.flatnonzero((modes >= MODE_HALTED) & (modes <= FAULT_MAX) & (modes != FAULT_BASE))
    # (FAULT_BASE itself is no code: kinds start at 1)
    return int(ended[0]) + 1 if ended.size else None


def block_modes(lay: Layout, canvas: np.ndarray) -> np.ndarray:
    """Every block's mode fields as a (T, P) array (vectorised: one reshape of the canvas)."""
    blocks = np.asarray(canvas)[lay.blocks_start: lay.out_start].reshape(lay.T, lay.PK)
    return blocks[:, : lay.P * lay.KS].reshape(lay.T, lay.P, lay.KS)[:, :, F_MODE]


def processors_used(lay: Layout, canvas: np.ndarray, steps: int) -> int:
    """Most processors not IDLE after any of the first ``steps`` PRAM steps (1 before any):
    the PRAM machine's ``processors`` of the same run, read off the decoded canvas."""
    modes = block_modes(lay, canvas)[:steps]
    active = (modes != MODE_IDLE).sum(axis=1) if steps else np.zeros(0, dtype=np.int64)
    return int(max(1, int(active.max(initial=0))))


def decode_outputs(prog: CompiledProgram, lay: Layout, canvas: np.ndarray) -> dict[str, list[int]]:
    """Output arrays from the output cells; raises on ``[OVER]`` / ``[FAULT]`` cells."""
    cells = np.asarray(canvas[lay.out_start:])
    if (cells == lay.over_id).any():
        msg = (f"bound exceeded (time): '{prog.name}' did not halt within the declared "
               f"T(n) = {lay.T} steps (the Theorem-1 canvas has exactly T blocks)")
        raise BoundExceeded(msg, SourceLocation(prog.file),
                            FaultRecord(FaultKind.TIME, lay.T + 1, message=msg))
    if (cells == lay.fault_id).any() or (cells == lay.mask_id).any():
        raise fault_error(prog, lay, canvas)
    return {seg.name: [int(x) for x in canvas[seg.start: seg.start + seg.size]]
            for seg in lay.outputs}


def fault_error(prog: CompiledProgram, lay: Layout, canvas: np.ndarray) -> RuntimeFault:
    """The simulated fault as the machine reports it: a :class:`FaultRecord` for the lowest
    processor that faulted in the block (docs/pram-isa.md, "Faults"), its kind from the mode
    code, its instruction and address from the block before (the state the step started from)."""
    t = end_block(lay, canvas)
    if t is None:
        raise InternalError("the Theorem-1 MDM stopped without a halt or fault record")
    blk = decode_block(lay, canvas, t)
    codes = blk.mode - FAULT_BASE
    own = np.flatnonzero(np.isin(codes, list(FAULT_KINDS)))
    if own.size == 0:
        raise InternalError(f"block {t} of the Theorem-1 canvas ends the run with mode "
                            f"{int(blk.mode[0])} but no processor's record names a fault")
    kind = FAULT_KINDS[int(codes[own[0]])]
    who = tuple(int(p) for p in own if int(codes[p]) == int(kind))
    if t > 1:
        prev = decode_block(lay, canvas, t - 1)
        pc, regs = int(prev.pc[who[0]]), prev.regs[who[0]]
    else:  # the initial state: every register 0, pc 0
        pc, regs = 0, np.zeros(lay.R, dtype=np.int64)
    ins = prog.instructions[pc] if 0 <= pc < len(prog.instructions) else None
    address = None
    if ins is not None and ins.array is not None and ins.a is not None and (
            kind in (FaultKind.WRITE_CONFLICT, FaultKind.READ_CONFLICT)
            or (kind is FaultKind.OVERFLOW and ins.op == "STORE")):
        address = f"{ins.array}[{int(regs[ins.a])}]"
    what = "?" if ins is None else (ins.op if ins.fn is None else f"{ins.op} {ins.fn}")
    line = ins.line if ins is not None and ins.line else None
    detail = f"{what} (pc {pc})"
    if kind is FaultKind.OVERFLOW:  # the word, narrowed to what a token can hold
        detail += (f": the value leaves {lay.word_lo}..{lay.word_hi} (the {prog.word_bits}-bit "
                   f"word within the construction's token range)")
    record = FaultRecord(kind, t, who, address, line, detail)
    loc = SourceLocation(prog.file, line, None, prog.source_line(line) if line else None)
    cls: type[RuntimeFault] = RuntimeFault
    if kind is FaultKind.PROCESSORS:
        cls = BoundExceeded
    elif kind in (FaultKind.WRITE_CONFLICT, FaultKind.READ_CONFLICT):
        cls = MemoryConflict
    return cls.from_record(record, loc, by="simulated by the Theorem-1 MDM")
