"""The Sudoku experiment: its MDM rows, the margin policy's contract, work plans, smoke run
(slow)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from constructions.sudoku_apmdm import SudokuLayout
from experiments.sudoku import (
    SCALES,
    cap_rows,
    grid_vocab,
    main,
    mdm_rows,
    steps_summary,
    work_plan,
)


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
    smoke, reduced, full = (work_plan(s) for s in ("smoke", "cpu-reduced", "full"))
    assert set(smoke) <= set(reduced) <= set(full) and all(w > 0 for _, w, *_ in full.values())
    assert {k for k, *_ in full.values()} <= {k for k, *_ in smoke.values()}  # every kind timed
    assert SCALES["cpu-reduced"].sizes == (4, 6) and SCALES["full"].sizes == (4, 6, 9)
    assert "train:ap-mdm:9" in full and "train:ap-mdm:9" not in reduced
    for scale in SCALES.values():  # project convention: >= 3 seeds per reported learned result
        assert set(scale.steps) == set(scale.test_puzzles) == set(scale.sizes)
    assert SCALES["cpu-reduced"].seeds >= 3 and SCALES["full"].seeds >= 3


def test_the_full_scale_9x9_process_data_fits_the_dataset_limit() -> None:
    from simulators.learned.data import MAX_DATASET_CELLS

    cap = SCALES["full"].max_apmdm_rows[9]
    assert cap * SudokuLayout(9).length * 6 <= MAX_DATASET_CELLS
    rows: list = list(range(100))  # cap_rows keeps any items; ints show the order kept
    kept = cap_rows(rows, 10, np.random.default_rng(0))
    assert len(kept) == 10 and kept == sorted(kept)  # type: ignore[type-var]
    assert cap_rows(rows, None, np.random.default_rng(0)) == rows


def test_steps_summary_counts_only_solved_runs() -> None:
    inst = [{"construction": {"steps": 5, "backtracks": 1},
             "ap-mdm": {"solved": [True, False], "steps": [7, 40], "backtracks": [2, 9]}},
            {"construction": {"steps": 3, "backtracks": 0},
             "ap-mdm": {"solved": [True, True], "steps": [3, 3], "backtracks": [0, 0]}}]
    s = steps_summary("4x4", "ap-mdm", inst)
    assert (s["runs"], s["both_solved"]) == (4, 3)
    assert s["constructed_steps"] == pytest.approx(11 / 3)
    assert s["learned_steps"] == pytest.approx(13 / 3)
    assert s["same_steps"] == pytest.approx(2 / 3)
    assert s["learned_backtracks"] == pytest.approx(2 / 3)
    assert s["constructed_backtracks"] == pytest.approx(1 / 3)


def test_dry_run_plans_the_9x9_gpu_configuration(capsys) -> None:  # noqa: ANN001
    """The dry run times the smoke scale (a real, tiny run of every phase) and prints the full
    scale's plan, 9x9 included."""
    from experiments.run_all import main as run_all
    from simulators.cli_support import run_main

    assert run_main(run_all, ["--dry-run", "--only", "sudoku", "--device", "cpu", "--scale",
                              "full"]) == 0
    out = capsys.readouterr().out
    assert "train:ap-mdm:9" in out and "construction:9" in out and "expected total" in out


@pytest.mark.slow
def test_smoke_run_writes_results(tmp_path) -> None:  # noqa: ANN001
    assert main(["--scale", "smoke", "--out", str(tmp_path), "--no-progress"]) == 0
    payload = json.loads((tmp_path / "sudoku.json").read_text())
    assert payload["complete"]
    assert {r["model"] for r in payload["rows"]} == {"construction", "ap-mdm", "mdm", "arm"}
    assert [r["accuracy"] for r in payload["rows"] if r["model"] == "construction"] == [1.0]
    inst = payload["instances"]["4x4"]
    assert len(inst) == SCALES["smoke"].test_puzzles[4]
    assert all(len(i[m]["steps"]) == SCALES["smoke"].seeds for i in inst
               for m in ("ap-mdm", "mdm", "arm"))
    assert [d["size"] for d in payload["diagnostics"]] == ["4x4"] * SCALES["smoke"].seeds
    assert set(payload["train_inputs_sha256"]) == set(payload["test_inputs_sha256"]) == {"4x4"}
    text = (tmp_path / "sudoku.md").read_text()
    assert "teacher-forced" in text and "learned against constructed" in text
    assert (tmp_path / "sudoku.png").stat().st_size > 0
