"""Random Sudoku puzzles for the checks (deterministic given the generator).

* :func:`random_full_grid` -- a uniformly shuffled search of the exact solver from an empty grid;
* :func:`random_puzzle`    -- a full grid with each cell kept with probability ``keep``; with
  ``corrupt > 0`` some kept cells get a random value, so the puzzle may have no solution
  (or several) -- the case the "no solution" check needs;
* :func:`unique_puzzle`    -- clues removed in random order while the solution stays unique;
* :func:`minimal_puzzle`   -- the same pass over every clue: no clue can be removed without
  losing uniqueness (these are the hard end of the distribution for a propagating solver).
"""

from __future__ import annotations

import numpy as np

from simulators.sudoku.exact import BOXES, count_solutions, solutions


def random_full_grid(n: int, rng: np.random.Generator) -> np.ndarray:
    if n not in BOXES:
        raise ValueError(f"size must be one of {sorted(BOXES)}")
    grid = next(solutions(np.zeros((n, n), dtype=np.int64), rng=rng))
    return grid


def random_puzzle(n: int, rng: np.random.Generator, *, keep: float = 0.4,
                  corrupt: float = 0.0) -> np.ndarray:
    grid = random_full_grid(n, rng)
    kept = rng.random((n, n)) < keep
    puzzle = np.where(kept, grid, 0)
    if corrupt > 0:
        flip = kept & (rng.random((n, n)) < corrupt)
        puzzle[flip] = rng.integers(1, n + 1, size=int(flip.sum()))
    return puzzle


def _remove_clues(puzzle: np.ndarray, rng: np.random.Generator, stop_at: int) -> np.ndarray:
    p = puzzle.copy()
    n = p.shape[0]
    for k in rng.permutation(n * n):
        r, c = divmod(int(k), n)
        if not p[r, c] or int((p > 0).sum()) <= stop_at:
            continue
        v = p[r, c]
        p[r, c] = 0
        if count_solutions(p, 2) != 1:
            p[r, c] = v
    return p


def unique_puzzle(n: int, rng: np.random.Generator, *, clues: int | None = None) -> np.ndarray:
    """A puzzle with exactly one solution; removal stops at ``clues`` givens (None: minimal)."""
    return _remove_clues(random_full_grid(n, rng), rng, clues or 0)


def minimal_puzzle(n: int, rng: np.random.Generator) -> np.ndarray:
    """A minimal unique puzzle: every remaining clue is needed for uniqueness."""
    return unique_puzzle(n, rng, clues=None)
