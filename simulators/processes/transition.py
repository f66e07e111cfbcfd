"""Algorithm 1's transition ``g`` -- the ONLY implementation of ``g`` in the project.

docs/paper.md §1.4: scanning positions in order and building ``z``,

1. if ``delete_i`` and ``x_i == M``: nothing is appended for position ``i`` (no insert either);
2. else append ``M`` if ``remask_i``; otherwise ``y_i`` if ``x_i == M``; otherwise ``x_i``;
3. then, if ``insert_i`` (and the position was not deleted), append one extra ``M``.

Vectorised (no Python loop over positions): each position emits 0, 1 or 2 tokens; a cumulative
sum of those counts gives every kept token its output offset, and one scatter writes them into
an all-mask output (so inserted masks need no extra work).

>>> import numpy as np
>>> M = 9
>>> x = np.array([1, M, M, 2]); y = np.array([0, 5, 6, 0])
>>> z = np.zeros(4, bool)
>>> apmdm_transition(x, y, z, np.array([0, 0, 0, 1], bool), np.array([0, 0, 1, 0], bool), mask=M)
array([1, 5, 2, 9])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulators.errors import ShapeError, UsageError


def as_token_array(a: object, label: str) -> np.ndarray:
    """A 1-D int64 copy-free view of ``a``; refuses floats, bools and other dtypes clearly."""
    arr = np.asarray(a)
    if arr.ndim != 1:
        raise ShapeError(f"{label} must be 1-D, got shape {arr.shape}")
    if arr.dtype.kind not in "iu" or arr.dtype == np.uint64:
        if arr.size == 0:
            return np.zeros(0, dtype=np.int64)
        raise UsageError(f"{label} must hold integer token ids, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def as_bit_array(a: object, label: str) -> np.ndarray:
    """A 1-D bool array. Integer arrays holding only 0/1 are coerced; anything else is refused
    (a float 0.7 is a probability, not a decision: thresholding is the policy's job)."""
    arr = np.asarray(a)
    if arr.ndim != 1:
        raise ShapeError(f"{label} must be 1-D, got shape {arr.shape}")
    if arr.dtype == np.bool_:
        return arr
    if arr.dtype.kind in "iu":
        if arr.size and (arr.min() < 0 or arr.max() > 1):
            raise UsageError(f"{label} must be bool or 0/1 integers, got values outside 0/1")
        return arr.astype(np.bool_)
    if arr.size == 0:
        return np.zeros(0, dtype=np.bool_)
    raise UsageError(f"{label} must be a bool array (or 0/1 integers), got dtype {arr.dtype}")


Arrays5 = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def check_transition_inputs(x: object, y: object, remask: object, insert: object,
                            delete: object) -> Arrays5:
    """Validated ``(x, y, remask, insert, delete)``: int64 tokens, bool bits, equal lengths."""
    xa, ya = as_token_array(x, "x"), as_token_array(y, "y")
    r, i, d = (as_bit_array(remask, "remask"), as_bit_array(insert, "insert"),
               as_bit_array(delete, "delete"))
    n = xa.shape[0]
    for label, arr in (("y", ya), ("remask", r), ("insert", i), ("delete", d)):
        if arr.shape[0] != n:
            raise ShapeError(f"{label} has length {arr.shape[0]} but the canvas x has length {n}")
    return xa, ya, r, i, d


def transition_counts(x: np.ndarray, remask: np.ndarray, insert: np.ndarray,
                      delete: np.ndarray, *, mask: int) -> np.ndarray:
    """How many tokens each position emits under ``g`` (0, 1 or 2), as int64.

    Lets an engine know the next canvas's length (``counts.sum()``) before allocating it.
    """
    keep = ~(delete & (x == mask))  # delete only removes masks (Algorithm 1, step 1)
    return keep.astype(np.int64) + (keep & insert)


def transition_length(x: object, remask: object, insert: object, delete: object, *,
                      mask: int) -> int:
    """``len(g(x, ...))`` without building it: ``|x| - #deleted masks + #inserts on kept``."""
    xa = as_token_array(x, "x")
    r, i, d = (as_bit_array(remask, "remask"), as_bit_array(insert, "insert"),
               as_bit_array(delete, "delete"))
    if not xa.shape == r.shape == i.shape == d.shape:
        raise ShapeError("x, remask, insert and delete must have equal lengths")
    return int(transition_counts(xa, r, i, d, mask=mask).sum())


def apply_transition_unchecked(x: np.ndarray, y: np.ndarray, remask: np.ndarray,
                               insert: np.ndarray, delete: np.ndarray, mask: int) -> np.ndarray:
    """``g`` on already validated arrays (see :func:`apmdm_transition`)."""
    is_mask = x == mask
    keep = ~(delete & is_mask)
    # Step 2: remask beats unmask; a mask is unmasked to y; a non-mask is copied.
    token = np.where(remask, mask, np.where(is_mask, y, x))
    counts = keep.astype(np.int64) + (keep & insert)
    ends = np.cumsum(counts)
    out = np.full(int(ends[-1]) if ends.size else 0, mask, dtype=np.int64)
    starts = ends - counts
    out[starts[keep]] = token[keep]  # the inserted mask (step 3) is already in place
    return out


def apmdm_transition(x: object, y: object, remask: object, insert: object, delete: object, *,
                     mask: int) -> np.ndarray:
    """Algorithm 1's ``g``: the next AP-MDM canvas (a new int64 array).

    ``x`` and ``y`` are 1-D integer arrays, ``remask``/``insert``/``delete`` 1-D bool arrays (or
    0/1 integers), all of one length; otherwise :class:`~simulators.errors.ShapeError` (lengths)
    or :class:`~simulators.errors.UsageError` (dtypes/values). ``y`` is read only at masked,
    kept, non-remasked positions.
    """
    xa, ya, r, i, d = check_transition_inputs(x, y, remask, insert, delete)
    return apply_transition_unchecked(xa, ya, r, i, d, int(mask))


def apmdm_transition_batch(xs: Sequence[object] | np.ndarray, ys: Sequence[object] | np.ndarray,
                           remasks: Sequence[object] | np.ndarray,
                           inserts: Sequence[object] | np.ndarray,
                           deletes: Sequence[object] | np.ndarray, *, mask: int,
                           ) -> list[np.ndarray]:
    """``g`` on a batch of canvases (a 2-D array or a list of possibly ragged 1-D arrays).

    ``g`` works position by position and in order, so applying it to the concatenation of the
    canvases and splitting the result by each canvas's output length gives each canvas's own
    ``g`` -- one vectorised pass for the whole batch. Returns one array per canvas.
    """
    columns = [_rows(a, label) for a, label in ((xs, "xs"), (ys, "ys"), (remasks, "remasks"),
                                                (inserts, "inserts"), (deletes, "deletes"))]
    sizes = {len(c) for c in columns}
    if len(sizes) != 1:
        raise ShapeError(f"batch arguments have different numbers of rows: {sorted(sizes)}")
    rows = [check_transition_inputs(*parts) for parts in zip(*columns, strict=True)]
    if not rows:
        return []
    cat = [np.concatenate([row[k] for row in rows]) for k in range(5)]
    mask = int(mask)
    counts = transition_counts(cat[0], cat[2], cat[3], cat[4], mask=mask)
    out = apply_transition_unchecked(cat[0], cat[1], cat[2], cat[3], cat[4], mask)
    row_ends = np.cumsum([row[0].shape[0] for row in rows])
    out_ends = np.concatenate([[0], np.cumsum(counts)])[row_ends]
    return np.split(out, out_ends[:-1])


def _rows(a: Sequence[object] | np.ndarray, label: str) -> list[object]:
    if isinstance(a, np.ndarray) and a.ndim != 2:
        raise ShapeError(f"{label} must be 2-D or a list of 1-D arrays, got shape {a.shape}")
    return list(a)
