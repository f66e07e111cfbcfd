"""Fast evaluation of one attention head by sorting instead of an L x L matrix.

Idea (a sort-merge join): every ``==`` atom, plus the batch row, is folded into one *group code*;
at most one sequence may carry order atoms (``< <= > >=``), whose value becomes the *order code*.
Keys are sorted stably by ``(group, order)`` -- stability keeps position order inside ties, which
is the tie-breaking leftmost/rightmost need. Each query then selects one contiguous run of the
sorted keys, found with ``np.searchsorted``; the run is a prefix of its group for ``<``/``<=``, a
suffix for ``>``/``>=`` and arbitrary for two bounds. Sums and counts come from prefix sums;
max/min/leftmost/rightmost from segmented prefix/suffix scans (or a sparse table for two-sided
runs). Selectors outside this shape (``!=``, order atoms on two different sequences) fall back
to the chunked dense path. Everything must agree exactly with
:mod:`simulators.encoder.attention_dense` (tested with hypothesis).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulators.encoder.attention_dense import attend_dense

_SAFE = 1 << 62
_ORDER = ("<", "<=", ">", ">=")
# Memory bound for the sparse table used by two-sided runs (bytes); beyond it, go dense.
SPARSE_TABLE_BYTES = 1 << 28


def _joint_codes(k: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Order-preserving codes ``0..size-1`` for key and query values (one common scale)."""
    if k.size == 0 and q.size == 0:
        return k, q, 1
    lo = min(int(k.min()), int(q.min()))
    hi = max(int(k.max()), int(q.max()))
    if hi - lo < (1 << 31):
        return k - lo, q - lo, hi - lo + 1
    both = np.concatenate([k, q])
    uniq, inv = np.unique(both, return_inverse=True)
    return inv[: k.size].astype(np.int64), inv[k.size:].astype(np.int64), len(uniq)


def _group_codes(key_cols: list[np.ndarray], query_cols: list[np.ndarray]
                 ) -> tuple[np.ndarray, np.ndarray, int]:
    """Fold the equality columns into one code per key and per query (equal iff all equal)."""
    gk = np.zeros(key_cols[0].size, dtype=np.int64)
    gq = np.zeros(query_cols[0].size, dtype=np.int64)
    radix = 1
    for k, q in zip(key_cols, query_cols, strict=True):
        ck, cq, size = _joint_codes(k, q)
        if radix * size >= (1 << 31):
            both = np.concatenate([gk, gq])
            uniq, inv = np.unique(both, return_inverse=True)
            gk, gq = inv[: gk.size].astype(np.int64), inv[gk.size:].astype(np.int64)
            radix = len(uniq)
        gk = gk * size + ck
        gq = gq * size + cq
        radix *= size
    return gk, gq, radix


def _seg_scan(x: np.ndarray, gid: np.ndarray, op: str) -> np.ndarray:
    """Inclusive prefix max/min of ``x`` restarting where the (non-decreasing) ``gid`` changes."""
    if x.size == 0:
        return x
    span = int(x.max()) - int(x.min()) + 1
    if span * (int(gid[-1]) + 1) < _SAFE:
        # Offsetting each group by span*gid makes a global scan respect group boundaries.
        off = gid * span
        if op == "max":
            return np.maximum.accumulate(x + off) - off
        return np.minimum.accumulate(x - off) + off
    # Fallback without overflow risk: doubling (Hillis-Steele) scan within groups.
    out = x.copy()
    fn = np.maximum if op == "max" else np.minimum
    d = 1
    while d < out.size:
        same = gid[d:] == gid[:-d]
        out[d:] = np.where(same, fn(out[d:], out[:-d]), out[d:])
        d *= 2
    return out


def _sparse_query(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, op: str) -> np.ndarray:
    """max/min of ``x[lo:hi]`` for every (non-empty) run, via a sparse table."""
    fn = np.maximum if op == "max" else np.minimum
    levels = [x]
    width = 1
    while 2 * width <= x.size:
        prev = levels[-1]
        levels.append(fn(prev[: prev.size - width], prev[width:]))
        width *= 2
    span = np.maximum(hi - lo, 1)
    k = np.floor(np.log2(span)).astype(np.int64)
    # Correct log2 rounding at exact powers of two.
    k = np.where((1 << (k + 1)) <= span, k + 1, k)
    k = np.where((1 << k) > span, k - 1, k)
    out = np.empty(lo.size, dtype=np.int64)
    for level in np.unique(k):
        sel = k == level
        table = levels[int(level)]
        a = lo[sel]
        b = hi[sel] - (1 << int(level))
        out[sel] = fn(table[a], table[b])
    return out


def fast_path_applies(keys: Sequence[np.ndarray], predicates: Sequence[str],
                      key_ids: Sequence[int]) -> bool:
    """Whether the selector has the join shape handled here (no ``!=``; one ordered key)."""
    ordered = {kid for kid, p in zip(key_ids, predicates, strict=True) if p in _ORDER}
    return "!=" not in predicates and len(ordered) <= 1


def attend_fast(keys: Sequence[np.ndarray], queries: Sequence[np.ndarray],
                predicates: Sequence[str], values: np.ndarray, mode: str, default: int,
                *, key_ids: Sequence[int] | None = None) -> np.ndarray:
    """Evaluate one head on ``(B, L)`` arrays; same result as :func:`attend_dense`.

    ``key_ids`` identifies which key atoms read the *same* sequence (order atoms on one sequence
    intersect into one run); by default every key array is compared by identity.
    """
    ids = list(key_ids) if key_ids is not None else [id(k) for k in keys]
    if not fast_path_applies(keys, predicates, ids):
        return attend_dense(keys, queries, predicates, values, mode, default)
    batch, n = values.shape
    if n == 0:
        return np.empty((batch, 0), dtype=np.int64)
    total = batch * n
    row = np.repeat(np.arange(batch, dtype=np.int64), n)
    eq_k = [row] + [k.reshape(-1) for k, p in zip(keys, predicates, strict=True) if p == "=="]
    eq_q = [row] + [q.reshape(-1) for q, p in zip(queries, predicates, strict=True) if p == "=="]
    gk, gq, _ = _group_codes(eq_k, eq_q)
    order = [(k.reshape(-1), q.reshape(-1), p)
             for k, q, p in zip(keys, queries, predicates, strict=True) if p in _ORDER]
    if order:
        ok, _, osize = _joint_codes(order[0][0], np.concatenate([o[1] for o in order]))
        okey_lo = int(min(order[0][0].min(), min(int(o[1].min()) for o in order)))
        ostride = osize + 1
    else:
        ok, ostride, okey_lo = np.zeros(total, dtype=np.int64), 1, 0
    if ostride * (int(max(gk.max(), gq.max())) + 1) >= _SAFE:
        both = np.concatenate([gk, gq])
        _, inv = np.unique(both, return_inverse=True)
        gk, gq = inv[:total].astype(np.int64), inv[total:].astype(np.int64)
    comb = gk * ostride + ok
    perm = np.argsort(comb, kind="stable")
    sk = comb[perm]
    lo = np.searchsorted(sk, gq * ostride, side="left")
    hi = np.searchsorted(sk, gq * ostride + ostride, side="left")
    group_lo, group_hi = lo.copy(), hi.copy()
    base = gq * ostride
    for _, q, p in order:
        qc = _query_codes(q, order, okey_lo)
        if p in ("<", "<="):
            bound = np.searchsorted(sk, base + qc + (1 if p == "<=" else 0), side="left")
            hi = np.minimum(hi, bound)
        else:
            bound = np.searchsorted(sk, base + qc + (1 if p == ">" else 0), side="left")
            lo = np.maximum(lo, bound)
    empty = hi <= lo
    flat_vals = values.reshape(-1)
    if mode == "count":
        res = hi - lo
    elif mode in ("sum", "mean"):
        csum = np.concatenate([[0], np.cumsum(flat_vals[perm])])
        res = csum[hi] - csum[np.minimum(lo, hi)]
        if mode == "mean":
            res = np.floor_divide(res, np.maximum(hi - lo, 1))
    else:
        res = _run_extreme(flat_vals, perm, sk // ostride, lo, hi, group_lo, group_hi, empty, mode)
    out = np.where(empty, np.int64(default), res).astype(np.int64, copy=False)
    return out.reshape(batch, n)


def _query_codes(q: np.ndarray, order: list, okey_lo: int) -> np.ndarray:
    """Query thresholds on the same code scale as the ordered key (see :func:`_joint_codes`)."""
    keys = order[0][0]
    allq = np.concatenate([o[1] for o in order])
    lo = min(int(keys.min()), int(allq.min()))
    hi = max(int(keys.max()), int(allq.max()))
    if hi - lo < (1 << 31):
        return q - lo
    uniq = np.unique(np.concatenate([keys, allq]))
    return np.searchsorted(uniq, q).astype(np.int64)


def _run_extreme(flat_vals: np.ndarray, perm: np.ndarray, group_of_sorted: np.ndarray,
                 lo: np.ndarray, hi: np.ndarray, group_lo: np.ndarray, group_hi: np.ndarray,
                 empty: np.ndarray, mode: str) -> np.ndarray:
    """max/min of values, or the value at the min/max position, over each sorted run."""
    if mode in ("leftmost", "rightmost"):
        x, op = perm.astype(np.int64), ("min" if mode == "leftmost" else "max")
    else:
        x, op = flat_vals[perm], mode
    safe_lo = np.where(empty, 0, lo)
    safe_hi = np.where(empty, 1, hi)
    prefix = (safe_lo == group_lo) | empty
    suffix = (safe_hi == group_hi) & ~prefix
    other = ~(prefix | suffix)
    # Dense, non-decreasing group ids along the sorted order (for segmented scans).
    gid = np.concatenate([[0], np.cumsum(group_of_sorted[1:] != group_of_sorted[:-1])])
    res = np.zeros(lo.size, dtype=np.int64)
    if prefix.any():
        scan = _seg_scan(x, gid, op)
        res[prefix] = scan[safe_hi[prefix] - 1]
    if suffix.any():
        rgid = gid[-1] - gid[::-1]
        scan = _seg_scan(x[::-1], rgid, op)[::-1]
        res[suffix] = scan[safe_lo[suffix]]
    if other.any():
        res[other] = _sparse_query(x, safe_lo[other], safe_hi[other], op)
    if mode in ("leftmost", "rightmost"):
        res = flat_vals[res]
    return res
