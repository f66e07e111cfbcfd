"""Canvas layout of the Sudoku AP-MDM: token ids, the vocabulary, puzzles in and grids out.

The state is the paper's (``docs/paper.md``, the Sudoku task): four tokens per cell, cells in
row-major order, so an ``n x n`` grid is a canvas of exactly ``4 n^2`` positions for the whole
run (the process never inserts or deletes):

=====  ===========  ==========================================================================
role   token        meaning
=====  ===========  ==========================================================================
0      value        ``1..n``, or ``[M]`` while the cell is empty
1      colour       ``c0..c{n^2}``: the branch depth the cell's content belongs to
2      marker       ``N`` (normal fill), ``B`` (branch opened here, nothing failed yet),
                    ``X1..Xn`` (values ``<= b`` failed here: dead ends), ``[M]`` on an empty cell
3      separator    ``|`` (fixed)
=====  ===========  ==========================================================================

Reading a cell (``docs/sudoku.md`` has the full table): value + ``N`` = a fill at depth
``colour``; value + ``B``/``Xb`` = the branch cell that opened depth ``colour + 1`` (its value is
the current guess, every value ``<= b`` already failed); ``[M]`` + ``Xb`` = a dead-end cell at
depth ``colour``: it is empty, and its next guess must exceed ``b``; value + ``[M]`` marker = a
branch cell half-way through being turned into a dead end (backtracking takes two steps because
``g`` can only change a written token by remasking it first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.errors import UsageError
from simulators.processes import Vocab

#: Supported sizes and their box shapes (rows x columns of one box).
BOX_SHAPES = {4: (2, 2), 6: (2, 3), 9: (3, 3)}
TOKENS_PER_CELL = 4
ROLE_VALUE, ROLE_COLOUR, ROLE_MARKER, ROLE_SEP = 0, 1, 2, 3


@dataclass(frozen=True)
class SudokuLayout:
    """Token ids for one grid size ``n`` (4, 6 or 9)."""

    n: int

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or self.n not in BOX_SHAPES:
            raise UsageError(f"Sudoku size must be one of {sorted(BOX_SHAPES)}, got {self.n!r}")

    # ---------------------------------------------------------------- geometry
    @property
    def box(self) -> tuple[int, int]:
        """(rows, columns) of one box."""
        return BOX_SHAPES[self.n]

    @property
    def cells(self) -> int:
        return self.n * self.n

    @property
    def length(self) -> int:
        """Canvas length: fixed for the whole run."""
        return TOKENS_PER_CELL * self.cells

    def box_of(self, row: int, col: int) -> int:
        bh, bw = self.box
        return (row // bh) * (self.n // bw) + col // bw

    # ---------------------------------------------------------------- token ids
    def value_id(self, u: int) -> int:
        """Id of value ``u`` in ``1..n``."""
        return u - 1

    @property
    def colour0(self) -> int:
        """Id of ``c0``; ``c_d`` is ``colour0 + d`` for ``d`` in ``0..n^2``."""
        return self.n

    @property
    def normal(self) -> int:
        return self.colour0 + self.cells + 1

    @property
    def bound0(self) -> int:
        """Id of ``B`` (= bound 0); ``Xb`` is ``bound0 + b`` for ``b`` in ``1..n``."""
        return self.normal + 1

    @property
    def sep(self) -> int:
        return self.bound0 + self.n + 1

    @property
    def mask(self) -> int:
        return self.sep + 1

    def vocab(self) -> Vocab:
        names = ([str(u) for u in range(1, self.n + 1)]
                 + [f"c{d}" for d in range(self.cells + 1)]
                 + ["N", "B"] + [f"X{b}" for b in range(1, self.n + 1)] + ["|"])
        return Vocab(names, mask="[M]")

    # ---------------------------------------------------------------- puzzles
    def parse(self, text: str) -> np.ndarray:
        """A puzzle string -> an ``(n, n)`` int array, 0 for an empty cell.

        ``n^2`` characters after dropping whitespace (and ``|``/``-``/``+`` drawing characters):
        digits ``1..n`` are givens, ``.`` or ``0`` empty. Refuses wrong lengths, digits beyond
        ``n`` and other characters with a message naming the first offending position.
        """
        if not isinstance(text, str):
            raise UsageError("a puzzle must be a string")
        chars = [ch for ch in text if not ch.isspace() and ch not in "|-+"]
        if len(chars) != self.cells:
            raise UsageError(f"a {self.n}x{self.n} puzzle needs {self.cells} cells (digits 1-"
                             f"{self.n}, '.' or '0' for empty), got {len(chars)}")
        grid = np.zeros(self.cells, dtype=np.int64)
        for i, ch in enumerate(chars):
            if ch in ".0":
                continue
            if not (ch.isascii() and ch.isdigit()) or not 1 <= int(ch) <= self.n:
                raise UsageError(f"cell {i + 1} (row {i // self.n + 1}, column "
                                 f"{i % self.n + 1}): {ch!r} is not a digit 1-{self.n} or '.'")
            grid[i] = int(ch)
        return grid.reshape(self.n, self.n)

    def conflicts(self, grid: np.ndarray) -> list[str]:
        """Readable descriptions of givens that repeat a value in a row, column or box."""
        g = np.asarray(grid).reshape(self.n, self.n)
        found = []
        units: list[tuple[str, list[tuple[int, int]]]] = []
        for r in range(self.n):
            units.append((f"row {r + 1}", [(r, c) for c in range(self.n)]))
        for c in range(self.n):
            units.append((f"column {c + 1}", [(r, c) for r in range(self.n)]))
        for b in range(self.n):
            units.append((f"box {b + 1}", [(r, c) for r in range(self.n) for c in range(self.n)
                                           if self.box_of(r, c) == b]))
        for label, cells in units:
            vals = [int(g[r, c]) for r, c in cells if g[r, c]]
            dup = sorted({v for v in vals if vals.count(v) > 1})
            if dup:
                found.append(f"{label} repeats {', '.join(map(str, dup))}")
        return found

    def initial_canvas(self, grid: np.ndarray) -> np.ndarray:
        """Givens as ``value c0 N |``, empty cells as ``[M] [M] [M] |``."""
        g = np.asarray(grid, dtype=np.int64).reshape(-1)
        if g.shape[0] != self.cells or g.min(initial=0) < 0 or g.max(initial=0) > self.n:
            raise UsageError(f"a {self.n}x{self.n} grid holds {self.cells} values in 0..{self.n}")
        canvas = np.full((self.cells, TOKENS_PER_CELL), self.mask, dtype=np.int64)
        given = g > 0
        canvas[given, ROLE_VALUE] = g[given] - 1
        canvas[given, ROLE_COLOUR] = self.colour0
        canvas[given, ROLE_MARKER] = self.normal
        canvas[:, ROLE_SEP] = self.sep
        return canvas.reshape(-1)

    def grid(self, canvas: np.ndarray) -> np.ndarray:
        """The values on a canvas as an ``(n, n)`` array (0 where the value token is masked)."""
        v = np.asarray(canvas, dtype=np.int64).reshape(self.cells, TOKENS_PER_CELL)[:, ROLE_VALUE]
        return np.where(v < self.n, v + 1, 0).reshape(self.n, self.n)

    def is_solution(self, grid: np.ndarray) -> bool:
        """Every cell filled and no row, column or box repeats a value."""
        g = np.asarray(grid).reshape(self.n, self.n)
        return bool((g > 0).all()) and not self.conflicts(g)

    def format_grid(self, grid: np.ndarray) -> str:
        """The grid as text rows with box rules (``.`` for empty)."""
        g = np.asarray(grid).reshape(self.n, self.n)
        bh, bw = self.box
        lines = []
        for r in range(self.n):
            if r and r % bh == 0:
                lines.append("+".join(["-" * (2 * bw + 1)] * (self.n // bw)))
            parts = []
            for c0 in range(0, self.n, bw):
                parts.append(" " + " ".join(str(v) if v else "." for v in g[r, c0:c0 + bw]) + " ")
            lines.append("|".join(parts))
        return "\n".join(lines)
