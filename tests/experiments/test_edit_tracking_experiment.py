"""The edit-tracking experiment: its reference, its ARM prompt, and a smoke run (slow)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from constructions.edit_apmdm import EditConstruction
from experiments.edit_tracking import SCALES, arm_prompt, arm_vocab, main, solve, work_plan


def test_reference_and_prompt() -> None:
    assert solve([0, 1, 2], [("ins", 0, 3), ("del", 2, -1), ("ins", 3, 0)]) == [3, 0, 2, 0]
    con = EditConstruction([0, 1], [("ins", 2, 3)], 4, max_position=SCALES["smoke"].max_position)
    av = arm_vocab(con.vocab)
    prompt = arm_prompt(con, av)
    assert av.render(prompt) == "[BOS] a b [SEP] ins p2 d [SEP]"
    assert av.mask_id not in prompt and av.eos_id not in prompt
    for s in SCALES.values():  # every test/training sequence fits the position tokens
        assert s.max_position >= max(s.test_lens) + max(s.test_edits)


def test_work_plan_names_the_phases_of_every_scale() -> None:
    smoke, full = work_plan("smoke"), work_plan("full")
    assert set(smoke) == set(full) == {"construction", "data", "train:ap-mdm", "eval:ap-mdm",
                                       "train:arm", "eval:arm"}
    assert all(w > 0 for _, w in full.values())
    assert all(full[p][1] >= smoke[p][1] for p in full)


@pytest.mark.slow
def test_smoke_run_writes_results(tmp_path) -> None:  # noqa: ANN001
    assert main(["--scale", "smoke", "--out", str(tmp_path), "--no-progress"]) == 0
    payload = json.loads((tmp_path / "edit_tracking.json").read_text())
    assert payload["complete"] and {r["model"] for r in payload["rows"]} == {
        "construction", "ap-mdm", "arm"}
    assert all(r["accuracy"] == 1.0 for r in payload["rows"] if r["model"] == "construction")
    assert (tmp_path / "edit_tracking.png").stat().st_size > 1000
    assert np.isfinite([m["final_loss"] for m in payload["models"]]).all()
