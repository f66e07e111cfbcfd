"""The Sudoku AP-MDM's layout, interface and CLI (soundness lives in
``proofs_checks/test_task_sudoku.py``)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from constructions.interface import REPORT_KEYS, Construction
from constructions.sudoku_apmdm import SudokuAPMDM, SudokuConstruction, SudokuLayout
from constructions.sudoku_apmdm.cli import entry
from simulators.errors import UsageError
from simulators.sudoku import random_puzzle

ESCARGOT = "1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3.."


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = entry(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_layout_round_trip_and_vocab() -> None:
    lay = SudokuLayout(6)
    grid = random_puzzle(6, np.random.default_rng(0), keep=0.5)
    canvas = lay.initial_canvas(grid)
    assert canvas.shape == (4 * 36,) and (lay.grid(canvas) == grid).all()
    assert len(lay.vocab()) == lay.mask + 1 and lay.vocab().mask_id == lay.mask
    assert lay.box == (2, 3) and lay.box_of(3, 4) == 3


@pytest.mark.parametrize(("n", "text", "fragment"), [
    (4, "1..", "needs 16 cells"),
    (4, "5" + "." * 15, "not a digit 1-4"),
    (4, "x" + "." * 15, "not a digit"),
    (9, "٣" + "." * 80, "not a digit"),
])
def test_parse_refuses_bad_puzzles(n: int, text: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        SudokuLayout(n).parse(text)


def test_bad_size_and_contradictory_givens() -> None:
    with pytest.raises(UsageError):
        SudokuLayout(5)
    with pytest.raises(UsageError, match="column 1 repeats 3"):
        SudokuConstruction.from_text(4, "3...3...........")
    # allowed through the API: the construction itself reports no solution
    con = SudokuConstruction.from_text(4, "3...3...........", allow_conflicts=True)
    assert con.run().output == {"solution": None, "solved": False}


def test_construction_protocol_and_report() -> None:
    con = SudokuConstruction.from_text(9, ESCARGOT)
    assert isinstance(con, Construction)
    rep = con.run(record_canvases=True)
    obj = rep.to_json()
    assert tuple(sorted(obj)) == tuple(sorted(REPORT_KEYS))
    assert obj["output"]["solved"] and obj["context_length"] == 324
    assert obj["extra"]["backtracks"] >= 1 and obj["decoding_steps"] == rep.trace.num_steps
    state = con.decode_state(rep.trace.final)
    assert state["next_step"] == "done" and all(all(row) for row in state["grid"])


def test_fast_and_dense_paths_agree_on_every_step() -> None:
    con = SudokuConstruction.from_text(4, "1...........2...")
    rep = con.run(record_canvases=True)
    for canvas in rep.trace.canvases:
        a = con.program.evaluate(canvas)
        b = con.program.evaluate(canvas, path="dense")
        assert all((a[k] == b[k]).all() for k in a)


def test_batch_runner_honours_the_step_limit() -> None:
    model = SudokuAPMDM(9)
    res = model.solve_batch([SudokuLayout(9).parse(ESCARGOT)], max_steps=5)[0]
    assert res.decoding_steps == 5 and res.solution is None and res.halt.value == "step_limit"


def test_cli_json_show_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "--size", "9", "--puzzle", ESCARGOT, "--json")
    obj = json.loads(out)
    assert code == 0 and obj["output"]["solved"] and obj["construction"] == "sudoku"
    assert obj["output"]["solution"].startswith("162857493")
    code, out, _ = run(capsys, "solve", "--size", "4", "--puzzle", "1...........2...", "--show")
    assert code == 0 and out.startswith("step 0: next") and "solution 1234" in out
    code, out, _ = run(capsys, "solve", "--size", "4", "--puzzle", "123....4........")
    assert code == 0 and "no solution" in out
    for argv, expect in [
        (("solve", "--size", "5", "--puzzle", "1"), 2),
        (("solve", "--size", "4", "--puzzle", "1a" + "." * 14), 2),
        (("solve", "--size", "4", "--puzzle", "11" + "." * 14), 2),
        (("solve", "--size", "9", "--puzzle", ESCARGOT, "--max-steps", "3"), 3),
    ]:
        code, out, err = run(capsys, *argv)
        assert code == expect and "Traceback" not in err and "error" in err
