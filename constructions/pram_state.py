"""The PRAM state every PRAM construction decodes to, in the reference machine's conventions.

``decode_state`` of Theorems 1 and 4 returns :func:`pram_state`'s dict, so one lock-step check
(proofs_checks/lockstep.py) compares any PRAM construction with the machine's trace: the step,
every processor's mode / pc / registers, and the whole shared memory after that step. The machine
shows a halted processor 0 as RUN (it just stops); the constructions record the halt explicitly,
so their halted mode is mapped to RUN here -- the one place that convention is translated.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulators.pram.isa import MODE_IDLE, MODE_RUN


def pram_state(step: int, mode: np.ndarray, pc: np.ndarray, regs: np.ndarray,
               memory: np.ndarray, *, halted_modes: tuple[int, ...] = ()) -> dict[str, Any]:
    """``{"step", "mode", "pc", "regs", "memory"}`` as plain lists (``regs``: one row per
    processor); modes in ``halted_modes`` read as the machine's RUN."""
    mode = np.asarray(mode, dtype=np.int64)
    if halted_modes:
        mode = np.where(np.isin(mode, halted_modes), MODE_RUN, mode)
    return {"step": int(step), "mode": mode.tolist(),
            "pc": np.asarray(pc, dtype=np.int64).tolist(),
            "regs": np.asarray(regs, dtype=np.int64).tolist(),
            "memory": np.asarray(memory, dtype=np.int64).tolist()}


def active_processors(mode: np.ndarray) -> int:
    """Processors not IDLE in one state (the machine's ``processors`` is the most over a run)."""
    return int(np.count_nonzero(np.asarray(mode) != MODE_IDLE))
