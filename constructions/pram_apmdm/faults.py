"""The Theorem 4 AP-MDM's ``fault`` output read back as the machine's fault record.

The step network puts a :class:`~simulators.errors.FaultKind` code at the HEAD of every processor
whose instruction faults in the simulated step (codes from the one semantics, as in Theorem 1).
HEADs sit on the canvas in processor order, so the first non-zero one is the lowest faulting
processor -- the one the machine reports (docs/pram-isa.md, "Faults"). The instruction and the
address come from the canvas the step started from.
"""

from __future__ import annotations

import numpy as np

from constructions.pram_apmdm.layout import FIELD_HEAD, Layout, decode
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


def fault_error(prog: CompiledProgram, layout: Layout, canvas: np.ndarray, fault: np.ndarray,
                step: int, word_lo: int, word_hi: int) -> RuntimeFault:
    """The error for the step-network's ``fault`` output on ``canvas`` (PRAM step ``step``)."""
    where = np.flatnonzero(fault)
    codes, _ = layout.unpack(np.asarray(canvas)[where])
    fields = (codes - 1) % layout.record
    if where.size == 0 or not ((fields == FIELD_HEAD) & (codes >= 1)
                                & (codes < layout.cell_base)).all():
        raise InternalError("the Theorem 4 fault output is set away from a processor header")
    pids = (codes - 1) // layout.record
    try:
        kinds = [FaultKind(int(k)) for k in fault[where]]
    except ValueError:
        raise InternalError(f"the Theorem 4 fault output holds an unknown code "
                            f"{fault[where].tolist()}") from None
    kind = kinds[0]
    who = tuple(int(p) for p, k in zip(pids, kinds, strict=True) if k is kind)
    state = decode(layout, canvas)
    pc = int(state.pc[who[0]])
    ins = prog.instructions[pc] if 0 <= pc < len(prog.instructions) else None
    address = None
    if ins is not None and ins.array is not None and ins.a is not None and (
            kind in (FaultKind.WRITE_CONFLICT, FaultKind.READ_CONFLICT)
            or (kind is FaultKind.OVERFLOW and ins.op == "STORE")):
        address = f"{ins.array}[{int(state.regs[who[0], ins.a])}]"
    what = "?" if ins is None else (ins.op if ins.fn is None else f"{ins.op} {ins.fn}")
    detail = f"{what} (pc {pc})"
    if kind is FaultKind.OVERFLOW:  # the word, narrowed to what a token's value field holds
        detail += (f": the value leaves {word_lo}..{word_hi} (the {prog.word_bits}-bit word "
                   f"within the construction's {layout.value_bits}-bit token values)")
    line = ins.line if ins is not None and ins.line else None
    record = FaultRecord(kind, step, who, address, line, detail)
    loc = SourceLocation(prog.file, line, None, prog.source_line(line) if line else None)
    cls: type[RuntimeFault] = RuntimeFault
    if kind in (FaultKind.WRITE_CONFLICT, FaultKind.READ_CONFLICT):
        cls = MemoryConflict
    elif kind is FaultKind.PROCESSORS:
        cls = BoundExceeded
    return cls.from_record(record, loc, by="detected by the Theorem 4 AP-MDM")
