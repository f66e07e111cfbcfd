"""Evaluate an encoder program on a canvas or a batch of canvases with numpy.

Every sequence is a ``(B, L)`` int64 array. Elementwise nodes apply their primitive; aggregate
nodes run one attention head through the dense reference (:mod:`.attention_dense`) or the fast
sort-based path (:mod:`.attention_fast`); the two must agree exactly.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from simulators.encoder.attention_dense import DEFAULT_MAX_DENSE_CELLS, attend_dense
from simulators.encoder.attention_fast import SMALL_DENSE_CELLS, attend_fast
from simulators.encoder.intervals import Interval
from simulators.encoder.primitives import PRIMITIVES
from simulators.encoder.sequences import Aggregate, Elementwise, Seq, Source
from simulators.errors import EncoderProgramError, ShapeError, UsageError

# "fast": sort joins, or dense for tiny heads; "join": sort joins wherever the selector allows
# (what the agreement tests exercise); "dense": the O(L^2) reference.
PATHS = ("fast", "join", "dense")


def as_batch(canvas: ArrayLike, max_length: int) -> tuple[np.ndarray, bool]:
    """The canvas as a ``(B, L)`` int64 array and whether the input was a single 1-D canvas."""
    try:
        arr = np.asarray(canvas)
    except (ValueError, TypeError) as exc:  # e.g. ragged rows
        raise ShapeError(f"canvas is not a rectangular integer array: {exc}") from None
    if arr.ndim not in (1, 2):
        raise ShapeError(f"canvas must be 1-D (L,) or 2-D (B, L), got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ShapeError(f"canvas must hold integer token ids, got dtype {arr.dtype}")
    if arr.shape[-1] > max_length:
        raise ShapeError(
            f"canvas length {arr.shape[-1]} exceeds the program's max_length {max_length}")
    single = arr.ndim == 1
    return (arr[None, :] if single else arr).astype(np.int64, copy=False), single


def _source(node: Source, canvas: np.ndarray, rng: np.random.Generator | None,
            rng_needed: str) -> np.ndarray:
    batch, n = canvas.shape
    if node.kind == "tokens":
        if canvas.size:
            lo, hi = int(canvas.min()), int(canvas.max())
            if lo < node.lo or hi > node.hi:  # type: ignore[operator]
                raise UsageError(
                    f"canvas holds token ids {lo}..{hi} outside the declared range "
                    f"tokens({node.lo}, {node.hi})")
        return canvas
    if node.kind == "indices":
        return np.broadcast_to(np.arange(n, dtype=np.int64), (batch, n))
    if node.kind == "length":
        return np.full((batch, n), n, dtype=np.int64)
    if node.kind == "const":
        return np.full((batch, n), node.lo, dtype=np.int64)
    if rng is None:
        raise EncoderProgramError(
            f"{node.name} = {node.describe()}: the program draws random inputs; pass "
            f"rng=numpy.random.Generator ({rng_needed})")
    assert node.lo is not None and node.hi is not None  # random_uniform always sets both
    return rng.integers(node.lo, node.hi, size=(batch, n), endpoint=True, dtype=np.int64)


def evaluate_nodes(nodes: list[Seq], ranges: dict[int, Interval], canvas: np.ndarray, *,
                   path: str = "fast", rng: np.random.Generator | None = None,
                   keep: set[int] | None = None,
                   max_dense_cells: int | None = DEFAULT_MAX_DENSE_CELLS) -> dict[int, np.ndarray]:
    """Values of the nodes (by uid) on a ``(B, L)`` canvas; only ``keep`` (or all) are returned."""
    if path not in PATHS:
        raise UsageError(f"unknown evaluation path {path!r}; use one of {PATHS}")
    vals: dict[int, np.ndarray] = {}
    for node in nodes:
        if isinstance(node, Source):
            vals[node.uid] = _source(node, canvas, rng, "Program.evaluate")
        elif isinstance(node, Elementwise):
            prim = PRIMITIVES[node.prim]
            args = [vals[a.uid] for a in node.args]
            if prim.prepare is not None and prim.compute_prepared is not None:
                if node.prepared is None:
                    node.prepared = prim.prepare(node.params, len(node.args))
                out = prim.compute_prepared(args, node.prepared)
            else:
                out = prim.compute(args, node.params)
            out = np.asarray(out, dtype=np.int64)
            if out.shape != canvas.shape:
                out = np.broadcast_to(out, canvas.shape)
            vals[node.uid] = out
        elif isinstance(node, Aggregate):
            sel = node.selector
            keys = [np.ascontiguousarray(vals[k.uid]) for k in sel.keys]
            queries = [np.ascontiguousarray(vals[q.uid]) for q in sel.queries]
            values = np.ascontiguousarray(vals[node.values.uid])
            if path == "dense":
                vals[node.uid] = attend_dense(keys, queries, sel.predicates, values, node.mode,
                                              node.default, max_cells=max_dense_cells)
            else:
                vals[node.uid] = attend_fast(keys, queries, sel.predicates, values, node.mode,
                                             node.default, key_ids=[k.uid for k in sel.keys],
                                             dense_below=0 if path == "join" else SMALL_DENSE_CELLS,
                                             max_dense_cells=max_dense_cells)
    if keep is None:
        return vals
    return {u: v for u, v in vals.items() if u in keep}
