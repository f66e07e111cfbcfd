"""Reductions over runs of sorted keys, for the fast attention path.

Given keys sorted by (group, order) and, per query, a run ``[lo, hi)`` of them (see
:mod:`simulators.encoder.attention_fast`), these compute max/min (or the value at the extreme
position) over every run at once: segmented prefix/suffix scans for runs that start or end a
group, a sparse table for the others; and the same for "the best key whose colour differs from
the query's" (a ``!=`` atom), with summaries of (best, best of another colour). Plus a
cache-friendly ``searchsorted``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_SAFE = 1 << 62
# Haystacks/needle sets above this size are searched with sorted needles (cache friendly).
SORT_NEEDLES_ABOVE = 1 << 15


def search_left(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """``np.searchsorted(haystack, needles, side="left")``, faster for big random needles.

    Binary searches of unordered needles in a large array miss the cache at every probe; sorting
    the needles first lets numpy reuse each answer as the start of the next search.
    """
    if haystack.size < SORT_NEEDLES_ABOVE or needles.size < SORT_NEEDLES_ABOVE:
        return np.searchsorted(haystack, needles, side="left")
    order = np.argsort(needles)
    out = np.empty(needles.size, dtype=np.intp)
    out[order] = np.searchsorted(haystack, needles[order], side="left")
    return out


def seg_scan(x: np.ndarray, gid: np.ndarray, op: str) -> np.ndarray:
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


def sparse_query(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, op: str) -> np.ndarray:
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


def run_extreme(flat_vals: np.ndarray, perm: np.ndarray, gid: np.ndarray,
                 lo: np.ndarray, hi: np.ndarray, group_lo: np.ndarray, group_hi: np.ndarray,
                 empty: np.ndarray, mode: str) -> np.ndarray:
    """max/min of values, or the value at the min/max position, over each sorted run.

    ``gid``: dense, non-decreasing group ids along the sorted order (for segmented scans).
    """
    if mode in ("leftmost", "rightmost"):
        x, op = perm.astype(np.int64), ("min" if mode == "leftmost" else "max")
    else:
        x, op = flat_vals[perm], mode
    safe_lo = np.where(empty, 0, lo)
    safe_hi = np.where(empty, 1, hi)
    prefix = (safe_lo == group_lo) | empty
    suffix = (safe_hi == group_hi) & ~prefix
    other = ~(prefix | suffix)
    res = np.zeros(lo.size, dtype=np.int64)
    if prefix.any():
        scan = seg_scan(x, gid, op)
        res[prefix] = scan[safe_hi[prefix] - 1]
    if suffix.any():
        rgid = gid[-1] - gid[::-1]
        scan = seg_scan(x[::-1], rgid, op)[::-1]
        res[suffix] = scan[safe_lo[suffix]]
    if other.any():
        res[other] = sparse_query(x, safe_lo[other], safe_hi[other], op)
    if mode in ("leftmost", "rightmost"):
        res = flat_vals[res]
    return res


# ----------------------------------------------------------------------------- "!=" + extremes

NONE = np.iinfo(np.int64).min  # "no candidate" (scores are within +-2^63 - 1)

Top2 = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def merge_top2(a: Top2, b: Top2) -> Top2:
    """Merge two (best score, its colour, best score of another colour, that colour) summaries.

    The summary of a set answers "best element whose colour is not v" for every v: the best one
    if its colour differs from v, else the runner-up of another colour. It is associative,
    commutative and idempotent (so overlapping sparse-table halves are fine).
    """
    scores = np.stack([a[0], a[2], b[0], b[2]])
    colours = np.stack([a[1], a[3], b[1], b[3]])
    cols = np.arange(scores.shape[1])
    i1 = scores.argmax(axis=0)
    best, best_colour = scores[i1, cols], colours[i1, cols]
    others = np.where(colours != best_colour, scores, NONE)
    i2 = others.argmax(axis=0)
    return best, best_colour, others[i2, cols], colours[i2, cols]


def _pick(parts: Sequence[np.ndarray], ix: np.ndarray | slice) -> Top2:
    """The four summary arrays indexed by ``ix`` (a typed 4-tuple, not a generic tuple)."""
    return parts[0][ix], parts[1][ix], parts[2][ix], parts[3][ix]


def seg_scan_top2(summary: Top2, gid: np.ndarray) -> Top2:
    """Segmented inclusive prefix scan of :func:`merge_top2` (doubling, log n passes)."""
    out = [s.copy() for s in summary]
    d = 1
    while d < gid.size:
        idx = np.flatnonzero(gid[d:] == gid[:-d]) + d
        if idx.size == 0:  # groups are contiguous: no longer distance stays inside one either
            break
        merged = merge_top2(_pick(out, idx - d), _pick(out, idx))
        for s, m in zip(out, merged, strict=True):
            s[idx] = m
        d *= 2
    return out[0], out[1], out[2], out[3]


def sparse_top2(summary: Top2, lo: np.ndarray, hi: np.ndarray) -> Top2:
    """:func:`merge_top2` over ``[lo, hi)`` for every (non-empty) run, via a sparse table."""
    levels = [summary]
    width = 1
    while 2 * width <= summary[0].size:
        prev = levels[-1]
        m = prev[0].size - width
        levels.append(merge_top2(_pick(prev, slice(None, m)), _pick(prev, slice(width, None))))
        width *= 2
    span = np.maximum(hi - lo, 1)
    k = np.floor(np.log2(span)).astype(np.int64)
    k = np.where((1 << (k + 1)) <= span, k + 1, k)
    k = np.where((1 << k) > span, k - 1, k)
    out = [np.empty(lo.size, dtype=np.int64) for _ in range(4)]
    for level in np.unique(k):
        sel = k == level
        table = levels[int(level)]
        a, b = lo[sel], hi[sel] - (1 << int(level))
        merged = merge_top2(_pick(table, a), _pick(table, b))
        for o, part in zip(out, merged, strict=True):
            o[sel] = part
    return out[0], out[1], out[2], out[3]


def run_extreme_distinct(flat_vals: np.ndarray, perm: np.ndarray, gid: np.ndarray,
                          lo: np.ndarray, hi: np.ndarray, group_lo: np.ndarray,
                          empty: np.ndarray, mode: str, key_colour: np.ndarray,
                          query_colour: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`run_extreme`, excluding keys whose colour equals the query's colour."""
    # Every mode as "maximise a score": max -> value, min -> -value, leftmost -> -index,
    # rightmost -> index (index = flattened key position, unique).
    if mode == "max":
        score = flat_vals[perm].astype(np.int64)
    elif mode == "min":
        score = -flat_vals[perm].astype(np.int64)
    elif mode == "leftmost":
        score = -perm.astype(np.int64)
    else:
        score = perm.astype(np.int64)
    base: Top2 = (score, key_colour, np.full_like(score, NONE), key_colour)
    safe_lo = np.where(empty, 0, lo)
    safe_hi = np.where(empty, 1, hi)
    group_hi = np.append(np.flatnonzero(gid[1:] != gid[:-1]) + 1, gid.size)[gid[safe_lo]]
    prefix = (safe_lo == group_lo) | empty
    suffix = (safe_hi == group_hi) & ~prefix
    other = ~(prefix | suffix)
    res: list[np.ndarray] = [np.full(lo.size, NONE, dtype=np.int64) for _ in range(4)]
    if prefix.any():
        scan = seg_scan_top2(base, gid)
        for r, sc in zip(res, scan, strict=True):
            r[prefix] = sc[safe_hi[prefix] - 1]
    if suffix.any():
        rgid = gid[-1] - gid[::-1]
        scan = seg_scan_top2(_pick(base, slice(None, None, -1)), rgid)
        for r, sc in zip(res, scan, strict=True):
            r[suffix] = sc[::-1][safe_lo[suffix]]
    if other.any():
        part = sparse_top2(base, safe_lo[other], safe_hi[other])
        for r, p in zip(res, part, strict=True):
            r[other] = p
    best = np.where(res[1] != query_colour, res[0], res[2])
    found = (best != NONE) & ~empty
    best = np.where(found, best, 0)
    if mode == "max":
        out = best
    elif mode == "min":
        out = -best
    elif mode == "leftmost":
        out = flat_vals[-best]
    else:
        out = flat_vals[best]
    return out, found.astype(np.int64)
