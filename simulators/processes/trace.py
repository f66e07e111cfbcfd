"""The record of one run: canvases, decisions, per-step operation counts, halting reason.

A :class:`Trace` is what every engine returns and what teammates consume (training data for the
learned models, step counts for the theorem checks, the teaching renderer). JSON export lives in
:mod:`simulators.processes.trace_json`; the terminal rendering in
:mod:`simulators.processes.render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulators.processes.halting import HaltReason
from simulators.processes.vocab import BaseVocab


@dataclass(frozen=True)
class StepRecord:
    """Operation counts of one decoding step.

    ``filled``: masks that became a non-mask token (ARM: the appended token, 1);
    ``remasked``: non-mask tokens turned back into a mask (remask on a mask changes nothing and
    is not counted); ``inserted``: masks added by ``insert`` (on kept positions);
    ``deleted``: masks removed by ``delete``; ``length``: canvas length *after* the step.
    """

    filled: int
    remasked: int
    inserted: int
    deleted: int
    length: int


@dataclass(frozen=True, eq=False)  # arrays inside: compare traces with to_json(), not ==
class Trace:
    """One run of an engine.

    ``canvases[0]`` is the initial canvas and ``canvases[-1] is final``, so
    ``len(canvases) == num_steps + 1`` and ``decisions`` (the policy's output at each applied
    step) align with ``canvases[:-1]`` -- unless the run was made with
    ``record_canvases=False``: then ``canvases`` and ``decisions`` are empty (``recorded`` is
    False) while ``steps``, ``initial``, ``final``, ``peak_length`` and ``halt`` are kept.
    A decision that ended the run as INVALID (or would have overrun a limit) was not applied and
    is not in ``decisions``; ``message`` says what was wrong. ``serial_cost`` sums the policy's
    ``serial_cost(length)`` over every policy evaluation (None if the policy has no such method).
    """

    process: str
    canvases: list[np.ndarray]
    decisions: list[Any]
    steps: list[StepRecord]
    num_steps: int
    peak_length: int
    final: np.ndarray
    halt: HaltReason
    vocab: BaseVocab
    initial: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    message: str = ""
    serial_cost: int | None = None
    recorded: bool = True
    config: dict[str, Any] = field(default_factory=dict)

    def to_json(self, *, indent: int | None = None) -> str:
        """This trace as JSON text (schema in docs/processes.md)."""
        from simulators.processes.trace_json import trace_to_json

        return trace_to_json(self, indent=indent)

    @staticmethod
    def from_json(text: str) -> Trace:
        """Read a trace written by :meth:`to_json` (raises UsageError on malformed input)."""
        from simulators.processes.trace_json import trace_from_json

        return trace_from_json(text)

    def totals(self) -> StepRecord:
        """Operation counts summed over all steps (``length`` = final length)."""
        return StepRecord(
            filled=sum(s.filled for s in self.steps),
            remasked=sum(s.remasked for s in self.steps),
            inserted=sum(s.inserted for s in self.steps),
            deleted=sum(s.deleted for s in self.steps),
            length=int(self.final.shape[0]),
        )

    def transitions(self) -> list[tuple[np.ndarray, Any, np.ndarray]]:
        """``(canvas_before, decision, canvas_after)`` for each recorded step (training data)."""
        return [(self.canvases[t], self.decisions[t], self.canvases[t + 1])
                for t in range(len(self.decisions))]
