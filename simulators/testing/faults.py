"""What a run ended with: an output, or a fault of a named kind at a step.

The PRAM constructions must reproduce the reference machine *including its faults*: the same
output, or a fault of the same kind in the same PRAM step (docs/pram-isa.md). :func:`outcome`
runs any callable and reduces what it returned or raised to an :class:`Outcome` that can be
compared across implementations whose messages differ in wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulators.errors import (
    BoundExceeded,
    LimitExceeded,
    MemoryConflict,
    ProjectError,
    RuntimeFault,
)

#: The kinds :func:`fault_kind` reports (one vocabulary for machine and constructions).
#: The names are those of ``simulators.errors.FaultKind`` (lower case), plus "limit" (a safety
#: limit of an implementation, not a PRAM fault) and "other".
FAULT_KINDS = ("domain", "overflow", "out_of_bounds", "write_conflict", "read_conflict",
               "processors", "time", "memory", "limit", "other")

# Message keywords -> kind, first match wins (machine and construction messages both name it).
_KEYWORDS = (
    ("overflow", "overflow"),
    ("division by zero", "domain"), ("log2", "domain"), ("sqrt", "domain"),
    ("negative exponent", "domain"), ("arithmetic", "domain"),
    ("out of bounds", "out_of_bounds"),
    ("concurrent write", "write_conflict"), ("write conflict", "write_conflict"),
    ("concurrent read", "read_conflict"), ("read conflict", "read_conflict"),
)
_STEP = re.compile(r"\bstep (\d+)\b")


def fault_kind(err: BaseException) -> str:
    """The kind of a fault, read from its :class:`~simulators.errors.FaultRecord` when it has
    one and otherwise from its class and message."""
    record = getattr(err, "record", None)
    kind = getattr(record, "kind", None)
    if kind is not None:
        return str(getattr(kind, "name", kind)).lower()
    msg = str(getattr(err, "message", err)).lower()
    if isinstance(err, BoundExceeded):
        if "processors" in msg:
            return "processors"
        if "time" in msg or "did not halt" in msg:
            return "time"
    for word, kind_name in _KEYWORDS:
        if word in msg:
            return kind_name
    if isinstance(err, MemoryConflict):
        return "write_conflict" if "write" in msg else "read_conflict"
    if isinstance(err, LimitExceeded):
        return "limit"
    return "other"


def fault_step(err: BaseException) -> int | None:
    """The 1-based PRAM step a fault happened in (from its record, else ``step N`` in the text)."""
    record = getattr(err, "record", None)
    step = getattr(record, "step", None)
    if step is not None:
        return int(step)
    m = _STEP.search(str(getattr(err, "message", err)))
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Outcome:
    """An output (``fault is None``) or a fault kind with its step (``output is None``)."""

    output: Any = None
    fault: str | None = None
    step: int | None = None
    message: str = ""

    def same_as(self, other: Outcome, *, compare_steps: bool = True) -> bool:
        """Equal outputs, or faults of one kind (and, when both know it, in one step)."""
        if self.fault is None or other.fault is None:
            return self.fault is None and other.fault is None and self.output == other.output
        if self.fault != other.fault:
            return False
        return (not compare_steps or self.step is None or other.step is None
                or self.step == other.step)


def outcome(run: Callable[[], Any], read_output: Callable[[Any], Any] | None = None) -> Outcome:
    """Call ``run()``; its result (through ``read_output``) or its :class:`RuntimeFault`.

    Any other :class:`ProjectError` is re-raised: a construction that rejects its input at build
    time is not a fault of the simulated program.
    """
    try:
        result = run()
    except RuntimeFault as err:
        return Outcome(fault=fault_kind(err), step=fault_step(err), message=str(err))
    except ProjectError:
        raise
    return Outcome(output=read_output(result) if read_output else result)
