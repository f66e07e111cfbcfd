"""The Sudoku experiment refuses to score a test puzzle that is also a training puzzle."""

from __future__ import annotations

import numpy as np
import pytest

import experiments.sudoku as sudoku


def test_a_test_puzzle_seen_in_training_stops_the_run(monkeypatch) -> None:  # noqa: ANN001
    fixed = np.array([[1, 0, 0, 0], [0, 0, 3, 0], [0, 4, 0, 0], [0, 0, 0, 2]])
    monkeypatch.setattr(sudoku, "unique_puzzle", lambda n, rng: fixed.copy())
    with pytest.raises(AssertionError, match="also a training puzzle"):
        sudoku.run("smoke", progress=False)
