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

from constructions.pram_fault_record import fault_from_state
from constructions.pram_mdm.layout import (
    F_MODE,
    FAULT_BASE,
    FAULT_KINDS,
    FAULT_MAX,
    MODE_HALTED,
    MODE_IDLE,
    MODE_RUN,
    Layout,
)
from simulators.errors import (
    BoundExceeded,
    FaultKind,
    FaultRecord,
    InternalError,
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
    """The simulated fault as the machine reports it (docs/pram-isa.md, "Faults"): the kinds
    come from the faulting block's fault modes, pcs and registers from the block before it
    (the state the step started from); :func:`constructions.pram_fault_record.fault_from_state`
    builds the record."""
    t = end_block(lay, canvas)
    if t is None:
        raise InternalError("the Theorem-1 MDM stopped without a halt or fault record")
    blk = decode_block(lay, canvas, t)
    codes = blk.mode - FAULT_BASE
    kinds = {int(p): FAULT_KINDS[int(codes[p])]
             for p in np.flatnonzero(np.isin(codes, list(FAULT_KINDS)))}
    if t > 1:
        prev = decode_block(lay, canvas, t - 1)
        pc, regs, mode = prev.pc, prev.regs, prev.mode
    else:  # the initial state: processor 0 RUN at pc 0, every register 0
        pc, regs = np.zeros(lay.P, dtype=np.int64), np.zeros((lay.P, lay.R), dtype=np.int64)
        mode = np.full(lay.P, MODE_IDLE, dtype=np.int64)
        mode[0] = MODE_RUN
    base = {name: b for name, b, _ in lay.arrays}
    size = {name: n for name, _, n in lay.arrays}
    return fault_from_state(prog, base, size, t, kinds, pc, regs, mode == MODE_RUN,
                            (lay.word_lo, lay.word_hi), by="simulated by the Theorem-1 MDM")
