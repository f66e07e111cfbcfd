"""One lock-step driver for every PRAM construction: Theorem 1, Theorem 4, and Theorem 3 around
the Theorem 1 MDM (one token per step).

:class:`PramLockStep` is a hypothesis ``RuleBasedStateMachine``. It draws a random PRAM program
and input (every memory model), builds one construction through the shared
:class:`~constructions.interface.Construction` interface, runs the reference machine with its
trace, and then applies the construction's own policy one decoding step at a time with the
engines' step functions (MDM fill / Algorithm 1's ``g``). After every step it decodes the canvas
(``decode_state``) and, whenever the canvas holds the state after PRAM step t, compares every
processor's mode, pc and registers and the whole shared memory with the machine after step t.
Nothing here is construction-specific except the table :data:`BUILDERS` (how to build one, and
which MDM fill rule its engine uses).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from constructions.interface import Construction
from constructions.masked_arm.construction import Theorem3
from constructions.pram_apmdm.construction import Theorem4
from constructions.pram_mdm.construction import Theorem1
from simulators.pram import run
from simulators.processes import (
    APMDMDecision,
    FillRule,
    LeftmostK,
    PolicyChosen,
    apmdm_transition,
)
from simulators.processes.mdm import mdm_fill_step
from simulators.testing.pram_programs import PramCase, pram_cases

Builder = Callable[[PramCase], Construction]

#: name -> (build from a drawn case, the MDM engine's fill rule; None for an AP-MDM).
BUILDERS: dict[str, tuple[Builder, FillRule | None]] = {
    "theorem1": (lambda c: Theorem1.build(c.program, c.inputs), PolicyChosen()),
    "theorem4": (lambda c: Theorem4.build(c.program, c.inputs), None),
    "theorem3": (lambda c: Theorem3.of(Theorem1.build(c.program, c.inputs,
                                                      one_token_per_step=True)), LeftmostK(1)),
}


def machine_state(ref_state: Any) -> dict[str, list]:
    """The machine's state after one step in :func:`constructions.pram_state.pram_state` form."""
    return {"mode": ref_state.mode.astype(np.int64).tolist(),
            "pc": ref_state.pc.astype(np.int64).tolist(),
            "regs": ref_state.regs.astype(np.int64).tolist(),
            "memory": ref_state.memory.astype(np.int64).tolist()}


def state_step(construction: Construction, state: dict, decoding_steps: int) -> int | None:
    """Which PRAM step a decoded state is: written on the canvas (``state["step"]``), or
    known from the decoding steps (``pram_step_after``); None mid-step."""
    if "step" in state:
        return int(state["step"])
    after = getattr(construction, "pram_step_after", None)
    return None if after is None else after(decoding_steps)


def apply_step(construction: Construction, canvas: np.ndarray, decision: Any,
               fill_rule: FillRule | None) -> tuple[np.ndarray, bool]:
    """One engine step; returns the next canvas and whether anything changed."""
    if isinstance(decision, APMDMDecision):
        nxt = apmdm_transition(canvas, decision.y, decision.remask, decision.insert,
                               decision.delete, mask=construction.vocab.mask_id)
        return nxt, not np.array_equal(nxt, canvas)
    assert fill_rule is not None, "an MDM construction needs a fill rule"
    nxt, _ = mdm_fill_step(canvas, decision, construction.vocab, fill_rule,
                           np.random.default_rng(0))
    return nxt, True


class PramLockStep(RuleBasedStateMachine):
    """See the module docstring. ``compared`` collects (construction, PRAM step) pairs checked."""

    compared: set[tuple[str, int]] = set()

    def __init__(self) -> None:
        super().__init__()
        self.construction: Construction | None = None
        self.done = False

    @initialize(case=pram_cases(max_n=4, max_steps=40), which=st.sampled_from(sorted(BUILDERS)))
    def start(self, case: PramCase, which: str) -> None:
        build, self.fill_rule = BUILDERS[which]
        self.which = which
        self.construction = build(case)
        self.ref = run(case.program, case.inputs, trace=True)
        self.canvas = self.construction.initial_canvas()
        self.policy = self.construction.policy("fast")
        self.d = 0
        self.last_t = -1
        self._compare()

    def _compare(self) -> None:
        assert self.construction is not None
        state = self.construction.decode_state(self.canvas)
        t = state_step(self.construction, state, self.d)
        if t is None:
            return
        assert t >= self.last_t, f"{self.which}: PRAM step went back from {self.last_t} to {t}"
        assert t <= self.ref.steps, f"{self.which}: canvas claims step {t} > {self.ref.steps}"
        assert self.ref.trace is not None
        want = machine_state(self.ref.trace[t])
        for key in ("mode", "pc", "regs", "memory"):
            assert state[key] == want[key], (
                f"{self.which}, decoding step {self.d}, PRAM step {t}: {key} "
                f"{state[key]} != machine {want[key]}")
        self.last_t = t
        PramLockStep.compared.add((self.which, t))

    @precondition(lambda self: self.construction is not None and not self.done)
    @rule()
    def decoding_step(self) -> None:
        assert self.construction is not None
        decision = self.policy(self.canvas, None)
        self.canvas, changed = apply_step(self.construction, self.canvas, decision,
                                          self.fill_rule)
        if not changed:  # an AP-MDM fixed point: the run is over
            self.done = True
            return
        self.d += 1
        self._compare()
        if self.fill_rule is not None and not (self.canvas == self.construction.vocab.mask_id
                                               ).any():
            self.done = True

    @precondition(lambda self: self.construction is not None and self.done)
    @rule()
    def finished(self) -> None:
        """At the end the canvas holds the machine's final state."""
        assert self.last_t == self.ref.steps, (
            f"{self.which}: ended at PRAM step {self.last_t}, the machine took {self.ref.steps}")

    @invariant()
    def theorem1_one_pram_step_per_decoding_step(self) -> None:
        """Theorem 1's pace: decoding step d (d <= the machine's steps) completes PRAM step d."""
        if self.construction is not None and self.which == "theorem1" and self.d <= self.ref.steps:
            assert self.last_t == self.d, f"after {self.d} decoding steps: PRAM step {self.last_t}"
