"""The fast path's building blocks against plain Python: segmented scans (both the offset trick
and the overflow-safe doubling fallback) and sparse-table range queries."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulators.encoder.range_reduce import search_left, seg_scan, sparse_query


def _ref_scan(x, gid, op):
    out, best = [], None
    for i, v in enumerate(x):
        best = v if i == 0 or gid[i] != gid[i - 1] else op(best, v)
        out.append(best)
    return out


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-50, 50)), min_size=1, max_size=40),
       st.booleans())
def test_segmented_scans_match_python(pairs, huge) -> None:
    pairs.sort(key=lambda p: p[0])
    gid = np.array([g for g, _ in pairs], dtype=np.int64)
    scale = 2**61 if huge else 1          # huge values force the doubling fallback
    x = np.array([v for _, v in pairs], dtype=np.int64) * (scale // 64 if huge else 1)
    for op, fn in (("max", max), ("min", min)):
        assert seg_scan(x, gid, op).tolist() == _ref_scan(x.tolist(), gid.tolist(), fn)


@given(st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=70), st.data())
def test_sparse_table_range_queries_match_python(xs, data) -> None:
    x = np.array(xs, dtype=np.int64)
    runs = data.draw(st.lists(st.tuples(st.integers(0, len(xs) - 1), st.integers(1, len(xs))),
                              min_size=1, max_size=20))
    lo = np.array([min(a, len(xs) - 1) for a, _ in runs], dtype=np.int64)
    hi = np.array([min(a + b, len(xs)) for a, b in runs], dtype=np.int64)
    for op, fn in (("max", max), ("min", min)):
        want = [fn(xs[a:b]) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]
        assert sparse_query(x, lo, hi, op).tolist() == want


def test_search_left_with_sorted_needles_equals_searchsorted() -> None:
    rng = np.random.default_rng(3)
    hay = np.sort(rng.integers(0, 10**6, 100_000))
    needles = rng.integers(-5, 10**6 + 5, 100_000)
    assert np.array_equal(search_left(hay, needles), np.searchsorted(hay, needles))


def _best_other_colour(items, colour):
    """Largest score among (score, colour) items whose colour differs from ``colour``."""
    scores = [s for s, c in items if c != colour]
    return max(scores) if scores else None


def _answer(summary, i, colour):
    best, best_colour, second, _ = (int(s[i]) for s in summary)
    got = best if best_colour != colour else second
    return None if got == np.iinfo(np.int64).min else got


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(-20, 20), st.integers(0, 3)),
                min_size=1, max_size=40), st.data())
def test_best_of_another_colour_scans_and_tables(items, data) -> None:
    from simulators.encoder.range_reduce import NONE, seg_scan_top2, sparse_top2

    items.sort(key=lambda t: t[0])
    gid = np.array([g for g, _, _ in items], dtype=np.int64)
    score = np.array([s for _, s, _ in items], dtype=np.int64)
    colour = np.array([c for _, _, c in items], dtype=np.int64)
    base = (score, colour, np.full_like(score, NONE), colour)
    scan = seg_scan_top2(base, gid)
    for i in range(len(items)):
        run = [(s, c) for g, s, c in items[: i + 1] if g == items[i][0]]
        for q in range(4):
            assert _answer(scan, i, q) == _best_other_colour(run, q)
    lo = data.draw(st.integers(0, len(items) - 1))
    hi = data.draw(st.integers(lo + 1, len(items)))
    table = sparse_top2(base, np.array([lo]), np.array([hi]))
    for q in range(4):
        want = _best_other_colour([(s, c) for _, s, c in items[lo:hi]], q)
        assert _answer(table, 0, q) == want
