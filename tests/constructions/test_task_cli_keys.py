"""The task CLIs print the keys their users ask for at the top level of ``--json`` (Sudoku:
solution / solved / backtracks; max-flow: min_cut_value / reference_min_cut_value / cut_edges)
*beside* the common report keys, and a task key can never shadow a common one."""

from __future__ import annotations

import json

import pytest

from constructions.cli_common import report_json
from constructions.interface import REPORT_KEYS
from constructions.maxflow_apmdm.cli import main as maxflow_main
from constructions.sudoku_apmdm.cli import main as sudoku_main


def _json(capsys: pytest.CaptureFixture[str], main, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_sudoku_json_has_the_task_keys(capsys: pytest.CaptureFixture[str]) -> None:
    obj = _json(capsys, sudoku_main, ["solve", "--size", "4", "--puzzle",
                                      "12.." "34.." "...." "....", "--json"])
    assert set(REPORT_KEYS) <= set(obj)
    assert set(obj) - set(REPORT_KEYS) == {"solution", "solved", "backtracks"}
    assert obj["solution"] == obj["output"]["solution"] and obj["solved"] is True
    assert obj["solution"].startswith("12") and obj["solution"][4:6] == "34"
    assert obj["backtracks"] == obj["extra"]["backtracks"]


def test_maxflow_json_has_the_task_keys(capsys: pytest.CaptureFixture[str]) -> None:
    obj = _json(capsys, maxflow_main, ["run", "--nodes", "8", "--edges", "20", "--seed", "3",
                                       "--json"])
    assert set(obj) - set(REPORT_KEYS) == {"min_cut_value", "reference_min_cut_value",
                                          "cut_edges"}
    assert obj["min_cut_value"] == obj["reference_min_cut_value"] == obj["output"]["min_cut_value"]
    assert sum(c for _, _, c in obj["cut_edges"]) == obj["min_cut_value"]


def test_a_task_key_cannot_shadow_a_common_key() -> None:
    class _Rep:
        output = {"output": 1}
        extra: dict = {}

        def to_json(self) -> dict:
            return {k: None for k in REPORT_KEYS}

    with pytest.raises(ValueError):
        report_json(_Rep(), ("output",))  # type: ignore[arg-type]
