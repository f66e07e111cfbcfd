"""Shared bookkeeping of the three engines: recording steps, Theorem-2 cost, building a Trace.

Kept apart from the engines so each engine file reads as the process's definition only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from simulators.errors import UsageError
from simulators.processes.decisions import APMDMDecision, MDMDecision
from simulators.processes.halting import HaltReason
from simulators.processes.trace import StepRecord, Trace
from simulators.processes.transition import as_token_array
from simulators.processes.vocab import BaseVocab

DEFAULT_MAX_TRACE_BYTES = 1 << 30
"""Default budget for stored canvases and decisions (1 GiB); see ``max_trace_bytes``."""


#: Called as ``observer(steps_so_far, canvas_length)`` after every applied step of every engine;
#: command lines install one for progress feedback on long runs (``set_step_observer``).
_step_observer: Callable[[int, int], None] | None = None


def set_step_observer(
        observer: Callable[[int, int], None] | None) -> Callable[[int, int], None] | None:
    """Install ``observer`` (None removes it) for every engine run in this process; returns the
    previous one so a caller can restore it."""
    global _step_observer
    previous, _step_observer = _step_observer, observer
    return previous


def frozen(canvas: np.ndarray) -> np.ndarray:
    """Make ``canvas`` read-only: policies get it directly and the trace stores it, so nobody
    may change it in place."""
    canvas.flags.writeable = False
    return canvas


def check_initial(canvas: object, vocab: BaseVocab, label: str) -> np.ndarray:
    """The caller's initial canvas as a fresh read-only int64 array (UsageError if invalid)."""
    arr = np.array(as_token_array(canvas, label), dtype=np.int64, copy=True)
    bad = np.flatnonzero(~vocab.contains(arr))
    if bad.size:
        raise UsageError(f"{label}[{bad[0]}] = {arr[bad[0]]} is not a token of the vocabulary")
    return frozen(arr)


def check_limit(value: int, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise UsageError(f"{label} must be a non-negative integer, got {value!r}")
    return int(value)


def rng_or_default(rng: np.random.Generator | None) -> np.random.Generator:
    """The engine's generator: the caller's, else a fixed-seed one (determinism: no global state,
    and an unseeded run is still reproducible)."""
    if rng is None:
        return np.random.default_rng(0)
    if not isinstance(rng, np.random.Generator):
        raise UsageError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _nbytes(decision: Any) -> int:
    if isinstance(decision, MDMDecision | APMDMDecision):
        return sum(np.asarray(v).nbytes for v in vars(decision).values() if v is not None)
    return 8


class Recorder:
    """Collects what a Trace holds while an engine runs."""

    def __init__(self, process: str, initial: np.ndarray, vocab: BaseVocab, policy: Any, *,
                 record_canvases: bool, max_trace_bytes: int, config: dict[str, Any]) -> None:
        self.process, self.vocab, self.config = process, vocab, config
        self.initial = self.current = initial
        self.record = bool(record_canvases)
        self.budget = check_limit(max_trace_bytes, "max_trace_bytes")
        self.used = initial.nbytes
        self.canvases: list[np.ndarray] = [initial] if self.record else []
        self.decisions: list[Any] = []
        self.steps: list[StepRecord] = []
        self.peak = int(initial.shape[0])
        cost_fn = getattr(policy, "serial_cost", None)
        self.cost_fn = cost_fn if callable(cost_fn) else None
        self.serial_cost: int | None = 0 if self.cost_fn is not None else None

    def charge(self, length: int) -> None:
        """Theorem 2 accounting: one policy evaluation on a canvas of ``length`` positions."""
        if self.cost_fn is not None and self.serial_cost is not None:
            self.serial_cost += int(self.cost_fn(length))

    def fits(self, next_length: int, decision: Any) -> bool:
        """Would recording a step (its decision and a canvas of ``next_length``) stay within
        ``max_trace_bytes``? Checked before the canvas is built."""
        if not self.record:
            return True
        return self.used + 8 * next_length + _nbytes(decision) <= self.budget

    def add(self, decision: Any, canvas: np.ndarray, step: StepRecord, *,
            canvas_bytes: int | None = None) -> None:
        """Record an applied step; ``canvas_bytes`` overrides the canvas's own size when it is
        a view sharing memory with earlier canvases (the ARM's prefixes)."""
        self.current = canvas
        self.steps.append(step)
        self.peak = max(self.peak, int(canvas.shape[0]))
        if _step_observer is not None:
            _step_observer(len(self.steps), int(canvas.shape[0]))
        if self.record:
            self.canvases.append(canvas)
            self.decisions.append(decision)
            size = canvas.nbytes if canvas_bytes is None else canvas_bytes
            self.used += size + _nbytes(decision)

    def finish(self, halt: HaltReason, message: str = "") -> Trace:
        return Trace(process=self.process, canvases=self.canvases, decisions=self.decisions,
                     steps=self.steps, num_steps=len(self.steps), peak_length=self.peak,
                     final=self.current, halt=halt, vocab=self.vocab, initial=self.initial,
                     message=message, serial_cost=self.serial_cost, recorded=self.record,
                     config=self.config)
