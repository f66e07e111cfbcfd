"""What each displayed cell of a decoding step did: the viewer's per-step data, vectorised.

A step is shown over the canvas *before* it, in Algorithm 1's order (docs/processes.md,
"Rendering"), exactly as :func:`simulators.processes.render.step_cells` draws it in the terminal:
one cell per position (kept, filled, remasked, or a deleted mask), plus one extra cell after each
position whose ``insert`` bit added a mask. Dropping the deleted cells leaves exactly the canvas
*after* the step, and the number of cells of each kind equals the step's :class:`StepRecord`
counts -- both are what the browser tests check against the trace.

Op codes are one character each so a frame's ops travel as one short string in the page:
``k`` keep, ``f`` fill (mask -> token, or ARM's appended token), ``r`` remask, ``d`` delete,
``i`` insert.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.processes.decisions import APMDMDecision
from simulators.processes.trace import Trace

OPS = "kfrdi"
_CODE = {c: k for k, c in enumerate(OPS)}


@dataclass(frozen=True)
class StepCells:
    """Cells of one step: token ids, op codes (indices into :data:`OPS`) and, per cell, the
    position in the canvas before the step it comes from (-1 for an inserted mask)."""

    tokens: np.ndarray
    ops: np.ndarray
    source: np.ndarray

    def op_string(self) -> str:
        return "".join(OPS[k] for k in self.ops.tolist())


def canvas_cells(canvas: np.ndarray) -> StepCells:
    """A canvas shown as it is (the initial frame): every cell kept."""
    c = np.asarray(canvas, dtype=np.int64)
    return StepCells(c, np.zeros(c.shape[0], dtype=np.int64), np.arange(c.shape[0]))


def step_cells(trace: Trace, t: int) -> StepCells:
    """The cells of recorded step ``t`` (0-based: the decision applied to ``canvases[t]``)."""
    mask = trace.vocab.mask_id
    before = np.asarray(trace.canvases[t], dtype=np.int64)
    after = np.asarray(trace.canvases[t + 1], dtype=np.int64)
    decision = trace.decisions[t] if t < len(trace.decisions) else None
    if trace.process == "apmdm" and isinstance(decision, APMDMDecision):
        return _apmdm_cells(before, decision, mask)
    n = before.shape[0]
    ops = np.zeros(after.shape[0], dtype=np.int64)
    grown = np.arange(after.shape[0]) >= n  # ARM: the appended token
    head = np.zeros(after.shape[0], dtype=bool)
    head[:n] = (before[: after.shape[0]] == mask) & (after[:n] != mask)
    ops[grown | head] = _CODE["f"]
    return StepCells(after, ops, np.arange(after.shape[0]))


def _apmdm_cells(x: np.ndarray, d: APMDMDecision, mask: int) -> StepCells:
    """Algorithm 1's ``g`` read cell by cell (same rules as simulators.processes.transition)."""
    y = np.asarray(d.y, dtype=np.int64)
    remask, insert = np.asarray(d.remask, bool), np.asarray(d.insert, bool)
    delete = np.asarray(d.delete, bool)
    is_mask = x == mask
    deleted = delete & is_mask
    ops = np.full(x.shape[0], _CODE["k"], dtype=np.int64)
    ops[remask & ~is_mask] = _CODE["r"]
    ops[is_mask & ~remask & (y != mask)] = _CODE["f"]
    ops[deleted] = _CODE["d"]
    shown = np.where(remask, mask, np.where(is_mask, y, x))
    shown[deleted] = mask
    extra = insert & ~deleted
    # Each position emits its own cell, then one inserted mask if asked: interleave by offsets.
    counts = 1 + extra.astype(np.int64)
    starts = np.cumsum(counts) - counts
    total = int(counts.sum())
    tokens = np.full(total, mask, dtype=np.int64)
    out_ops = np.full(total, _CODE["i"], dtype=np.int64)
    source = np.full(total, -1, dtype=np.int64)
    tokens[starts], out_ops[starts], source[starts] = shown, ops, np.arange(x.shape[0])
    return StepCells(tokens, out_ops, source)


def counts_of(cells: StepCells) -> dict[str, int]:
    """How many cells of each kind (what the step's StepRecord counts)."""
    tally = np.bincount(cells.ops, minlength=len(OPS))
    return {"filled": int(tally[1]), "remasked": int(tally[2]), "deleted": int(tally[3]),
            "inserted": int(tally[4])}
