"""Run every learned-vs-constructed experiment at one scale; plan it first, keep to a budget.

``python -m experiments.run_all --device cuda --scale full --out DIR`` is the full-scale path.
``--dry-run`` runs the smoke scale on the given device, extrapolates every phase of the chosen
scale from those timings (experiments/plan.py), prints the plan and the expected total and exits
0 without training at scale. ``--budget-s S`` stops cleanly before S seconds: the phase in
progress is abandoned, every finished phase stays written. Each experiment rewrites its
JSON/Markdown in DIR after every phase, and ``run_all.json`` (device, versions, seed, per-phase
timings, and why the run stopped) is rewritten after every experiment.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import torch

from experiments import dyck, edit_tracking, maxflow, maxflow_bits, parity, pram_mdm, sudoku
from experiments.budget import Budget, BudgetExhausted
from experiments.common import SCALES, command_line, provenance
from experiments.plan import extrapolate, format_plan, rates
from simulators.cli_support import ArgumentParser, run_main
from simulators.learned.train import resolve_device

EXPERIMENTS = {"parity": parity, "dyck": dyck, "pram_mdm": pram_mdm,
               "edit_tracking": edit_tracking, "sudoku": sudoku, "maxflow": maxflow,
               "maxflow_bits": maxflow_bits}


def _write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=1, default=str) + "\n")
    os.replace(tmp, path)


def run_experiments(names: Sequence[str], scale: str, dev: str, device_arg: str, seed: int,
                    out: Path, progress: bool, budget: Budget, summary: dict) -> None:
    """Run ``names`` in order, writing each experiment's files after every phase."""
    for name in names:
        mod = EXPERIMENTS[name]
        command = (f"python -m experiments.{name} --scale {scale} --device {device_arg} "
                   f"--seed {seed} (via experiments.run_all)")
        entry: dict = {"status": "running", "files": []}
        summary["experiments"][name] = entry
        start = time.perf_counter()

        def emit(payload: dict, mod=mod, entry=entry, command=command) -> None:  # type: ignore[no-untyped-def]
            payload["command"] = command
            with budget.shield():
                entry["files"] = [str(p) for p in mod.write(payload, out)]
                entry["timings_s"] = dict(payload.get("timings_s", {}))

        budget.check(f"experiment {name}")
        payload = mod.run(scale, dev, seed, progress=progress,
                          checkpoints=out / "checkpoints", emit=emit)
        emit(payload)
        entry.update(status="complete", wall_s=round(time.perf_counter() - start, 2))
        with budget.shield():
            _write_json(out / "run_all.json", summary)
        print(f"{name}: {entry['wall_s']} s", flush=True)


def dry_run(names: Sequence[str], scale: str, dev: str, seed: int) -> int:
    """Time the smoke scale on ``dev`` and print the extrapolated plan of ``scale``."""
    budget = Budget(None)
    summary: dict = {"experiments": {}}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_experiments(names, "smoke", dev, dev, seed, Path(tmp), False, budget, summary)
        smoke_s = time.perf_counter() - t0
    total = 0.0
    print(f"Dry run on {provenance(dev, [seed])['device']}: smoke scale took {smoke_s:.1f} s; "
          f"estimated phases of scale {scale!r}:")
    for name in names:
        mod = EXPERIMENTS[name]
        rate = rates(mod.work_plan("smoke", seed), summary["experiments"][name]["timings_s"])
        rows = extrapolate(mod.work_plan(scale, seed), rate)
        total += sum(r["estimate_s"] or 0.0 for r in rows)
        print(format_plan(name, rows))
    print(f"expected total: {total:.0f} s ({total / 60:.1f} min) on this device")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = ArgumentParser(prog="python -m experiments.run_all", description=__doc__.split("\n")[0])
    ap.add_argument("--scale", default="cpu-reduced", choices=list(SCALES))
    ap.add_argument("--device", default="auto", help="cpu, cuda or auto")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="output folder (not needed with "
                    "--dry-run)")
    ap.add_argument("--only", nargs="*", choices=list(EXPERIMENTS), default=None)
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--dry-run", action="store_true",
                    help="time the smoke scale here and print the plan of --scale; no results")
    ap.add_argument("--budget-s", type=float, default=None,
                    help="stop cleanly before this many seconds, keeping finished phases")
    args = ap.parse_args(argv)
    dev = str(resolve_device(args.device))
    if dev == "cpu":
        torch.set_num_threads(1)  # tiny models; threads only add contention on a shared CPU
    names = args.only or list(EXPERIMENTS)
    if args.dry_run:
        return dry_run(names, args.scale, dev, args.seed)
    if args.out is None:
        ap.error("--out is required (except with --dry-run)")
    if args.budget_s is not None and args.budget_s <= 0:
        ap.error("--budget-s must be > 0")
    # As a script the budget counts from process start (interpreter and torch imports too).
    budget = Budget(args.budget_s, from_process_start=__name__ == "__main__")
    summary: dict = {"command": command_line("experiments.run_all", argv), "seed": args.seed,
                     "scale": args.scale, "budget_s": args.budget_s,
                     "provenance": provenance(dev, [args.seed]), "status": "running",
                     "experiments": {}}
    out: Path = args.out
    try:
        with budget.armed():
            run_experiments(names, args.scale, dev, args.device, args.seed, out,
                            not args.no_progress, budget, summary)
        summary["status"] = "complete"
    except BudgetExhausted as stop:
        summary["status"] = f"stopped: {stop}"
        for entry in summary["experiments"].values():
            if entry["status"] == "running":
                entry["status"] = "stopped (finished phases kept)"
        print(f"stopped cleanly: {stop}; finished phases are in {out}", flush=True)
    summary["wall_s"] = round(time.monotonic() - budget.start, 2)
    _write_json(out / "run_all.json", summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
