"""Text drawing of one Sudoku canvas for ``--show``: the grid with each cell's state.

Each cell is three characters: the value (``.`` when empty), then ``*`` for a branch cell, ``x``
for a dead end, ``~`` for a branch half-way through becoming a dead end, else a space; then the
depth colour of the content (blank at depth 0).
"""

from __future__ import annotations

import numpy as np

from constructions.sudoku_apmdm.layout import (
    ROLE_COLOUR,
    ROLE_MARKER,
    ROLE_VALUE,
    TOKENS_PER_CELL,
    SudokuLayout,
)


def _cell(lay: SudokuLayout, v: int, c: int, k: int) -> str:
    value = str(v + 1) if v < lay.n else "."
    if k == lay.mask:
        flag = "~" if v < lay.n else " "
    elif k == lay.normal:
        flag = " "
    else:
        flag = "*" if v < lay.n else "x"
    depth = "" if c == lay.mask or c == lay.colour0 else str(c - lay.colour0)
    return f"{value}{flag}{depth:<2}"


def render_state(lay: SudokuLayout, canvas: np.ndarray) -> str:
    c = np.asarray(canvas, dtype=np.int64).reshape(lay.n, lay.n, TOKENS_PER_CELL)
    bh, bw = lay.box
    lines = []
    for r in range(lay.n):
        if r and r % bh == 0:
            lines.append("+".join(["-" * (4 * bw + 1)] * (lay.n // bw)))
        parts = []
        for c0 in range(0, lay.n, bw):
            cells = [_cell(lay, int(c[r, j, ROLE_VALUE]), int(c[r, j, ROLE_COLOUR]),
                           int(c[r, j, ROLE_MARKER])) for j in range(c0, c0 + bw)]
            parts.append(" " + "".join(cells))
        lines.append("|".join(parts))
    return "\n".join(lines)
