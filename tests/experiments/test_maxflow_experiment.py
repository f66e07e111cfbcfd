"""The graph-editing experiment: the ARM's edit scripts replay the construction exactly, the
judge accepts exactly minimum cuts that disconnect, the id re-numbering, the ARM's cached
decoding, the plan, a smoke run (slow)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from constructions.maxflow_apmdm.construction import MaxFlowConstruction
from constructions.maxflow_apmdm.layout import BLOCK
from experiments.maxflow import (
    SCALES,
    arm_prompt,
    arm_vocab,
    common_vocab,
    edit_script,
    from_common,
    graphs,
    judge,
    main,
    min_cut_value,
    model_config,
    replay,
    to_common,
    work_plan,
    write,
)
from simulators.learned.batched import run_arm_batched
from simulators.learned.cached_arm import run_arm_cached
from simulators.learned.policies import LearnedARMPolicy
from simulators.learned.train import build_model

SCALE = SCALES["cpu-reduced"]


def _setup():  # type: ignore[no-untyped-def]
    cv = common_vocab(SCALE.common_top)
    return cv, arm_vocab(cv, SCALE.max_canvas)


def test_scripts_replay_the_construction_through_g() -> None:
    cv, av = _setup()
    rng, seen = np.random.default_rng(3), set()  # type: ignore[var-annotated]
    for n in SCALE.nodes:
        for e in graphs(n, SCALE.extra_edges, 2, rng, seen):
            con = MaxFlowConstruction(n, e)
            tr = con.run(record_canvases=True).trace
            assert tr is not None
            k = con.layout.top
            start = to_common(con.initial_canvas(), k, SCALE.common_top)
            assert np.array_equal(from_common(start, k, SCALE.common_top), con.initial_canvas())
            fin = replay(start, edit_script(tr, k, cv, av).tolist(), cv, av)
            assert fin is not None
            back = from_common(fin, k, SCALE.common_top)
            assert back is not None and np.array_equal(back, tr.final)
            assert judge(n, e, back, con.layout, min_cut_value(n, e))
    assert len(seen) == 2 * len(SCALE.nodes)


def test_judge_accepts_only_a_disconnecting_minimum_cut() -> None:
    n, e = 4, [(0, 1, 3), (1, 3, 2), (0, 2, 1), (2, 3, 5)]  # min cut 3: {1->3, 0->2}
    con = MaxFlowConstruction(n, e)
    lay, ref = con.layout, min_cut_value(n, e)
    assert ref == 3
    nodes = con.initial_canvas()[: BLOCK * n]

    def canvas(kept: list[tuple[int, int, int]]) -> np.ndarray:
        return np.concatenate([nodes, *(np.array([lay.edge_marker, u, v, c, 0])
                                        for u, v, c in kept)])

    assert judge(n, e, canvas([(0, 1, 3), (2, 3, 5)]), lay, ref)
    assert not judge(n, e, canvas([(0, 1, 3), (1, 3, 2), (2, 3, 5)]), lay, ref)  # connected
    assert not judge(n, e, canvas([(2, 3, 5)]), lay, ref)  # disconnects, but cut 6 > 3
    assert not judge(n, e, canvas([(1, 3, 2), (0, 2, 1), (2, 3, 5)]), lay, ref)  # 3, connected
    assert not judge(n, e, canvas([(0, 1, 3), (2, 3, 4)]), lay, ref)  # a changed capacity
    assert not judge(n, e, canvas([(0, 1, 3), (0, 1, 3)]), lay, ref)  # a repeated edge
    assert not judge(n, e, None, lay, ref)


def test_replay_refuses_malformed_scripts() -> None:
    cv, av = _setup()
    m = cv.mask_id
    start = np.array([cv.id("1"), m, m], dtype=np.int64)

    def ids(text: str) -> list[int]:
        return [av.id(t) for t in text.split()]

    assert replay(start, ids("@1 4 [STEP] R @0 [STEP] [EOS]"), cv, av).tolist() == [m, 4, m]
    assert replay(start, ids("D @2 [STEP] [EOS]"), cv, av).tolist() == [1, m]
    assert replay(start, ids("I @0 [STEP] [EOS]"), cv, av).tolist() == [1, m, m, m]
    for bad in ("@1 4 [STEP]", "@0 4 [STEP] [EOS]", "R @1 [STEP] [EOS]", "D @0 [STEP] [EOS]",
                "@9 4 [STEP] [EOS]", "@1 R [STEP] [EOS]", "@1 4 [EOS]", "4 @1 [STEP] [EOS]",
                "@1 [M] [STEP] [EOS]", "@1 4 D @1 [STEP] [EOS]", "D @1 I @1 [STEP] [EOS]",
                "@1 [EOS] [STEP] [EOS]"):
        assert replay(start, ids(bad), cv, av) is None, bad


def test_common_ids_refuse_integers_beyond_a_graph() -> None:
    top, common = 12, SCALE.common_top
    assert from_common(np.array([top + 1]), top, common) is None
    special = np.array([common + 1])
    assert from_common(special, top, common).tolist() == [top + 1]  # type: ignore[union-attr]


def test_cached_arm_decoding_is_the_runners_on_graph_prompts() -> None:
    """The experiment decodes its ARM with the key/value cache: on its own prompts (graphs of
    three sizes, so three prompt lengths) an untrained ARM of its shape ends every run as the
    lock-step runner does."""
    cv, av = _setup()
    rng = np.random.default_rng(4)
    prompts = [arm_prompt(to_common(MaxFlowConstruction(n, e).initial_canvas(),
                                    MaxFlowConstruction(n, e).layout.top, cv.hi), cv, av)
               for n in (4, 7, 10) for e in graphs(n, 2, 2, rng, set())]
    model = build_model(model_config(len(av), SCALES["smoke"], True, 400), 1)
    want = run_arm_batched(LearnedARMPolicy(model, av), prompts, av, max_length=170)
    got = run_arm_cached(model, prompts, av, max_length=170)
    for a, b in zip(got, want, strict=True):
        assert (a.halt, a.num_steps) == (b.halt, b.num_steps)
        assert np.array_equal(a.final, b.final)


def test_arm_decoding_tells_malformed_scripts_from_wrong_graphs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Per graph the ARM's record says whether its script replayed: the construction's own
    script replays to a right graph, a script that stops mid-step is malformed, and a
    well-formed script that deletes nothing replays to a wrong graph."""
    import experiments.maxflow as mf
    from simulators.learned.batched import RunOutcome
    from simulators.processes import HaltReason

    cv, av = _setup()
    rng = np.random.default_rng(7)
    gs = [(5, e) for e in graphs(5, 2, 3, rng, set())]
    cons = [MaxFlowConstruction(n, e) for n, e in gs]
    own = [edit_script(c.run(record_canvases=True).trace, c.layout.top, cv, av) for c in cons]
    written = [own[0], np.array([av.id("@0"), av.eos_id]), np.array([av.eos_id])]

    def fake(model, prompts, vocab, **kw):  # type: ignore[no-untyped-def]
        return [RunOutcome(np.concatenate([p, w]), len(w), HaltReason.END_TOKEN, len(p) + len(w))
                for p, w in zip(prompts, written, strict=True)]

    monkeypatch.setattr(mf, "run_arm_cached", fake)
    res, extra = mf._decode("arm", None, gs, cons, [min_cut_value(n, e) for n, e in gs], cv, av,
                            {"max_length": 999}, "cpu", rng)
    assert [ok for ok, _, _ in res] == [True, False, False]
    assert [x["replayed"] for x in extra] == [True, False, True]
    assert extra[0]["edit_steps"] == int((own[0] == av.id("[STEP]")).sum()) > 0


def test_work_plan_names_the_phases_of_every_scale() -> None:
    smoke, full = work_plan("smoke"), work_plan("full")
    assert set(smoke) == set(full) == {"graphs", "construction", "train:ap-mdm", "eval:ap-mdm",
                                       "train:arm", "eval:arm"}
    assert all(v[1] > 0 for v in full.values())
    assert all(full[p][1] >= smoke[p][1] for p in full)


@pytest.mark.slow
def test_smoke_run_writes_results(tmp_path) -> None:  # noqa: ANN001
    assert main(["--scale", "smoke", "--out", str(tmp_path), "--no-progress"]) == 0
    payload = json.loads((tmp_path / "maxflow.json").read_text())
    assert payload["complete"] and payload["train_test_disjoint"]
    assert {r["model"] for r in payload["rows"]} == {"construction", "ap-mdm", "arm"}
    assert all(r["accuracy"] == 1.0 for r in payload["rows"] if r["model"] == "construction")
    assert all({"construction_steps", "ap-mdm@0", "arm@0"} <= set(i)
               for i in payload["instances"])
    assert all(m["train_graphs_solved"].endswith("/8") for m in payload["models"])  # all 8
    assert (tmp_path / "maxflow.png").stat().st_size > 1000
    # the construction's own script per test graph: what the ARM is trained to write
    cv, av = _setup()
    inst = payload["instances"][0]
    con = MaxFlowConstruction(inst["nodes"], [tuple(x) for x in inst["edges"]])
    own = edit_script(con.run(record_canvases=True).trace, con.layout.top,
                      common_vocab(SCALES["smoke"].common_top), arm_vocab(
                          common_vocab(SCALES["smoke"].common_top), SCALES["smoke"].max_canvas))
    assert inst["construction_script_tokens"] == len(own)
    assert 0 < inst["construction_edit_steps"] < len(own)
    assert all("edit_steps" in i["arm@0"] for i in payload["instances"])
    fails = [i["arm@0"] for i in payload["instances"] if not i["arm@0"]["ok"]]
    bad = sum(not r["replayed"] for r in fails)
    n4 = f"N=4: {bad} malformed, {len(fails) - bad} replayed to a wrong graph"
    assert fails and n4 in (tmp_path / "maxflow.md").read_text()
    # a graph the ARM solved is reported against the construction's script
    inst["arm@0"].update(ok=True, steps=len(own), edit_steps=inst["construction_edit_steps"])
    write(payload, tmp_path)
    md = (tmp_path / "maxflow.md").read_text()
    assert (f"N={inst['nodes']} (arm@0): solved 1, mean written / constructed script tokens "
            f"{len(own):.2f} / {len(own):.2f} (equal on 1)") in md


def test_fit_check_cli_refuses_bad_usage() -> None:
    from experiments.maxflow_fit_check import main as fit_main
    from simulators.cli_support import run_main

    assert run_main(fit_main, ["--graphs", "x"]) == 2


@pytest.mark.slow
def test_fit_check_cli(capsys) -> None:  # noqa: ANN001
    from experiments.maxflow_fit_check import main as fit_main
    from simulators.cli_support import run_main

    assert run_main(fit_main, ["--graphs", "1", "--steps", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["graphs"] == 2 and out["teacher_forced"]["runs"] == 2
    assert len(out["constructed_steps"]) == len(out["free_running_steps"]) == 2
