"""The data a trace page embeds: frames (cells + ops + counts), token names, views, explanations.

Everything the page shows is computed here, in Python, and embedded as one JSON object; the page's
script only draws it. Sizes are capped so a page stays openable (a browser handles a few tens of
MB of inline JSON, not GBs): beyond :data:`MAX_CELLS` token cells, evenly spaced frames are kept
(always the first and the last) and the page says how many were left out; explanations are
embedded for at most :data:`MAX_EXPLAINED` (step, position) pairs, the positions a step changed
first; a decoded view larger than :data:`MAX_VIEW_CHARS` of JSON is replaced by a note.
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

Views = Sequence[Any] | Callable[[int], Any] | None
Explainer = Callable[[int, int], dict[str, Any]] | None


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


def _view(views: Views, frame: int) -> Any:
    if views is None:
        return None
    if callable(views):
        view = _jsonable(views(frame))
    else:
        view = _jsonable(views[frame]) if frame < len(views) else None
    if len(json.dumps(view)) > MAX_VIEW_CHARS:
        return {"note": f"decoded view larger than {MAX_VIEW_CHARS} characters: not embedded"}
    return view


def _explain_targets(frames: list[int], cells: dict[int, StepCells], budget: int
                     ) -> list[tuple[int, int]]:
    """(step, position) pairs to explain: per step, changed positions first, then the rest."""
    steps = [f for f in frames if f > 0]
    if not steps or budget <= 0:
        return []
    per = max(4, budget // len(steps))
    out: list[tuple[int, int]] = []
    for f in steps:
        c = cells[f]
        src = c.source[c.source >= 0]
        changed = np.unique(c.source[(c.ops != 0) & (c.source >= 0)])
        if c.ops.size and (c.ops == 4).any():  # a position that inserted: its own cell
            where = np.flatnonzero(c.ops == 4) - 1
            changed = np.union1d(changed, c.source[where])
        rest = np.setdiff1d(src, changed)
        chosen = np.concatenate([changed, rest])[:per]
        out.extend((f - 1, int(p)) for p in chosen)
        if len(out) >= budget:
            break
    return out[:budget]


def page_data(trace: Trace, *, title: str, views: Views = None, explain: Explainer = None,
              max_cells: int = MAX_CELLS, max_explained: int = MAX_EXPLAINED) -> dict[str, Any]:
    """The JSON object the page embeds (schema: see the module docstring and viewer.js)."""
    if not trace.recorded:
        raise ValueError("the trace has no recorded canvases (run with record_canvases=True)")
    n_frames = len(trace.decisions) + 1
    frames = kept_frames([int(trace.canvases[f].shape[0]) for f in range(n_frames)], max_cells)
    cells = {f: _cells(trace, f) for f in frames}
    vocab = trace.vocab
    ids = np.unique(np.concatenate([c.tokens for c in cells.values()] + [np.array(
        [vocab.mask_id], dtype=np.int64)]))
    out_frames = []
    for f in frames:
        c = cells[f]
        rec = trace.steps[f - 1] if f > 0 else None
        out_frames.append({
            "frame": f, "tokens": c.tokens.tolist(), "ops": c.op_string(),
            "counts": counts_of(c) | {"length": int(trace.canvases[f].shape[0])},
            "recorded": None if rec is None else {
                "filled": rec.filled, "remasked": rec.remasked, "inserted": rec.inserted,
                "deleted": rec.deleted, "length": rec.length},
            "view": _view(views, f)})
    explained: dict[str, Any] = {}
    if explain is not None:
        for step, pos in _explain_targets(frames, cells, max_explained):
            explained[f"{step}:{pos}"] = _jsonable(explain(step, pos))
    return {
        "title": title, "process": trace.process, "halt": trace.halt.value,
        "message": trace.message, "num_steps": trace.num_steps,
        "peak_length": trace.peak_length, "mask_id": int(vocab.mask_id),
        "names": {str(int(i)): vocab.name(int(i)) for i in ids.tolist()},
        "frames": out_frames, "total_frames": n_frames,
        "omitted_frames": n_frames - len(frames), "explain": explained,
        "explain_cap": max_explained if explain is not None else 0,
    }
