"""Lock-step runners: many canvases advanced together, one batched policy call per step.

Evaluation runs thousands of canvases; calling the network once per canvas per step would waste
the device. These runners ask a policy with ``decide_batch(canvases)`` for all active canvases at
once and then apply, per canvas, *exactly* the engine's rules: the engines' own decision
checks, the one ``g`` (:func:`simulators.processes.apmdm_transition_batch`, which agrees with
``apmdm_transition``), the engines' fill step, and their halting order. Tests check that every
canvas ends exactly as ``run_apmdm`` / ``run_mdm`` / ``run_arm`` would end it (final canvas,
step count, halting reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulators.processes import FillRule, HaltReason, PolicyChosen, apmdm_transition_batch
from simulators.processes.apmdm import check_apmdm_decision
from simulators.processes.decisions import InvalidDecision
from simulators.processes.mdm import mdm_fill_step
from simulators.processes.recorder import check_initial, check_limit
from simulators.processes.vocab import BaseVocab


@dataclass(frozen=True)
class RunOutcome:
    """How one canvas's run ended (what a Trace records, minus the per-step history)."""

    final: np.ndarray
    num_steps: int
    halt: HaltReason
    peak_length: int
    message: str = ""


class _State:
    def __init__(self, canvases: Sequence[object], vocab: BaseVocab) -> None:
        self.cur = [check_initial(c, vocab, f"canvas[{k}]") for k, c in enumerate(canvases)]
        self.steps = np.zeros(len(self.cur), dtype=np.int64)
        self.peak = np.array([len(c) for c in self.cur], dtype=np.int64)
        self.done: list[RunOutcome | None] = [None] * len(self.cur)

    def finish(self, k: int, halt: HaltReason, message: str = "") -> None:
        self.done[k] = RunOutcome(self.cur[k], int(self.steps[k]), halt, int(self.peak[k]),
                                  message)

    def active(self) -> list[int]:
        return [k for k, d in enumerate(self.done) if d is None]

    def outcomes(self) -> list[RunOutcome]:
        return [d for d in self.done if d is not None]


_TABLE_MSG = "a canvas of {} positions exceeds the model's position table ({})"


def _position_table(policy) -> int | None:  # type: ignore[no-untyped-def]
    """Longest canvas the policy's network can index (None: no absolute table)."""
    inner = getattr(policy, "inner", policy)
    return getattr(policy, "max_canvas_length", getattr(inner, "max_canvas_length", None))


def run_apmdm_batched(policy, canvases: Sequence[object], vocab: BaseVocab, *,  # type: ignore[no-untyped-def]
                      max_steps: int = 10_000, max_length: int = 100_000,
                      halt_on_eos: bool = True, halt_on_fixed_point: bool = True,
                      rng: np.random.Generator | None = None) -> list[RunOutcome]:
    """Run ``policy.decide_batch`` on all ``canvases`` in lock-step with ``run_apmdm``'s rules.

    ``rng`` is handed to the policy (stochastic policies draw from it); with a deterministic
    policy every canvas ends exactly as ``run_apmdm`` would end it.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    max_steps, max_length = check_limit(max_steps, "max_steps"), check_limit(max_length,
                                                                             "max_length")
    table = _position_table(policy)
    st = _State(canvases, vocab)
    eos = vocab.eos_id if halt_on_eos else None
    mask = vocab.mask_id
    while True:
        live = []
        for k in st.active():  # halting checks before a step, in the engine's order
            if eos is not None and (st.cur[k] == eos).any():
                st.finish(k, HaltReason.END_TOKEN)
            elif st.steps[k] >= max_steps:
                st.finish(k, HaltReason.STEP_LIMIT, f"reached max_steps={max_steps}")
            elif table is not None and len(st.cur[k]) > table:
                st.finish(k, HaltReason.LENGTH_LIMIT, _TABLE_MSG.format(len(st.cur[k]), table))
            else:
                live.append(k)
        if not live:
            return st.outcomes()
        decisions = policy.decide_batch([st.cur[k] for k in live], rng)
        go, parts = [], []
        for k, dec in zip(live, decisions, strict=True):
            try:
                x, y, r, i, d = check_apmdm_decision(st.cur[k], dec, vocab)
            except InvalidDecision as err:
                st.finish(k, HaltReason.INVALID, f"step {st.steps[k] + 1}: {err.message}")
                continue
            keep = ~(d & (x == mask))
            length = int(keep.sum() + (keep & i).sum())
            if length > max_length:
                st.finish(k, HaltReason.LENGTH_LIMIT, f"step {st.steps[k] + 1} would make a "
                          f"canvas of {length} positions (max_length={max_length})")
                continue
            if table is not None and length > table:  # an insert past the position table
                st.finish(k, HaltReason.LENGTH_LIMIT, f"step {st.steps[k] + 1}: "
                          + _TABLE_MSG.format(length, table))
                continue
            go.append(k)
            parts.append((x, y, r, i, d))
        if not go:
            continue
        nxt = apmdm_transition_batch(*[[p[j] for p in parts] for j in range(5)], mask=mask)
        for k, z in zip(go, nxt, strict=True):
            fixed = z.shape == st.cur[k].shape and bool(np.array_equal(z, st.cur[k]))
            st.cur[k] = z
            st.steps[k] += 1
            st.peak[k] = max(st.peak[k], len(z))
            if fixed and halt_on_fixed_point:
                st.finish(k, HaltReason.FIXED_POINT)


def run_mdm_batched(policy, canvases: Sequence[object], vocab: BaseVocab, *,  # type: ignore[no-untyped-def]
                    fill_rule: FillRule | None = None, rng: np.random.Generator | None = None,
                    max_steps: int | None = None) -> list[RunOutcome]:
    """Run ``policy.decide_batch`` on all ``canvases`` in lock-step with ``run_mdm``'s rules."""
    rule = PolicyChosen() if fill_rule is None else fill_rule
    rng = np.random.default_rng(0) if rng is None else rng
    st = _State(canvases, vocab)
    table = _position_table(policy)
    limits = [len(c) if max_steps is None else check_limit(max_steps, "max_steps")
              for c in st.cur]
    while True:
        live = []
        for k in st.active():
            if not (st.cur[k] == vocab.mask_id).any():
                st.finish(k, HaltReason.NO_MASKS)
            elif st.steps[k] >= limits[k]:
                st.finish(k, HaltReason.STEP_LIMIT, f"reached max_steps={limits[k]}")
            elif table is not None and len(st.cur[k]) > table:
                st.finish(k, HaltReason.LENGTH_LIMIT, _TABLE_MSG.format(len(st.cur[k]), table))
            else:
                live.append(k)
        if not live:
            return st.outcomes()
        for k, dec in zip(live, policy.decide_batch([st.cur[k] for k in live], rng),
                          strict=True):
            try:
                nxt, _ = mdm_fill_step(st.cur[k], dec, vocab, rule, rng)
            except InvalidDecision as err:
                st.finish(k, HaltReason.INVALID, f"step {st.steps[k] + 1}: {err.message}")
                continue
            st.cur[k] = nxt
            st.steps[k] += 1


def run_arm_batched(policy, prompts: Sequence[object], vocab: BaseVocab, *,  # type: ignore[no-untyped-def]
                    max_length: int = 4096, rng: np.random.Generator | None = None,
                    ) -> list[RunOutcome]:
    """Run ``policy.decide_batch`` on all ``prompts`` in lock-step with ``run_arm``'s rules."""
    max_length = check_limit(max_length, "max_length")
    rng = np.random.default_rng(0) if rng is None else rng
    st = _State(prompts, vocab)
    table = _position_table(policy)
    while True:
        live = []
        for k in st.active():
            if len(st.cur[k]) >= max_length:
                st.finish(k, HaltReason.LENGTH_LIMIT, f"reached max_length={max_length}")
            elif table is not None and len(st.cur[k]) > table:
                st.finish(k, HaltReason.LENGTH_LIMIT, _TABLE_MSG.format(len(st.cur[k]), table))
            else:
                live.append(k)
        if not live:
            return st.outcomes()
        for k, tok in zip(live, policy.decide_batch([st.cur[k] for k in live], rng),
                          strict=True):
            if tok == vocab.mask_id or not bool(vocab.contains(np.array([tok]))[0]):
                st.finish(k, HaltReason.INVALID, f"step {st.steps[k] + 1}: bad token {tok}")
                continue
            st.cur[k] = np.append(st.cur[k], np.int64(tok))
            st.steps[k] += 1
            st.peak[k] = len(st.cur[k])
            if tok == vocab.eos_id:
                st.finish(k, HaltReason.END_TOKEN)
