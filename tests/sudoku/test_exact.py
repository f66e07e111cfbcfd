"""The reference Sudoku tools: the exact-cover solver against brute force, the generators'
promises (unique, minimal, corrupted puzzles)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from simulators.sudoku import (
    BOXES,
    count_solutions,
    minimal_puzzle,
    random_full_grid,
    random_puzzle,
    solve_exact,
    unique_puzzle,
)
from simulators.sudoku.exact import solutions


def _valid(grid: np.ndarray) -> bool:
    n = grid.shape[0]
    bh, bw = BOXES[n]
    units = [grid[r, :] for r in range(n)] + [grid[:, c] for c in range(n)]
    units += [grid[r:r + bh, c:c + bw].reshape(-1) for r in range(0, n, bh)
              for c in range(0, n, bw)]
    return all(sorted(u.tolist()) == list(range(1, n + 1)) for u in units)


def _all_4x4_grids() -> list[np.ndarray]:
    """Every valid 4x4 grid by brute force over row permutations (288 of them)."""
    perms = list(itertools.permutations(range(1, 5)))
    out = []
    for rows in itertools.product(perms, repeat=4):
        if all(len({r[c] for r in rows}) == 4 for c in range(4)):  # columns first (cheap)
            g = np.array(rows)
            if _valid(g):
                out.append(g)
    return out


def test_4x4_solution_counts_match_brute_force() -> None:
    grids = _all_4x4_grids()
    assert len(grids) == 288
    rng = np.random.default_rng(0)
    stack = np.stack(grids)
    for _ in range(60):
        puzzle = np.where(rng.random((4, 4)) < 0.3, rng.integers(1, 5, (4, 4)), 0)
        agree = ((puzzle == 0) | (stack == puzzle)).all(axis=(1, 2))
        assert count_solutions(puzzle, limit=1000) == int(agree.sum())
        sol = solve_exact(puzzle)
        assert (sol is None) == (not agree.any())
        if sol is not None:
            assert _valid(sol) and ((puzzle == 0) | (sol == puzzle)).all()


@pytest.mark.parametrize("n", [4, 6, 9])
def test_generators_keep_their_promises(n: int) -> None:
    rng = np.random.default_rng(n)
    assert _valid(random_full_grid(n, rng))
    p = unique_puzzle(n, rng)
    assert count_solutions(p) == 1
    m = minimal_puzzle(n, rng)
    assert count_solutions(m) == 1
    for r, c in zip(*np.nonzero(m), strict=True):  # every clue is needed
        q = m.copy()
        q[r, c] = 0
        assert count_solutions(q) == 2
    bad = [random_puzzle(n, rng, keep=0.5, corrupt=0.2) for _ in range(20)]
    assert any(solve_exact(b) is None for b in bad)


def test_contradictory_givens_have_no_solution() -> None:
    g = np.zeros((4, 4), dtype=np.int64)
    g[0, 0] = g[0, 3] = 2
    assert solve_exact(g) is None and next(solutions(g), None) is None
