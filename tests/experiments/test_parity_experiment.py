"""Experiment 1's data and result files (the training runs themselves are in the smoke test of
tests/learned and in ``python -m experiments.parity``)."""

from __future__ import annotations

import json

import numpy as np

from constructions.parity_apmdm import BOS
from experiments.parity import SCALES, held_out_inputs, length2_dataset, recipe_dataset, write


def test_paper_setting_is_seven_transitions_plus_two_halts() -> None:
    data = length2_dataset(0)
    assert len(data) == 9
    halting = [data.tokens[i, : data.lengths[i]].tolist() for i in range(len(data))
               if not data.bits[i].any()]
    assert sorted(halting) == sorted([[BOS], [BOS, 1]])
    assert max(data.lengths) == 3  # never a canvas longer than [BOS] b1 b2


def test_recipe_data_contains_far_bits_and_the_finished_odd_canvas() -> None:
    data = recipe_dataset(8, 0)
    assert data.content_hash == recipe_dataset(8, 0).content_hash
    assert max(data.lengths) == 9
    assert any(data.lengths[i] == 2 and data.tokens[i, 1] == 1 and not data.bits[i].any()
               for i in range(len(data)))


def test_inputs_are_the_same_for_every_model_and_run() -> None:
    a, b = held_out_inputs(SCALES["smoke"], 3), held_out_inputs(SCALES["smoke"], 3)
    assert a.keys() == b.keys() and all(np.array_equal(a[n], b[n]) for n in a)
    assert not np.array_equal(held_out_inputs(SCALES["smoke"], 4)[100], a[100])


def test_result_files_have_the_agreed_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [{"model": m, "variant": "v", "length": n, "accuracy": 1.0, "mean_steps": 4.0,
             "n": 2, "ci95": [0.3, 1.0], "halts": {"fixed_point": 2}}
            for m in ("construction", "ap-mdm") for n in (2, 10)]
    payload = {"device": "cpu:test", "seed": 0, "scale": "smoke", "command": "python -m x",
               "rows": rows, "wall_s": 1.0}
    paths = write(payload, tmp_path)
    assert {p.name for p in paths} == {"parity.json", "parity.md", "parity.png"}
    back = json.loads((tmp_path / "parity.json").read_text())
    assert {"device", "seed", "command", "rows"} <= back.keys()
    for r in back["rows"]:
        assert {"model", "length", "accuracy", "mean_steps"} <= r.keys()
    md = (tmp_path / "parity.md").read_text()
    assert "not full scale" in md and "| construction |" in md
