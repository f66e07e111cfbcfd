"""Fast evaluation of one attention head by sorting instead of an L x L matrix.

Idea (a sort-merge join): every ``==`` atom, plus the batch row, is folded into one *group code*;
at most one sequence may carry order atoms (``< <= > >=``), whose value becomes the *order code*.
Keys are sorted stably by ``(group, order)`` -- stability keeps position order inside ties, which
is the tie-breaking leftmost/rightmost need. Each query then selects one contiguous run of the
sorted keys, found with ``np.searchsorted``; the run is a prefix of its group for ``<``/``<=``, a
suffix for ``>``/``>=`` and arbitrary for two bounds. Sums and counts come from prefix sums;
max/min/leftmost/rightmost from segmented prefix/suffix scans (or a sparse table for two-sided
runs). ``!=`` atoms are handled for count/sum/mean by inclusion-exclusion and, one of them,
for max/min/leftmost/rightmost by "best of another colour" summaries; atoms whose query (or key)
is constant within a row become key (or query) filters. Other selectors (several ``!=`` with an
extreme mode, order atoms on two different sequences) fall back to the chunked dense path.
Everything must agree exactly with :mod:`simulators.encoder.attention_dense` (tested with
hypothesis).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from simulators.encoder.attention_dense import COMPARE, DEFAULT_MAX_DENSE_CELLS, attend_dense
from simulators.encoder.range_reduce import run_extreme, run_extreme_distinct, search_left

_SAFE = 1 << 62
_ORDER = ("<", "<=", ">", ">=")
# Memory bound for the sparse table used by two-sided runs (bytes); beyond it, go dense.
SPARSE_TABLE_BYTES = 1 << 28
# Inclusion-exclusion over != atoms costs 2^m joins; beyond this many, go dense.
MAX_NE_ATOMS = 3
# Below this many selection-matrix cells the dense path is cheaper than sorting (fixed numpy
# call overhead); both are exact, so the choice only affects speed.
SMALL_DENSE_CELLS = 1 << 14


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


def fast_path_applies(keys: Sequence[np.ndarray], predicates: Sequence[str],
                      key_ids: Sequence[int], mode: str = "count") -> bool:
    """Whether the selector has a join shape handled here.

    At most one sequence may carry order atoms. ``!=`` atoms: up to :data:`MAX_NE_ATOMS` with
    ``count``/``sum``/``mean`` (inclusion-exclusion over the matching ``==`` selectors), one with
    max/min/leftmost/rightmost (best-of-another-colour summaries, see
    :func:`simulators.encoder.range_reduce.merge_top2`).
    """
    ordered = {kid for kid, p in zip(key_ids, predicates, strict=True) if p in _ORDER}
    n_ne = sum(p == "!=" for p in predicates)
    if n_ne > (MAX_NE_ATOMS if mode in ("count", "sum", "mean") else 1):
        return False
    return len(ordered) <= 1


def attend_fast(keys: Sequence[np.ndarray], queries: Sequence[np.ndarray],
                predicates: Sequence[str], values: np.ndarray, mode: str, default: int,
                *, key_ids: Sequence[int] | None = None,
                dense_below: int = SMALL_DENSE_CELLS,
                max_dense_cells: int | None = DEFAULT_MAX_DENSE_CELLS) -> np.ndarray:
    """Evaluate one head on ``(B, L)`` arrays; same result as :func:`attend_dense`.

    ``key_ids`` identifies which key atoms read the *same* sequence (order atoms on one sequence
    intersect into one run); by default every key array is compared by identity. Selectors
    outside the handled shapes go to the chunked dense path, and so do heads whose selection
    matrix has fewer than ``dense_below`` cells (cheaper there; ``0`` forces the join).
    ``max_dense_cells`` bounds any dense evaluation (see :func:`attend_dense`).
    """
    ids = list(key_ids) if key_ids is not None else [id(k) for k in keys]
    batch, n = values.shape
    if batch * n * n < dense_below:
        return attend_dense(keys, queries, predicates, values, mode, default,
                            max_cells=max_dense_cells)
    if n == 0 or batch == 0:
        return np.empty((batch, n), dtype=np.int64)
    keys, queries, predicates, ids, query_ok = _constant_sides_as_filters(
        keys, queries, predicates, ids)
    if (not fast_path_applies(keys, predicates, ids, mode)
            or _sparse_too_big(predicates, mode, batch * n)):
        out = attend_dense(keys, queries, predicates, values, mode, default,
                           max_cells=max_dense_cells)
    else:
        out = _attend_join(keys, queries, predicates, values, mode, default)
    if query_ok is not None:
        out = np.where(query_ok, out, np.int64(default))
    return out


def _row_constant(x: np.ndarray) -> bool:
    return bool((x == x[:, :1]).all())


def _constant_sides_as_filters(keys: Sequence[np.ndarray], queries: Sequence[np.ndarray],
                               predicates: Sequence[str], ids: list[int]):
    """Rewrite atoms whose query (or key) is the same at every position of a row.

    ``pred(key, c)`` with a row-constant query ``c`` only filters keys: it becomes the equality
    atom ``[pred(key, c)] == 1`` (so e.g. ``pos_k < limit`` beside another ordered key, or
    ``!=`` against a constant, stays on the join path). With a row-constant key it only filters
    queries: the atom becomes ``true`` and failing queries get the default. Exact either way.
    """
    ks, qs, ps, new_ids = list(keys), list(queries), list(predicates), list(ids)
    query_ok: np.ndarray | None = None
    for j, p in enumerate(ps):
        if p in ("true", "=="):
            continue
        if _row_constant(qs[j]):
            ks[j] = COMPARE[p](ks[j], qs[j][:, :1]).astype(np.int64)
            qs[j] = np.ones_like(ks[j])
            ps[j] = "=="
            new_ids[j] = -1 - j  # a sequence of its own
        elif _row_constant(ks[j]):
            ok = COMPARE[p](ks[j][:, :1], qs[j])
            query_ok = ok if query_ok is None else query_ok & ok
            ps[j] = "true"
    return ks, qs, ps, new_ids, query_ok


def _attend_join(keys: Sequence[np.ndarray], queries: Sequence[np.ndarray],
                 predicates: Sequence[str], values: np.ndarray, mode: str,
                 default: int) -> np.ndarray:
    """The join path proper (the selector has a handled shape)."""
    batch, n = values.shape
    ne = [i for i, p in enumerate(predicates) if p == "!="]
    if not ne:
        res, cnt = _join(keys, queries, predicates, values, "sum" if mode == "mean" else mode)
    elif mode not in ("count", "sum", "mean"):
        # One "!=" atom: the best selected key whose "!=" key differs from the query's value.
        j = ne[0]
        preds = ["true" if i == j else p for i, p in enumerate(predicates)]
        res, cnt = _join(keys, queries, preds, values, mode,
                         colour=(keys[j].reshape(-1), queries[j].reshape(-1)))
    else:
        # [k != q] = 1 - [k == q]: sum/count over "!=" atoms by inclusion-exclusion.
        res = np.zeros(batch * n, dtype=np.int64)
        cnt = np.zeros(batch * n, dtype=np.int64)
        for r in range(len(ne) + 1):
            for subset in itertools.combinations(ne, r):
                preds = ["==" if i in subset else ("true" if p == "!=" else p)
                         for i, p in enumerate(predicates)]
                sign = -1 if r % 2 else 1
                part, part_cnt = _join(keys, queries, preds, values,
                                       "count" if mode == "count" else "sum")
                res += sign * part
                cnt += sign * part_cnt
    if mode == "mean":
        res = np.floor_divide(res, np.maximum(cnt, 1))
    out = np.where(cnt == 0, np.int64(default), res).astype(np.int64, copy=False)
    return out.reshape(batch, n)


def _sparse_too_big(predicates: Sequence[str], mode: str, total: int) -> bool:
    """Two-sided runs need a sparse table for max/min/leftmost/rightmost; bound its memory."""
    if mode in ("count", "sum", "mean") or sum(p in _ORDER for p in predicates) < 2:
        return False
    per_cell = 32 if "!=" in predicates else 8  # the "!=" summaries hold four int64
    return total * max(1, total.bit_length()) * per_cell > SPARSE_TABLE_BYTES


def _join(keys: Sequence[np.ndarray], queries: Sequence[np.ndarray], predicates: Sequence[str],
          values: np.ndarray, mode: str,
          colour: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(aggregate, number selected) per flattened query; the aggregate is garbage where 0.

    With ``colour = (key colours, query colours)`` (max/min/leftmost/rightmost only), keys whose
    colour equals the query's are excluded (the ``!=`` atom); the count is then only 0 or 1
    (empty or not), which is all the caller needs.
    """
    batch, n = values.shape
    total = batch * n
    row = np.repeat(np.arange(batch, dtype=np.int64), n)
    triples = list(zip(keys, queries, predicates, strict=True))
    eq_k = [row] + [k.reshape(-1) for k, _, p in triples if p == "=="]
    eq_q = [row] + [q.reshape(-1) for _, q, p in triples if p == "=="]
    gk, gq, _ = _group_codes(eq_k, eq_q)
    order = [(q.reshape(-1), p) for _, q, p in triples if p in _ORDER]
    if order:
        okey = next(k for k, _, p in triples if p in _ORDER).reshape(-1)
        ok, qcodes, osize = _joint_codes(okey, np.concatenate([q for q, _ in order]))
        ostride = osize + 1
    else:
        ok, qcodes, ostride = np.zeros(total, dtype=np.int64), np.zeros(0, dtype=np.int64), 1
    if ostride * (int(max(gk.max(), gq.max())) + 1) >= _SAFE:
        _, inv = np.unique(np.concatenate([gk, gq]), return_inverse=True)
        gk, gq = inv[:total].astype(np.int64), inv[total:].astype(np.int64)
    comb = gk * ostride + ok
    # Stable: equal (group, order) keys stay in flattened = (row, position) order.
    perm = np.argsort(comb, kind="stable")
    sk = comb[perm]
    base = gq * ostride
    # Group runs of the sorted keys, found once per distinct group (few, so the search is cheap).
    sorted_group = sk // ostride
    starts = np.flatnonzero(np.concatenate([[True], sorted_group[1:] != sorted_group[:-1]]))
    groups = sorted_group[starts]
    ends = np.append(starts[1:], total)
    at = np.minimum(search_left(groups, gq), groups.size - 1)
    hit = groups[at] == gq
    lo = np.where(hit, starts[at], 0)
    hi = np.where(hit, ends[at], 0)
    group_lo, group_hi = lo.copy(), hi.copy()
    for j, (_, p) in enumerate(order):
        qc = qcodes[j * total:(j + 1) * total]
        if p in ("<", "<="):
            hi = np.minimum(hi, search_left(sk, base + qc + (p == "<=")))
        else:
            lo = np.maximum(lo, search_left(sk, base + qc + (p == ">")))
    cnt = np.maximum(hi - lo, 0)
    empty = cnt == 0
    flat_vals = values.reshape(-1)
    if mode == "count":
        return cnt, cnt
    if mode == "sum":
        # Prefix sums over every key may wrap around int64 on huge batches; differences are
        # still exact (two's complement arithmetic) because each selected sum fits (validator).
        csum = np.concatenate([[0], np.cumsum(flat_vals[perm])])
        return csum[np.maximum(hi, lo)] - csum[lo], cnt
    gid = np.repeat(np.arange(starts.size, dtype=np.int64), np.diff(np.append(starts, total)))
    if colour is not None:
        return run_extreme_distinct(flat_vals, perm, gid, lo, hi, group_lo, empty, mode,
                                     colour[0][perm], colour[1])
    return run_extreme(flat_vals, perm, gid, lo, hi, group_lo, group_hi, empty, mode), cnt
