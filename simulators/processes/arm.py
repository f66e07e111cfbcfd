"""The autoregressive process (ARM): one token appended at the right end per step.

docs/paper.md §1.1: steps = output length. The run stops when the policy appends the end token (the
vocabulary's EOS) or when the canvas has reached ``max_length``.
"""

from __future__ import annotations

import numbers

import numpy as np

from simulators.errors import UsageError
from simulators.processes.decisions import Policy
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


def _next_token(decision: object, vocab: BaseVocab) -> tuple[int | None, str]:
    """The policy's token as an int, or None and the reason it is invalid."""
    if isinstance(decision, bool | np.bool_) or not isinstance(decision, numbers.Integral):
        return None, f"an ARM policy must return an int token id, got {type(decision).__name__}"
    tok = int(decision)
    if not bool(vocab.contains(np.array([tok]))[0]):
        return None, f"token id {tok} is not in the vocabulary"
    if tok == vocab.mask_id:
        return None, "an ARM policy may not emit the mask token"
    return tok, ""


def run_arm(policy: Policy, prompt: object, vocab: BaseVocab, *,
            rng: np.random.Generator | None = None, max_length: int = 4096,
            record_canvases: bool = True, max_trace_bytes: int = DEFAULT_MAX_TRACE_BYTES,
            ) -> Trace:
    """Run an ARM policy from ``prompt`` until EOS or ``max_length`` tokens.

    Every canvas is a prefix of the final one, so the trace stores them as read-only views of
    one buffer (memory O(max_length), not O(max_length^2)).
    """
    rng = rng_or_default(rng)
    max_length = check_limit(max_length, "max_length")
    start = check_initial(prompt, vocab, "prompt")
    if start.shape[0] > max_length:
        raise UsageError(f"the prompt has {start.shape[0]} tokens, more than max_length="
                         f"{max_length}")
    rec = Recorder("arm", start, vocab, policy, record_canvases=record_canvases,
                   max_trace_bytes=max_trace_bytes, config={"max_length": max_length})
    n = start.shape[0]
    buf = np.empty(min(max(2 * n, 16), max_length), dtype=np.int64)
    buf[:n] = start
    canvas = start
    while True:
        if n >= max_length:
            return rec.finish(HaltReason.LENGTH_LIMIT, f"reached max_length={max_length}")
        rec.charge(n)
        decision = policy(canvas, rng)
        tok, why = _next_token(decision, vocab)
        if tok is None:
            return rec.finish(HaltReason.INVALID, f"step {len(rec.steps) + 1}: {why}")
        if not rec.fits(1, tok):
            return rec.finish(HaltReason.MEMORY_LIMIT, "trace would exceed max_trace_bytes")
        if n == buf.shape[0]:  # grow geometrically; old views keep the old buffer alive
            bigger = np.empty(min(2 * n, max_length), dtype=np.int64)
            bigger[:n] = buf[:n]
            buf = bigger
        buf[n] = tok
        n += 1
        canvas = frozen(buf[:n].view())
        rec.add(tok, canvas, StepRecord(filled=1, remasked=0, inserted=0, deleted=0, length=n),
                canvas_bytes=8)
        if tok == vocab.eos_id:
            return rec.finish(HaltReason.END_TOKEN)
