"""Experiment 1's data and result files (the training runs themselves are in the smoke test of
tests/learned and in ``python -m experiments.parity``)."""

from __future__ import annotations

import json

import numpy as np

from constructions.parity_apmdm import BOS, MASK, run_parity
from experiments.common import Clock, new_payload
from experiments.parity import (
    ARM_VOCAB,
    SCALES,
    _finish,
    held_out_inputs,
    length2_dataset,
    recipe_dataset,
    scratchpad,
    write,
)


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
             "n": 2, "correct": 2, "ci95": [0.3, 1.0], "halts": {"fixed_point": 2},
             "in_training": n == 2, "construction_mean_steps": 4.0, "train_seed": s,
             "params": 10}
            for m in ("construction", "ap-mdm") for n in (2, 10) for s in (0, 1)]
    payload = new_payload("smoke", "cpu", 0, [0, 1])
    payload.update(command="python -m x", rows=rows, complete=True)
    _finish(payload, Clock())
    paths = write(payload, tmp_path)
    assert {p.name for p in paths} == {"parity.json", "parity.md", "parity.png"}
    back = json.loads((tmp_path / "parity.json").read_text())
    assert {"device", "seed", "command", "rows", "summary", "provenance"} <= back.keys()
    assert {"git_commit", "git_dirty", "torch", "numpy", "device", "seeds"} <= set(
        back["provenance"])
    for r in back["rows"]:
        assert {"model", "length", "accuracy", "mean_steps"} <= r.keys()
    (s2,) = [r for r in back["summary"] if r["length"] == 2]
    assert s2["seeds"] == 2 and s2["pooled"] == "4/4" and s2["in_training"]
    md = (tmp_path / "parity.md").read_text()
    assert "not full scale" in md and "| construction |" in md


def test_partial_payload_writes_json_and_markdown_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    payload = new_payload("smoke", "cpu", 0, [0])
    payload["command"] = "python -m x"
    paths = write(payload, tmp_path)
    assert {p.name for p in paths} == {"parity.json", "parity.md"}
    assert "Partial results" in (tmp_path / "parity.md").read_text()


def test_scratchpad_is_the_construction_trace_written_out() -> None:
    bits = np.array([1, 1, 0, 1])
    seq = scratchpad(bits)
    names = [ARM_VOCAB.name(int(t)) for t in seq]
    canvases = " ".join(names).split(" # ")[0].split(" |")
    trace = [c for c in run_parity(bits).canvases[1:]]
    want = []
    for c in trace:  # BOS dropped, mask written as _, the repeated fixed point once
        text = " ".join({0: "0", 1: "1", MASK: "_"}[int(t)] for t in c[1:])
        if not want or want[-1] != text:
            want.append(text)
    assert [c.strip() for c in canvases if c.strip() or True][: len(want)] == want
    assert names[-3:] == ["#", "1", "[EOS]"]


def test_coverage_headline_follows_the_rows() -> None:
    from experiments.parity import coverage_headlines

    def row(miss: int, acc: float) -> dict:
        return {"model": "ap-mdm", "variant": "v", "length": 9, "accuracy_min": acc,
                "views_missing_max": miss}

    models = [{"model": "ap-mdm", "variant": "v", "train_views": 7}]
    (ok,) = coverage_headlines({"summary": [row(0, 1.0)], "models": models})
    assert "every local view" in ok and "1.000" in ok and "7 distinct" in ok
    (bad,) = coverage_headlines({"summary": [row(0, 1.0), row(5, 0.5)], "models": models})
    assert "up to 5 local views" in bad and "0.500" in bad
