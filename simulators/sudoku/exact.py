"""Sudoku as exact cover, solved by Knuth's Algorithm X (dict-of-sets form).

Columns are the constraints "cell (r,c) filled", "row r has v", "column c has v", "box b has v";
a row of the matrix is one placement (r, c, v) and covers four columns. A solution is a set of
placements covering every column exactly once. Givens are selected up front; a contradictory set
of givens has no solution. Deliberately a different algorithm from the construction (no
propagation rules, no depth colours): agreement between the two is evidence, not a tautology.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

#: size -> (rows, columns) of one box
BOXES = {4: (2, 2), 6: (2, 3), 9: (3, 3)}

Placement = tuple[int, int, int]


def _matrix(n: int) -> tuple[dict[tuple, set[Placement]], dict[Placement, list[tuple]]]:
    bh, bw = BOXES[n]
    rows: dict[Placement, list[tuple]] = {}
    for r in range(n):
        for c in range(n):
            b = (r // bh) * (n // bw) + c // bw
            for v in range(1, n + 1):
                rows[(r, c, v)] = [("cell", r, c), ("row", r, v), ("col", c, v), ("box", b, v)]
    cols: dict[tuple, set[Placement]] = {}
    for p, cs in rows.items():
        for col in cs:
            cols.setdefault(col, set()).add(p)
    return cols, rows


def _select(cols: dict, rows: dict, p: Placement) -> list[set[Placement]]:
    removed = []
    for j in rows[p]:
        for i in cols[j]:
            for k in rows[i]:
                if k != j:
                    cols[k].remove(i)
        removed.append(cols.pop(j))
    return removed


def _deselect(cols: dict, rows: dict, p: Placement, removed: list[set[Placement]]) -> None:
    for j in reversed(rows[p]):
        cols[j] = removed.pop()
        for i in cols[j]:
            for k in rows[i]:
                if k != j:
                    cols[k].add(i)


def _search(cols: dict, rows: dict, partial: list[Placement],
            order: np.random.Generator | None) -> Iterator[list[Placement]]:
    if not cols:
        yield list(partial)
        return
    col = min(cols, key=lambda j: len(cols[j]))
    choices = sorted(cols[col])
    if order is not None:
        choices = [choices[i] for i in order.permutation(len(choices))]
    for p in choices:
        removed = _select(cols, rows, p)
        partial.append(p)
        yield from _search(cols, rows, partial, order)
        partial.pop()
        _deselect(cols, rows, p, removed)


def solutions(grid: np.ndarray, *, rng: np.random.Generator | None = None,
              ) -> Iterator[np.ndarray]:
    """Every solution of ``grid`` (``(n, n)``, 0 = empty), lazily; in random order with ``rng``."""
    g = np.asarray(grid, dtype=np.int64)
    n = g.shape[0]
    cols, rows = _matrix(n)
    partial: list[Placement] = []
    for r in range(n):
        for c in range(n):
            v = int(g[r, c])
            if v:
                if any(j not in cols for j in rows[(r, c, v)]):
                    return  # two givens claim the same constraint: no solution
                _select(cols, rows, (r, c, v))
                partial.append((r, c, v))
    for sol in _search(cols, rows, partial, rng):
        out = np.zeros((n, n), dtype=np.int64)
        for r, c, v in sol:
            out[r, c] = v
        yield out


def solve_exact(grid: np.ndarray) -> np.ndarray | None:
    """One solution, or None when the puzzle has none."""
    return next(solutions(grid), None)


def count_solutions(grid: np.ndarray, limit: int = 2) -> int:
    """Number of solutions, counting stops at ``limit``."""
    count = 0
    for _ in solutions(grid):
        count += 1
        if count >= limit:
            break
    return count
