"""Run an MDM and its Masked-ARM side by side and compare them (the executable Theorem 3).

:func:`simulate` runs the MDM program directly (policy-chosen fill rule) and the wrapper of
:func:`~constructions.masked_arm.program.build_masked_arm` with the Masked-ARM engine (leftmost
mask, one per step), then checks, besides the final canvas, the *lock-step* invariant the proof
rests on: after ``j`` Masked-ARM steps (``j <= K``) the canvas rebuilt from the log is exactly the
MDM's canvas after ``j`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from constructions.masked_arm.program import MaskedArm, build_masked_arm
from simulators.encoder import Program, mdm_policy
from simulators.processes import BaseVocab, HaltReason, Trace, run_masked_arm, run_mdm


@dataclass(frozen=True)
class Comparison:
    """The outcome of one MDM-vs-Masked-ARM run, with the quantities Theorem 3 reports."""

    machine: MaskedArm
    mdm: Trace
    masked_arm: Trace
    mdm_final: np.ndarray
    masked_arm_final: np.ndarray
    one_token_per_step: bool
    lockstep_ok: bool
    first_lockstep_failure: int | None

    @property
    def same_final(self) -> bool:
        """Both runs halted with every mask filled and the final MDM canvases are equal."""
        return (self.mdm.halt == HaltReason.NO_MASKS
                and self.masked_arm.halt == HaltReason.NO_MASKS
                and np.array_equal(self.mdm_final, self.masked_arm_final))

    @property
    def context(self) -> int:
        return self.machine.layout.context

    @property
    def masked_arm_context(self) -> int:
        return int(len(self.masked_arm.initial))

    @property
    def extra_context(self) -> int:
        """S' - S = K (+ S with the read-out region), K = masks of x0 = MDM steps."""
        return self.masked_arm_context - self.context

    def summary(self) -> dict[str, Any]:
        """JSON-ready figures (what the CLI prints and the checks record)."""
        wrapped, wrapper = self.machine.costs()
        return {
            "same_final": self.same_final, "lockstep_ok": self.lockstep_ok,
            "one_token_per_step": self.one_token_per_step,
            "mdm_halt": str(self.mdm.halt), "masked_arm_halt": str(self.masked_arm.halt),
            "mdm_steps": self.mdm.num_steps, "masked_arm_steps": self.masked_arm.num_steps,
            "context": self.context, "masked_arm_context": self.masked_arm_context,
            "extra_context": self.extra_context,
            "log_cells": self.machine.layout.log_length(self.mdm.initial),
            "mdm_depth": wrapped.depth, "masked_arm_depth": wrapper.depth,
            "extra_depth": wrapper.depth - wrapped.depth,
            "mdm_width_bits": wrapped.width_bits, "masked_arm_width_bits": wrapper.width_bits,
            "masked_arm_vocab_size": len(self.machine.vocab),
        }


def compare(machine: MaskedArm, mdm_trace: Trace, marm_trace: Trace) -> Comparison:
    """Compare two finished runs of an MDM and of its Masked-ARM (see :func:`simulate`)."""
    lay = machine.layout
    one = all(s.filled == 1 for s in mdm_trace.steps)
    failure: int | None = None
    if mdm_trace.recorded and marm_trace.recorded:
        for j, canvas in enumerate(mdm_trace.canvases):
            if j >= len(marm_trace.canvases) or not np.array_equal(
                    lay.rebuild(marm_trace.canvases[j]), canvas):
                failure = j
                break
    marm_final = (lay.final_mdm_canvas(marm_trace.final)
                  if marm_trace.halt == HaltReason.NO_MASKS else lay.rebuild(marm_trace.final))
    return Comparison(machine=machine, mdm=mdm_trace, masked_arm=marm_trace,
                      mdm_final=np.asarray(mdm_trace.final), masked_arm_final=marm_final,
                      one_token_per_step=one, lockstep_ok=failure is None,
                      first_lockstep_failure=failure)


def simulate(mdm_program: Program, vocab: BaseVocab, initial: np.ndarray, *,
             token: str = "token", fill: str = "fill", readout: bool = True,
             machine: MaskedArm | None = None, path: str = "fast",
             rng: np.random.Generator | None = None) -> Comparison:
    """Run ``mdm_program`` as an MDM on ``initial`` and as a Masked-ARM; compare the results.

    ``machine`` reuses a wrapper already built for this program and context. Stochastic programs
    get independent generators for the two runs (seeded from ``rng``), so only deterministic
    programs are expected to agree sample by sample.
    """
    x0 = np.asarray(initial, dtype=np.int64)
    if machine is None:
        machine = build_masked_arm(mdm_program, vocab, len(x0), token=token, fill=fill,
                                   readout=readout)
    seeds = (rng or np.random.default_rng(0)).integers(0, 2**63 - 1, size=2)
    mdm_trace = run_mdm(mdm_policy(mdm_program, token, fill, path=path),
                        machine.layout.check_mdm_canvas(x0), vocab,
                        rng=np.random.default_rng(seeds[0]))
    marm_trace = run_masked_arm(machine.policy(path=path),
                                machine.layout.initial_canvas(x0),
                                machine.vocab, rng=np.random.default_rng(seeds[1]))
    return compare(machine, mdm_trace, marm_trace)
