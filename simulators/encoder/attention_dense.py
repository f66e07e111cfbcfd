"""Dense O(L^2) reference evaluation of one attention head (select + aggregate).

This is the definition the fast paths are tested against: it literally builds the selection
matrix ``A[b, q, k]`` (in query chunks, so memory stays bounded) and reduces each row.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence

import numpy as np

from simulators.errors import LimitExceeded

# Comparison of key to query: "<" means key < query.
COMPARE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}

# Bound on the cells of one selection-matrix chunk (bool), i.e. on the dense path's memory.
DEFAULT_CHUNK_CELLS = 1 << 22
# Bound on one dense head's total work (B * L * L cells; ~10^10, tens of seconds).
DEFAULT_MAX_DENSE_CELLS = 1 << 34

_I64_MIN = np.iinfo(np.int64).min
_I64_MAX = np.iinfo(np.int64).max


def reduce_rows(mask: np.ndarray, values: np.ndarray, mode: str, default: int) -> np.ndarray:
    """Aggregate ``values[b, k]`` over the keys selected in ``mask[b, q, k]`` (else ``default``)."""
    n_keys = mask.shape[-1]
    selected = mask.any(axis=-1)
    v = values[:, None, :]
    if mode == "count":
        res = mask.sum(axis=-1, dtype=np.int64)
    elif mode in ("sum", "mean"):
        res = np.where(mask, v, 0).sum(axis=-1, dtype=np.int64)
        if mode == "mean":
            # Floor of the exact average (integers throughout; see docs/encoder.md).
            res = np.floor_divide(res, np.maximum(mask.sum(axis=-1, dtype=np.int64), 1))
    elif mode == "max":
        res = np.where(mask, v, _I64_MIN).max(axis=-1)
    elif mode == "min":
        res = np.where(mask, v, _I64_MAX).min(axis=-1)
    elif mode == "leftmost":
        first = mask.argmax(axis=-1)
        res = np.take_along_axis(values, first, axis=1)
    elif mode == "rightmost":
        last = n_keys - 1 - mask[..., ::-1].argmax(axis=-1)
        res = np.take_along_axis(values, last, axis=1)
    else:  # pragma: no cover - modes are validated when the node is built
        raise ValueError(mode)
    return np.where(selected, res, np.int64(default)).astype(np.int64, copy=False)


def attend_dense(keys: Sequence[np.ndarray], queries: Sequence[np.ndarray],
                 predicates: Sequence[str], values: np.ndarray, mode: str, default: int,
                 *, chunk_cells: int = DEFAULT_CHUNK_CELLS,
                 max_cells: int | None = DEFAULT_MAX_DENSE_CELLS) -> np.ndarray:
    """Evaluate one head on ``(B, L)`` arrays by building the selection matrix chunk by chunk.

    Refuses (:class:`~simulators.errors.LimitExceeded`) a head of more than ``max_cells``
    selection cells (``B * L * L``) -- it would run for very long; ``None`` lifts the limit.
    """
    batch, n = values.shape
    if max_cells is not None and batch * n * n > max_cells:
        raise LimitExceeded(
            f"dense attention over {batch} x {n} x {n} selection cells exceeds max_dense_cells="
            f"{max_cells}; this head ({' AND '.join(predicates)}, {mode}) has no fast path -- "
            "see docs/encoder.md section 7 for the shapes the fast path handles")
    out = np.empty((batch, n), dtype=np.int64)
    if n == 0:
        return out
    step = max(1, chunk_cells // max(1, batch * n))
    for start in range(0, n, step):
        stop = min(n, start + step)
        mask = np.ones((batch, stop - start, n), dtype=bool)
        for k, q, p in zip(keys, queries, predicates, strict=True):
            if p != "true":
                mask &= COMPARE[p](k[:, None, :], q[:, start:stop, None])
        out[:, start:stop] = reduce_rows(mask, values, mode, default)
    return out
