"""Sudoku by remask backtracking: an AP-MDM whose one-step network is a constant-depth encoder
program (``docs/sudoku.md``).

* ``layout.py``       -- token ids, 4 tokens per cell, puzzles in and grids out
* ``program.py``      -- the step network (encoder program)
* ``process.py``      -- :class:`SudokuAPMDM`: runs on the engine and a lock-step batch runner
* ``construction.py`` -- :class:`SudokuConstruction`, the shared construction interface
* ``show.py``, ``cli.py`` -- ``python -m constructions.sudoku_apmdm solve ...``
"""

from constructions.sudoku_apmdm.construction import SudokuConstruction
from constructions.sudoku_apmdm.layout import BOX_SHAPES, SudokuLayout
from constructions.sudoku_apmdm.process import SudokuAPMDM, SudokuResult

__all__ = ["BOX_SHAPES", "SudokuAPMDM", "SudokuConstruction", "SudokuLayout", "SudokuResult"]
