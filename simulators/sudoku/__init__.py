"""Reference Sudoku tools, independent of the AP-MDM construction that they check.

* :mod:`.exact`    -- an exact solver (Knuth's Algorithm X on the exact-cover matrix) that also
  counts solutions up to a limit;
* :mod:`.generate` -- random puzzles: full grids, unique-solution puzzles by clue removal,
  minimal (hard) puzzles, and puzzles that may have no solution.

``constructions/`` never imports this package: the checks compare the construction against it.
"""

from simulators.sudoku.exact import BOXES, count_solutions, solve_exact
from simulators.sudoku.generate import (
    minimal_puzzle,
    random_full_grid,
    random_puzzle,
    unique_puzzle,
)

__all__ = ["BOXES", "count_solutions", "minimal_puzzle", "random_full_grid", "random_puzzle",
           "solve_exact", "unique_puzzle"]
