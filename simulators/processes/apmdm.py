"""The any-process MDM (AP-MDM): the policy proposes ``y`` and the control bits
``(remask, insert, delete)`` for every position; Algorithm 1's ``g`` builds the next canvas.

docs/paper.md §1.5: the paper leaves stopping open; this engine offers all three options as
explicit arguments:
a fixed point (``g(x) == x``), an end token (the vocabulary's EOS anywhere on the canvas), and a
step limit -- plus a length limit, checked *before* the next canvas is allocated (``g``'s output
length is known from the control bits alone), so geometric growth cannot exhaust memory.
"""

from __future__ import annotations

import numpy as np

from simulators.errors import ProjectError, UsageError
from simulators.processes.decisions import APMDMDecision, InvalidDecision, Policy
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
from simulators.processes.transition import (
    apply_transition_unchecked,
    check_transition_inputs,
)
from simulators.processes.vocab import BaseVocab


def check_apmdm_decision(canvas: np.ndarray, decision: object, vocab: BaseVocab,
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate a decision against ``canvas``; returns ``(x, y, remask, insert, delete)``.

    Raises :class:`InvalidDecision` on wrong types or lengths, or when a token that ``g`` would
    write (``y`` at a masked, kept, non-remasked position) is not in the vocabulary. ``y``
    elsewhere is ignored by ``g`` and therefore not checked.
    """
    if not isinstance(decision, APMDMDecision):
        raise InvalidDecision(f"an AP-MDM policy must return APMDMDecision, got "
                              f"{type(decision).__name__}")
    try:
        x, y, r, i, d = check_transition_inputs(canvas, decision.y, decision.remask,
                                                decision.insert, decision.delete)
    except ProjectError as err:
        raise InvalidDecision(err.message) from None
    used = (x == vocab.mask_id) & ~r & ~d
    bad = np.flatnonzero(used & ~vocab.contains(y))
    if bad.size:
        raise InvalidDecision(f"y[{bad[0]}] = {y[bad[0]]} is not a token of the vocabulary")
    return x, y, r, i, d


def step_record(x: np.ndarray, y: np.ndarray, remask: np.ndarray, insert: np.ndarray,
                delete: np.ndarray, mask: int, length: int) -> StepRecord:
    """Operation counts of one ``g`` application (definitions in :class:`StepRecord`)."""
    is_mask = x == mask
    keep = ~(delete & is_mask)
    return StepRecord(
        filled=int(np.count_nonzero(is_mask & keep & ~remask & (y != mask))),
        remasked=int(np.count_nonzero(remask & ~is_mask)),
        inserted=int(np.count_nonzero(insert & keep)),
        deleted=int(np.count_nonzero(~keep)),
        length=length,
    )


def run_apmdm(policy: Policy, canvas: object, vocab: BaseVocab, *,
              rng: np.random.Generator | None = None, max_steps: int = 10_000,
              max_length: int = 100_000, halt_on_eos: bool = True,
              halt_on_fixed_point: bool = True, record_canvases: bool = True,
              max_trace_bytes: int = DEFAULT_MAX_TRACE_BYTES) -> Trace:
    """Run an AP-MDM policy on ``canvas``.

    Halting, checked in this order before each step: EOS on the canvas (``halt_on_eos`` and the
    vocabulary has an EOS) -> ``END_TOKEN``; ``max_steps`` steps taken -> ``STEP_LIMIT``. After
    the policy answers: an invalid decision -> ``INVALID``; a next canvas longer than
    ``max_length`` -> ``LENGTH_LIMIT`` (not built). A step with ``g(x) == x`` is recorded (it
    is the policy saying "done", useful as a halting example for learning) and then ends the run
    with ``FIXED_POINT`` when ``halt_on_fixed_point``.
    """
    rng = rng_or_default(rng)
    max_steps = check_limit(max_steps, "max_steps")
    max_length = check_limit(max_length, "max_length")
    current = check_initial(canvas, vocab, "canvas")
    if current.shape[0] > max_length:
        raise UsageError(f"the initial canvas has {current.shape[0]} positions, more than "
                         f"max_length={max_length}")
    mask = vocab.mask_id
    eos = vocab.eos_id if halt_on_eos else None
    rec = Recorder("apmdm", current, vocab, policy, record_canvases=record_canvases,
                   max_trace_bytes=max_trace_bytes,
                   config={"max_steps": max_steps, "max_length": max_length,
                           "halt_on_eos": halt_on_eos, "halt_on_fixed_point": halt_on_fixed_point})
    while True:
        if eos is not None and (current == eos).any():
            return rec.finish(HaltReason.END_TOKEN)
        if len(rec.steps) >= max_steps:
            return rec.finish(HaltReason.STEP_LIMIT, f"reached max_steps={max_steps}")
        rec.charge(int(current.shape[0]))
        decision = policy(current, rng)
        step_no = len(rec.steps) + 1
        try:
            x, y, r, i, d = check_apmdm_decision(current, decision, vocab)
        except InvalidDecision as err:
            return rec.finish(HaltReason.INVALID, f"step {step_no}: {err.message}")
        record = step_record(x, y, r, i, d, mask, 0)
        length = x.shape[0] - record.deleted + record.inserted
        if length > max_length:
            return rec.finish(HaltReason.LENGTH_LIMIT, f"step {step_no} would make a canvas of "
                              f"{length} positions (max_length={max_length})")
        if not rec.fits(length, decision):
            return rec.finish(HaltReason.MEMORY_LIMIT, "trace would exceed max_trace_bytes")
        nxt = frozen(apply_transition_unchecked(x, y, r, i, d, mask))
        if rec.record:  # store copies with uniform dtypes: a policy may reuse its arrays
            decision = APMDMDecision(y.copy(), r.copy(), i.copy(), d.copy())
        fixed = nxt.shape == current.shape and bool(np.array_equal(nxt, current))
        rec.add(decision, nxt, StepRecord(record.filled, record.remasked, record.inserted,
                                          record.deleted, length))
        current = nxt
        if fixed and halt_on_fixed_point:
            return rec.finish(HaltReason.FIXED_POINT)
