"""Dry-run planning for ``experiments.run_all --dry-run``: time each phase at the smoke scale on
the chosen device, then extrapolate every phase of the chosen scale.

Each experiment describes its phases by ``work_plan(scale, seed) -> {phase: (kind, work[,
iters])}``: ``work`` is proportional to the phase's compute (model FLOPs for training and network
evaluation, token-steps for numpy engines), ``iters`` (optional) counts its sequential
iterations (optimizer steps, lock-step decoding steps per canvas, engine steps), each of which
costs a fixed overhead however small the model; ``kind`` groups phases that run alike. For each
kind the smoke timings are fitted as ``seconds = a * iters + b * work`` (a, b >= 0, least
squares), and each phase of the chosen scale is estimated from its own iters and work. Tiny
models are overhead-bound (the ``a`` term), large ones compute-bound (``b``): a smoke run alone
pins ``b`` down poorly, so a compute-bound phase can be under-estimated -- the plan is a guide,
and ``--budget-s`` is the guarantee.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

Plan = Mapping[str, tuple]  # phase -> (kind, work) or (kind, work, iters)


def _terms(entry: tuple) -> tuple[str, float, float]:
    kind, work = entry[0], float(entry[1])
    return kind, work, float(entry[2]) if len(entry) > 2 else 0.0


def rates(plan: Plan, timings: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """Per kind, ``(a, b)``: seconds per iteration and per unit of work, fitted to the measured
    phase timings by non-negative least squares (one term alone when the other would be < 0)."""
    pts: dict[str, list[tuple[float, float, float]]] = {}
    for phase, entry in plan.items():
        kind, work, iters = _terms(entry)
        if phase in timings and (work > 0 or iters > 0):
            pts.setdefault(kind, []).append((iters, work, float(timings[phase])))
    out = {}
    for kind, rows in pts.items():
        x = np.array([[i, w] for i, w, _ in rows])
        t = np.array([s for _, _, s in rows])
        fits = []
        if (x[:, 0] > 0).any():
            fits.append(np.array([t @ x[:, 0] / (x[:, 0] @ x[:, 0]), 0.0]))
        if (x[:, 1] > 0).any():
            fits.append(np.array([0.0, t @ x[:, 1] / (x[:, 1] @ x[:, 1])]))
        both = np.linalg.lstsq(x, t, rcond=None)[0]
        if (both >= 0).all():
            fits.append(both)
        best = min(fits, key=lambda c: float(((x @ c - t) ** 2).sum()))
        out[kind] = (float(best[0]), float(best[1]))
    return out


def extrapolate(plan: Plan, rate: Mapping[str, tuple[float, float]]) -> list[dict]:
    """One row per phase of ``plan``: kind, work, iters, estimated seconds (None: kind never
    timed)."""
    rows = []
    for phase, entry in plan.items():
        kind, work, iters = _terms(entry)
        r = rate.get(kind)
        rows.append({"phase": phase, "kind": kind, "work": float(f"{work:.4g}"),
                     "iters": iters, "estimate_s": None if r is None else
                     round(r[0] * iters + r[1] * work, 1)})
    return rows


def format_plan(name: str, rows: list[dict]) -> str:
    lines = [f"{name}:"]
    for r in rows:
        est = "   ?" if r["estimate_s"] is None else f"{r['estimate_s']:10.1f} s"
        lines.append(f"  {r['phase']:<44} {r['kind']:<14} {est}")
    total = sum(r["estimate_s"] or 0.0 for r in rows)
    lines.append(f"  {'total':<44} {'':<14} {total:10.1f} s")
    return "\n".join(lines)
