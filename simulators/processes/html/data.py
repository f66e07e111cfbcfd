"""The data a trace page embeds: frames (cells + ops + counts), token names, views, explanations.

Everything the page shows is computed here, in Python, and embedded as one JSON object; the page's
script only draws it. A frame is either whole (``tokens`` and ``ops`` of every cell, see
:mod:`.ops`) or, for a step that neither inserts nor deletes, a ``delta``: the positions it
changed with their new tokens and ops (the script rebuilds the canvas from the last whole frame).
Sizes are capped so a page stays openable (a browser handles a few tens of MB of inline JSON,
not GBs): beyond :data:`MAX_CELLS` embedded cells, evenly spaced whole frames are kept (always
the first and the last) and the page says how many were left out; explanations are embedded for
at most :data:`MAX_EXPLAINED` (step, position) pairs -- the positions a step changed first --
within :data:`MAX_EXPLAIN_WORK`; decoded views within :data:`MAX_VIEW_CHARS` each and
:data:`MAX_VIEWS_CHARS` in all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from simulators.processes.html.ops import StepCells, canvas_cells, counts_of, step_cells
from simulators.processes.trace import Trace

MAX_CELLS = 2_000_000
MAX_EXPLAINED = 400
MAX_VIEW_CHARS = 200_000
MAX_VIEWS_CHARS = 4_000_000
# Explanations evaluate every sequence of the step network on the whole canvas: at most this
# many (sequence x position) values in all (a Theorem-1 canvas at n = 256 has 320k positions
# and ~1000 sequences, so only its first step is explained; small runs explain every step).
MAX_EXPLAIN_WORK = 300_000_000

Views = Sequence[Any] | Callable[[int], Any] | None
Explainer = Callable[[int, int], dict[str, Any]] | None


def frame_costs(trace: Trace) -> tuple[list[int], list[bool]]:
    """Per frame: embedded cells, and whether it is stored as a *delta* of the frame before.

    A step that neither inserts nor deletes keeps the canvas length, so it is stored as the
    positions it changed (fills and remasks) instead of a whole canvas: an MDM trace then costs
    ``L + (number of fills)`` cells instead of ``L * (steps + 1)``.
    """
    costs, delta = [int(trace.canvases[0].shape[0])], [False]
    for rec in trace.steps[: len(trace.decisions)]:
        d = rec.inserted == 0 and rec.deleted == 0 and trace.process != "arm"
        delta.append(d)
        costs.append(rec.filled + rec.remasked if d else rec.length + rec.deleted)
    return costs, delta


def kept_frames(lengths: Sequence[int], max_cells: int) -> list[int]:
    """Indices of the frames to embed: all if they fit, else evenly spaced with first and last."""
    if sum(lengths) <= max_cells or len(lengths) <= 2:
        return list(range(len(lengths)))
    per = max(1, int(np.mean(lengths)))
    k = max(2, min(len(lengths), max_cells // per))
    return sorted({int(round(x)) for x in np.linspace(0, len(lengths) - 1, k)})


def _cells(trace: Trace, frame: int) -> StepCells:
    return canvas_cells(trace.canvases[0]) if frame == 0 else step_cells(trace, frame - 1)


def _jsonable(value: Any) -> Any:
    """numpy values and tuples as plain JSON (views come from construction decoders)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "__dataclass_fields__"):
        return {k: _jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def _views(views: Views, frames: list[int]) -> dict[int, Any]:
    """Decoded views of the kept frames, within :data:`MAX_VIEW_CHARS` each and
    :data:`MAX_VIEWS_CHARS` in all (beyond it, evenly spaced frames keep theirs)."""
    if views is None:
        return {}
    out: dict[int, Any] = {}
    for f in frames:
        if callable(views):
            view = _jsonable(views(f))
        else:
            view = _jsonable(views[f]) if f < len(views) else None
        if len(json.dumps(view)) > MAX_VIEW_CHARS:
            view = {"note": f"decoded view larger than {MAX_VIEW_CHARS} characters: "
                            "not embedded"}
        out[f] = view
    total = sum(len(json.dumps(v)) for v in out.values())
    if total > MAX_VIEWS_CHARS:
        stride = -(-total // MAX_VIEWS_CHARS)
        note = {"note": f"views of every {stride}th frame only (the page's size cap)"}
        out = {f: v if k % stride == 0 or k == len(frames) - 1 else note
               for k, (f, v) in enumerate(out.items())}
    return out


def _targets(c: StepCells, per: int) -> list[int]:
    """Positions of one step to explain: the changed ones first, then the others, at most per."""
    src = c.source[c.source >= 0]
    changed = np.unique(c.source[(c.ops != 0) & (c.source >= 0)])
    inserted = np.flatnonzero(c.ops == 4)
    if inserted.size:  # the position whose insert bit added the mask
        changed = np.union1d(changed, c.source[inserted - 1])
    rest = np.setdiff1d(src, changed)
    return [int(p) for p in np.concatenate([changed, rest])[:per]]


def _frame(trace: Trace, f: int, as_delta: bool) -> tuple[dict[str, Any], StepCells]:
    c = _cells(trace, f)
    counts = counts_of(c) | {"length": int(trace.canvases[f].shape[0])}
    if not as_delta:
        return {"frame": f, "tokens": c.tokens.tolist(), "ops": c.op_string(),
                "counts": counts}, c
    before = np.asarray(trace.canvases[f - 1])
    pos = np.flatnonzero((c.tokens != before) | (c.ops != 0))
    delta = StepCells(c.tokens[pos], c.ops[pos], pos)
    return {"frame": f, "delta": {"pos": pos.tolist(), "tokens": delta.tokens.tolist(),
                                  "ops": delta.op_string()}, "counts": counts}, c


def page_data(trace: Trace, *, title: str, views: Views = None, explain: Explainer = None,
              max_cells: int = MAX_CELLS, max_explained: int = MAX_EXPLAINED,
              max_explain_work: int = MAX_EXPLAIN_WORK) -> dict[str, Any]:
    """The JSON object the page embeds (schema: see the module docstring and viewer.js).

    Frames are built one at a time (a long trace of a large canvas never has all its cells in
    memory at once). ``explain`` may carry ``cost_per_position`` (sequences evaluated per canvas
    position, as :func:`program_explainer`'s does) for the :data:`MAX_EXPLAIN_WORK` budget.
    """
    if not trace.recorded:
        raise ValueError("the trace has no recorded canvases (run with record_canvases=True)")
    n_frames = len(trace.decisions) + 1
    costs, delta = frame_costs(trace)
    if sum(costs) <= max_cells:
        frames = list(range(n_frames))
    else:  # evenly spaced whole frames (a delta needs the frame before it)
        frames = kept_frames([int(trace.canvases[f].shape[0]) for f in range(n_frames)],
                             max_cells)
        delta = [False] * n_frames
    kept_views = _views(views, frames)
    per_step = max(4, max_explained // max(1, len(frames) - 1))
    cost = int(getattr(explain, "cost_per_position", 0))
    work = 0
    out_frames: list[dict[str, Any]] = []
    explained: dict[str, Any] = {}
    ids: set[int] = {int(trace.vocab.mask_id)}
    explain_note = ""
    for f in frames:
        obj, cells = _frame(trace, f, delta[f])
        obj["view"] = kept_views.get(f)
        out_frames.append(obj)
        ids.update(np.unique(cells.tokens).tolist())
        if explain is None or f == 0 or len(explained) >= max_explained:
            continue
        step_work = cost * int(trace.canvases[f - 1].shape[0])
        if explained and work + step_work > max_explain_work:
            explain_note = (f"explanations embedded for the first steps only (evaluating the "
                            f"step network on every canvas would exceed the page's budget of "
                            f"{max_explain_work:,} values)")
            continue
        work += step_work
        for pos in _targets(cells, min(per_step, max_explained - len(explained))):
            explained[f"{f - 1}:{pos}"] = _jsonable(explain(f - 1, pos))
    vocab = trace.vocab
    return {
        "title": title, "process": trace.process, "halt": trace.halt.value,
        "message": trace.message, "num_steps": trace.num_steps,
        "peak_length": trace.peak_length, "mask_id": int(vocab.mask_id),
        "names": {str(i): vocab.name(i) for i in sorted(ids)},
        "frames": out_frames, "total_frames": n_frames,
        "omitted_frames": n_frames - len(frames), "explain": explained,
        "explain_cap": max_explained if explain is not None else 0,
        "explain_note": explain_note,
    }
