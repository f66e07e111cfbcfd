"""The edit-tracking experiment: its reference, its ARM prompt, and a smoke run (slow)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from constructions.edit_apmdm import EditConstruction, random_instance
from experiments import edit_scripts
from experiments.edit_tracking import (
    MODELS,
    SCALES,
    _to,
    arm_prompt,
    arm_vocab,
    final_ok,
    main,
    script_vocab,
    solve,
    work_plan,
)


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
    assert set(smoke) == set(full) == {"construction", "data"} | {
        f"{p}:{m}" for p in ("train", "eval") for m in MODELS}
    assert all(w > 0 for _, w in full.values())
    assert all(full[p][1] >= smoke[p][1] for p in full)


def test_the_constructions_edit_scripts_are_judged_right_and_a_wrong_one_is_not() -> None:
    """The edit-imitating ARM's path with the construction's own script: prompt ids are the
    script vocabulary's, the replay through g ends on the right sequence, the judge agrees."""
    rng = np.random.default_rng(8)
    top = SCALES["smoke"].max_position + 8
    for _ in range(20):
        seq, edits = random_instance(rng, int(rng.integers(1, 6)), int(rng.integers(1, 5)), 4)
        con = EditConstruction(seq, edits, 4, max_position=top)
        av = arm_vocab(con.vocab)
        sv = script_vocab(av, 40)
        to_sv = _to(con.vocab, sv)
        assert (arm_prompt(con, sv) == arm_prompt(con, av)).all()
        tr = con.run(record_canvases=True).trace
        assert tr is not None
        script = edit_scripts.edit_script(tr, lambda a, m=to_sv: m[a], sv.mask_id, sv.name, sv)
        names = {sv.name(int(i)) for i in to_sv if i != sv.mask_id}

        def content(s: str, names: set[str] = names, sv=sv) -> int | None:  # noqa: ANN001
            return sv.id(s) if s in names else None

        fin = edit_scripts.replay(to_sv[con.initial_canvas()], script.tolist(), sv, sv.mask_id,
                                  content)
        want = solve(seq, edits)
        assert fin is not None and final_ok(fin, con, want, to_sv)
        assert sum(sv.name(int(x)) == edit_scripts.STEP for x in script) == tr.num_steps - 1
        assert not final_ok(fin, con, [*want, 0], to_sv)  # one letter too many
        if want:
            assert not final_ok(fin, con, [*want[:-1], (want[-1] + 1) % 4], to_sv)  # one wrong


@pytest.mark.slow
def test_smoke_run_writes_results(tmp_path) -> None:  # noqa: ANN001
    assert main(["--scale", "smoke", "--out", str(tmp_path), "--no-progress"]) == 0
    payload = json.loads((tmp_path / "edit_tracking.json").read_text())
    assert payload["complete"] and {r["model"] for r in payload["rows"]} == {
        "construction", *MODELS}
    assert payload["train_test_disjoint"]
    assert all({"construction_steps", *(f"{m}@0" for m in MODELS)} <= set(i)
               for i in payload["instances"])
    assert all(r["accuracy"] == 1.0 for r in payload["rows"] if r["model"] == "construction")
    assert (tmp_path / "edit_tracking.png").stat().st_size > 1000
    assert np.isfinite([m["final_loss"] for m in payload["models"]]).all()
