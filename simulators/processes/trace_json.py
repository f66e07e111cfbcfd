"""Trace <-> JSON (schema documented in docs/processes.md, "Trace JSON").

Token ids are written as integers, control bits as 0/1 integers, confidences as JSON numbers
(Python's float repr, so they round-trip exactly). Reading validates the structure and raises
:class:`~simulators.errors.UsageError` on malformed input -- never a bare KeyError.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from simulators.errors import UsageError
from simulators.processes.decisions import APMDMDecision, MDMDecision
from simulators.processes.halting import HaltReason
from simulators.processes.recorder import frozen
from simulators.processes.trace import StepRecord, Trace
from simulators.processes.vocab import BaseVocab

SCHEMA = "powerful-ways/trace"
VERSION = 1


def _list(a: np.ndarray | None) -> list[Any] | None:
    return None if a is None else np.asarray(a).tolist()


def _decision_to_obj(decision: Any) -> Any:
    if isinstance(decision, MDMDecision):
        return {"tokens": _list(decision.tokens),
                "fill": None if decision.fill is None
                else np.asarray(decision.fill).astype(np.int64).tolist(),
                "confidence": None if decision.confidence is None
                else np.asarray(decision.confidence, dtype=np.float64).tolist()}
    if isinstance(decision, APMDMDecision):
        return {"y": _list(decision.y),
                **{k: np.asarray(getattr(decision, k)).astype(np.int64).tolist()
                   for k in ("remask", "insert", "delete")}}
    return int(decision)


def _decision_from_obj(process: str, obj: Any) -> Any:
    if process == "arm":
        return int(obj)
    if process == "mdm":
        return MDMDecision(
            tokens=np.array(obj["tokens"], dtype=np.int64),
            fill=None if obj["fill"] is None else np.array(obj["fill"], dtype=np.bool_),
            confidence=None if obj["confidence"] is None
            else np.array(obj["confidence"], dtype=np.float64))
    return APMDMDecision(y=np.array(obj["y"], dtype=np.int64),
                         **{k: np.array(obj[k], dtype=np.bool_)
                            for k in ("remask", "insert", "delete")})


def trace_to_obj(trace: Trace) -> dict[str, Any]:
    """The JSON-ready dict of a trace."""
    return {
        "schema": SCHEMA, "version": VERSION, "process": trace.process,
        "vocab": trace.vocab.to_dict(), "halt": trace.halt.value, "message": trace.message,
        "num_steps": trace.num_steps, "peak_length": trace.peak_length,
        "serial_cost": trace.serial_cost, "recorded": trace.recorded, "config": trace.config,
        "initial": _list(trace.initial), "final": _list(trace.final),
        "steps": [[s.filled, s.remasked, s.inserted, s.deleted, s.length] for s in trace.steps],
        "canvases": [_list(c) for c in trace.canvases],
        "decisions": [_decision_to_obj(d) for d in trace.decisions],
    }


def trace_to_json(trace: Trace, *, indent: int | None = None) -> str:
    """JSON text of a trace."""
    return json.dumps(trace_to_obj(trace), indent=indent)


def _canvas(obj: Any) -> np.ndarray:
    return frozen(np.array(obj, dtype=np.int64).reshape(-1))


def trace_from_obj(obj: dict[str, Any]) -> Trace:
    """Rebuild a trace from :func:`trace_to_obj`'s dict."""
    if not isinstance(obj, dict) or obj.get("schema") != SCHEMA:
        raise UsageError(f"not a trace: expected schema {SCHEMA!r}")
    if obj.get("version") != VERSION:
        raise UsageError(f"unsupported trace version {obj.get('version')!r} (this reads "
                         f"{VERSION})")
    process = obj.get("process")
    if process not in ("arm", "mdm", "apmdm"):
        raise UsageError(f"unknown process {process!r} in trace JSON")
    try:
        trace = Trace(
            process=process, vocab=BaseVocab.from_dict(obj["vocab"]),
            canvases=[_canvas(c) for c in obj["canvases"]],
            decisions=[_decision_from_obj(process, d) for d in obj["decisions"]],
            steps=[StepRecord(*map(int, s)) for s in obj["steps"]],
            num_steps=int(obj["num_steps"]), peak_length=int(obj["peak_length"]),
            final=_canvas(obj["final"]), halt=HaltReason(obj["halt"]),
            initial=_canvas(obj["initial"]), message=str(obj["message"]),
            serial_cost=None if obj["serial_cost"] is None else int(obj["serial_cost"]),
            recorded=bool(obj["recorded"]), config=dict(obj["config"]))
    except (KeyError, TypeError, ValueError, OverflowError, AttributeError, IndexError) as err:
        raise UsageError(f"malformed trace JSON: {type(err).__name__}: {err}") from None
    _check_consistent(trace)
    return trace


def _check_consistent(trace: Trace) -> None:
    """The invariants of :class:`Trace` that readers (the renderer, the HTML viewer) rely on:
    one step record per step, and when recorded one canvas more than steps and one decision per
    step; token ids inside the vocabulary (found by fuzzing the reader, tools/fuzz_frontends.py)."""
    n = trace.num_steps
    if n < 0 or len(trace.steps) != n:
        raise UsageError(f"malformed trace JSON: num_steps = {n} but {len(trace.steps)} step "
                         f"records")
    if trace.recorded and (len(trace.canvases) != n + 1 or len(trace.decisions) != n):
        raise UsageError(f"malformed trace JSON: {n} steps need {n + 1} canvases and {n} "
                         f"decisions, got {len(trace.canvases)} and {len(trace.decisions)}")
    size = len(trace.vocab)
    lo = getattr(trace.vocab, "lo", 0)
    for canvas in [trace.initial, trace.final, *trace.canvases]:
        if canvas.size and (int(canvas.min()) < lo or int(canvas.max()) >= lo + size):
            raise UsageError(f"malformed trace JSON: token ids outside the vocabulary "
                             f"({lo}..{lo + size - 1})")


def trace_from_json(text: str) -> Trace:
    """Read JSON text written by :func:`trace_to_json` (bounded reader: nesting depth and integer
    digits are limited, see :func:`simulators.cli_support.load_json`)."""
    from simulators.cli_support import load_json

    try:
        obj = load_json(text, file="<trace JSON>")
    except UsageError as err:
        raise UsageError(f"trace JSON does not parse: {err.message}", err.location) from None
    return trace_from_obj(obj)
