"""Dry-run planning for ``experiments.run_all --dry-run``: time each phase at the smoke scale on
the chosen device, then extrapolate every phase of the chosen scale.

Each experiment describes its phases by ``work_plan(scale, seed) -> {phase: (kind, work)}``:
``work`` is a count proportional to the phase's cost (model FLOPs for training and network
evaluation, token-steps for numpy engines), ``kind`` groups phases that run at the same speed
(training, dense evaluation, table evaluation, engine runs, ...). The smoke run measures seconds
per unit of work for each kind; a phase of the chosen scale is estimated as its work times its
kind's rate. Smoke phases are small, so fixed per-step overheads weigh more there than at full
scale: on a GPU the estimate errs on the long side, which is the safe side for a budget.
"""

from __future__ import annotations

from collections.abc import Mapping

Plan = Mapping[str, tuple[str, float]]


def rates(plan: Plan, timings: Mapping[str, float]) -> dict[str, float]:
    """Seconds per unit of work for each kind, from measured phase timings."""
    work: dict[str, float] = {}
    secs: dict[str, float] = {}
    for phase, (kind, w) in plan.items():
        if phase in timings and w > 0:
            work[kind] = work.get(kind, 0.0) + w
            secs[kind] = secs.get(kind, 0.0) + float(timings[phase])
    return {k: secs[k] / work[k] for k in work}


def extrapolate(plan: Plan, rate: Mapping[str, float]) -> list[dict]:
    """One row per phase of ``plan``: kind, work, estimated seconds (None: kind never timed)."""
    rows = []
    for phase, (kind, w) in plan.items():
        r = rate.get(kind)
        rows.append({"phase": phase, "kind": kind, "work": float(f"{w:.4g}"),
                     "estimate_s": None if r is None else round(w * r, 1)})
    return rows


def format_plan(name: str, rows: list[dict]) -> str:
    lines = [f"{name}:"]
    for r in rows:
        est = "   ?" if r["estimate_s"] is None else f"{r['estimate_s']:10.1f} s"
        lines.append(f"  {r['phase']:<44} {r['kind']:<14} {est}")
    total = sum(r["estimate_s"] or 0.0 for r in rows)
    lines.append(f"  {'total':<44} {'':<14} {total:10.1f} s")
    return "\n".join(lines)
