"""The Theorem 4 AP-MDM's ``fault`` output read back as the machine's fault record.

The step network puts a :class:`~simulators.errors.FaultKind` code at the HEAD of every processor
whose instruction faults in the simulated step (codes from the one semantics, as in Theorem 1).
HEADs sit on the canvas in processor order, so the first non-zero one is the lowest faulting
processor -- the one the machine reports (docs/pram-isa.md, "Faults"); the rest of the record
comes from the canvas the step started from (:mod:`constructions.pram_fault_record`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from constructions.pram_apmdm.layout import FIELD_HEAD, Layout, decode
from constructions.pram_fault_record import fault_from_state
from simulators.errors import FaultKind, InternalError, RuntimeFault
from simulators.pram.isa import MODE_RUN, CompiledProgram


def fault_error(prog: CompiledProgram, layout: Layout, canvas: np.ndarray, fault: np.ndarray,
                step: int, word_lo: int, word_hi: int, base: Mapping[str, int],
                size: Mapping[str, int]) -> RuntimeFault:
    """The error for the step network's ``fault`` output on ``canvas`` (the canvas PRAM step
    ``step`` starts from); ``base`` / ``size`` are the bound arrays."""
    where = np.flatnonzero(fault)
    codes, _ = layout.unpack(np.asarray(canvas)[where])
    fields = (codes - 1) % layout.record
    if where.size == 0 or not ((fields == FIELD_HEAD) & (codes >= 1)
                                & (codes < layout.cell_base)).all():
        raise InternalError("the Theorem 4 fault output is set away from a processor header")
    try:
        kinds = {int(p): FaultKind(int(k))
                 for p, k in zip((codes - 1) // layout.record, fault[where], strict=True)}
    except ValueError:
        raise InternalError(f"the Theorem 4 fault output holds an unknown code "
                            f"{fault[where].tolist()}") from None
    state = decode(layout, canvas)
    return fault_from_state(prog, base, size, step, kinds, state.pc, state.regs,
                            state.mode == MODE_RUN, (word_lo, word_hi),
                            by="detected by the Theorem 4 AP-MDM")
