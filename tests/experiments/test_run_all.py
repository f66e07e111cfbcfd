"""run_all: a time budget stops cleanly with the finished phases on disk; the dry-run plan."""

from __future__ import annotations

import json

import pytest

from experiments import dyck, parity, pram_mdm
from experiments.plan import extrapolate, rates
from experiments.run_all import main
from simulators.cli_support import run_main


def test_budget_stops_cleanly_and_keeps_finished_phases(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # 5 s: well inside the parity smoke run (~8 s on a quiet 2-core machine; with 8 s the stop
    # could land after its last phase, a complete file with a 'stopped' entry) and well past its
    # first phase.
    code = run_main(main, ["--scale", "smoke", "--device", "cpu", "--out", str(tmp_path),
                           "--no-progress", "--only", "parity", "--budget-s", "5"])
    assert code == 0
    summary = json.loads((tmp_path / "run_all.json").read_text())
    assert summary["status"].startswith("stopped")
    assert summary["wall_s"] < 5
    assert summary["experiments"]["parity"]["status"].startswith("stopped")
    partial = json.loads((tmp_path / "parity.json").read_text())
    assert partial["complete"] is False
    assert "construction" in partial["timings_s"]  # the first phase finished and was kept
    assert {r["model"] for r in partial["rows"]} >= {"construction"}
    assert "stopped cleanly" in capsys.readouterr().out


def test_out_is_required_without_dry_run(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run_main(main, ["--scale", "smoke", "--device", "cpu"]) == 2
    assert run_main(main, ["--out", "x", "--budget-s", "-1", "--device", "cpu"]) == 2


def test_extrapolation_fits_overhead_and_work() -> None:
    smoke = {"a": ("train", 10.0), "b": ("train", 30.0), "c": ("eval", 5.0)}
    rate = rates(smoke, {"a": 1.0, "b": 3.0, "c": 10.0})
    assert rate["train"] == pytest.approx((0.0, 0.1)) and rate["eval"] == pytest.approx((0, 2))
    rows = extrapolate({"a": ("train", 1000.0), "d": ("engine", 1.0)}, rate)
    assert rows[0]["estimate_s"] == 100.0 and rows[1]["estimate_s"] is None
    # 0.5 s per iteration + 0.01 s per unit of work, recovered from three phases
    pts = {"p": ("k", 100.0, 2.0), "q": ("k", 10.0, 20.0), "r": ("k", 300.0, 1.0)}
    r = rates(pts, {k: 0.5 * v[2] + 0.01 * v[1] for k, v in pts.items()})
    assert r["k"] == pytest.approx((0.5, 0.01))
    (row,) = extrapolate({"x": ("k", 1e4, 1e3)}, r)
    assert row["estimate_s"] == pytest.approx(600.0)


@pytest.mark.parametrize("mod", [parity, dyck, pram_mdm])
def test_work_plans_name_phases_of_every_scale(mod) -> None:  # type: ignore[no-untyped-def]
    smoke, full = mod.work_plan("smoke"), mod.work_plan("full")
    assert smoke and set(smoke) <= set(full)
    assert all(v[1] > 0 for v in full.values())
    assert {v[0] for v in full.values()} <= {v[0] for v in smoke.values()}  # every kind timed


@pytest.mark.slow
def test_dry_run_prints_a_plan(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run_main(main, ["--dry-run", "--device", "cpu", "--scale", "full"]) == 0
    out = capsys.readouterr().out
    assert "expected total" in out and "train:ap-mdm:clipped-local" in out


def test_maxflow_bits_is_a_run_all_experiment_of_its_one_model() -> None:
    from experiments import maxflow_bits
    from experiments.run_all import EXPERIMENTS

    assert EXPERIMENTS["maxflow_bits"] is maxflow_bits
    for scale in ("cpu-reduced", "full"):  # not maxflow's other models (ap-mdm-long either)
        plan = maxflow_bits.work_plan(scale)
        assert {p for p in plan if ":" in p} == {"train:ap-mdm-bits", "eval:ap-mdm-bits"}
    assert run_main(main, ["--only", "maxflow_bits", "--bogus"]) == 2  # a usage error, no run


@pytest.mark.slow
def test_dry_run_plans_maxflow_bits(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run_main(main, ["--dry-run", "--device", "cpu", "--scale", "cpu-reduced", "--only",
                           "maxflow_bits"]) == 0
    out = capsys.readouterr().out
    assert "maxflow_bits:" in out and "train:ap-mdm-bits" in out and "train:arm" not in out


@pytest.mark.slow  # two interpreter start-ups with torch: slow on a loaded machine
@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="checks the no-GPU exit")
def test_gpu_script_refuses_without_a_gpu(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "experiments" / "gpu_run.sh"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    res = subprocess.run(["bash", str(script), str(tmp_path / "out"), "100"],
                         capture_output=True, text=True, env={"PYTHON": sys.executable,
                                                              "PATH": "/usr/bin:/bin"})
    assert res.returncode == 3 and "no CUDA device" in res.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["env.txt"]
