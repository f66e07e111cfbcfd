"""The Sudoku experiment: its MDM rows, the margin policy's contract, work plans, smoke run
(slow)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from experiments.sudoku import SCALES, grid_vocab, main, mdm_rows, work_plan


def test_mdm_rows_keep_the_givens_and_target_the_solution() -> None:
    puzzle = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])
    solution = np.array([[1, 2, 4, 3], [4, 3, 1, 2], [3, 1, 2, 4], [2, 4, 3, 1]])
    mask = grid_vocab(4).mask_id
    rows = mdm_rows([puzzle], [solution], mask, np.random.default_rng(0), copies=5)
    assert len(rows) == 5
    first = rows[0]  # share 1: exactly the test-time canvas
    assert ((first.tokens == mask) == (puzzle.reshape(-1) == 0)).all()
    for r in rows:
        assert (r.y == solution.reshape(-1) - 1).all()
        assert (r.y_mask == (r.tokens == mask)).all() and r.y_mask.any()
        assert (r.tokens[puzzle.reshape(-1) > 0] == puzzle.reshape(-1)[puzzle.reshape(-1) > 0]
                - 1).all()


def test_work_plans() -> None:
    smoke, full = work_plan("smoke"), work_plan("full")
    assert set(smoke) <= set(full) and all(w > 0 for _, w in full.values())
    assert SCALES["cpu-reduced"].sizes == (4,)


@pytest.mark.slow
def test_smoke_run_writes_results(tmp_path) -> None:  # noqa: ANN001
    assert main(["--scale", "smoke", "--out", str(tmp_path), "--no-progress"]) == 0
    payload = json.loads((tmp_path / "sudoku.json").read_text())
    assert payload["complete"]
    assert {r["model"] for r in payload["rows"]} == {"construction", "ap-mdm", "mdm", "arm"}
    assert [r["accuracy"] for r in payload["rows"] if r["model"] == "construction"] == [1.0]
