"""The masked-diffusion process (MDM) and its left-to-right special case, the Masked-ARM.

docs/paper.md §1.2: a fixed-length canvas (the input padded with masks to the context length
S); each step fills a non-empty set of masked positions, and a filled token is never changed again
(irreversibility). The engine *enforces* both: a decision whose fill set is empty, touches a
non-mask, or writes the mask / a non-token is an ``INVALID`` halt. Hence every run halts within
S steps (Theorem 2), which is why ``max_steps`` defaults to the canvas length.
"""

from __future__ import annotations

import numpy as np

from simulators.errors import UsageError
from simulators.processes.decisions import InvalidDecision, MDMDecision, Policy
from simulators.processes.fill_rules import FillRule, LeftmostK, PolicyChosen
from simulators.processes.halting import HaltReason
from simulators.processes.recorder import (
    DEFAULT_MAX_TRACE_BYTES,
    Recorder,
    check_initial,
    check_limit,
    frozen,
    rng_or_default,
)
from simulators.processes.trace import StepRecord, Trace
from simulators.processes.vocab import BaseVocab


def mdm_fill_step(canvas: np.ndarray, decision: object, vocab: BaseVocab, fill_rule: FillRule,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One MDM step: the next canvas and the bool set of positions filled (vectorised).

    Raises :class:`InvalidDecision` when the decision breaks the MDM's rules.
    """
    if not isinstance(decision, MDMDecision):
        raise InvalidDecision(f"an MDM policy must return MDMDecision, got "
                              f"{type(decision).__name__}")
    tokens = np.asarray(decision.tokens)
    if tokens.shape != canvas.shape or tokens.dtype.kind not in "iu":
        raise InvalidDecision(f"tokens must be an integer array of shape {canvas.shape}, got "
                              f"{tokens.dtype} {tokens.shape}")
    is_mask = canvas == vocab.mask_id
    fill = fill_rule.select(decision, is_mask, rng)
    where = np.flatnonzero(fill)
    if where.size == 0:
        raise InvalidDecision("the decision fills no position (an MDM step fills >= 1 mask)")
    bad = where[~is_mask[where]]
    if bad.size:
        raise InvalidDecision(f"position {bad[0]} is already filled "
                              f"({vocab.name(int(canvas[bad[0]]))}); an MDM never rewrites it")
    new_tokens = tokens[where].astype(np.int64)
    ok = vocab.contains(new_tokens) & (new_tokens != vocab.mask_id)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise InvalidDecision(f"position {where[i]} would be filled with {new_tokens[i]}, "
                              f"which is not a non-mask token of the vocabulary")
    out = canvas.copy()
    out[where] = new_tokens
    chosen = np.zeros(canvas.shape, dtype=np.bool_)
    chosen[where] = True
    return out, chosen


def recorded_decision(decision: MDMDecision, filled: np.ndarray) -> MDMDecision:
    """What the trace stores for a step: copies (a policy may reuse its arrays) with uniform
    dtypes, and ``fill`` = the positions actually filled, whatever the fill rule -- so a
    recorded step says exactly which masks were unmasked (training labels)."""
    conf = decision.confidence
    if conf is not None:
        conf_arr = np.asarray(conf)
        ok = conf_arr.shape == filled.shape and conf_arr.dtype.kind in "fiu"
        conf = conf_arr.astype(np.float64) if ok else None
    return MDMDecision(tokens=np.asarray(decision.tokens).astype(np.int64), fill=filled,
                       confidence=conf)


def run_mdm(policy: Policy, canvas: object, vocab: BaseVocab, *,
            fill_rule: FillRule | None = None, rng: np.random.Generator | None = None,
            max_steps: int | None = None, record_canvases: bool = True,
            max_trace_bytes: int = DEFAULT_MAX_TRACE_BYTES) -> Trace:
    """Run an MDM policy on ``canvas`` until no mask is left (or a limit / invalid decision).

    ``fill_rule`` defaults to :class:`PolicyChosen` (the policy's own ``fill`` set);
    ``max_steps`` defaults to the canvas length S.
    """
    fill_rule = PolicyChosen() if fill_rule is None else fill_rule
    if not isinstance(fill_rule, FillRule):
        raise UsageError(f"fill_rule must be a FillRule, got {type(fill_rule).__name__}")
    rng = rng_or_default(rng)
    current = check_initial(canvas, vocab, "canvas")
    size = int(current.shape[0])
    max_steps = size if max_steps is None else check_limit(max_steps, "max_steps")
    rec = Recorder("mdm", current, vocab, policy, record_canvases=record_canvases,
                   max_trace_bytes=max_trace_bytes,
                   config={"fill_rule": repr(fill_rule), "max_steps": max_steps})
    while True:
        if not (current == vocab.mask_id).any():
            return rec.finish(HaltReason.NO_MASKS)
        if len(rec.steps) >= max_steps:
            return rec.finish(HaltReason.STEP_LIMIT, f"reached max_steps={max_steps}")
        rec.charge(size)
        decision = policy(current, rng)
        try:
            nxt, filled = mdm_fill_step(current, decision, vocab, fill_rule, rng)
            decision = recorded_decision(decision, filled) if rec.record else None
        except InvalidDecision as err:
            return rec.finish(HaltReason.INVALID, f"step {len(rec.steps) + 1}: {err.message}")
        if not rec.fits(size, decision):
            return rec.finish(HaltReason.MEMORY_LIMIT, "trace would exceed max_trace_bytes")
        current = frozen(nxt)
        rec.add(decision, current, StepRecord(filled=int(filled.sum()), remasked=0, inserted=0,
                                              deleted=0, length=size))


def run_masked_arm(policy: Policy, canvas: object, vocab: BaseVocab, *,
                   rng: np.random.Generator | None = None, max_steps: int | None = None,
                   record_canvases: bool = True,
                   max_trace_bytes: int = DEFAULT_MAX_TRACE_BYTES) -> Trace:
    """The Masked-ARM: an MDM that fills the leftmost mask, one per step (Theorem 3)."""
    return run_mdm(policy, canvas, vocab, fill_rule=LeftmostK(1), rng=rng, max_steps=max_steps,
                   record_canvases=record_canvases, max_trace_bytes=max_trace_bytes)
