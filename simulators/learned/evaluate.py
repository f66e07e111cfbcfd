"""Scoring runs: accuracy (with a Wilson 95% interval), steps, and why each run stopped.

The evaluator is deliberately ignorant of *how* the outcomes were produced (a construction
through the engine, a learned network through the lock-step runner): it takes finished runs and
a task's own correctness check, so the same numbers mean the same thing for every row.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from simulators.errors import UsageError


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (sound at 0% and 100%, unlike +-2 SE)."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def score_runs(finals: Sequence[np.ndarray], steps: Sequence[int], halts: Sequence[object],
               correct: Callable[[int, np.ndarray], bool]) -> dict:
    """Summary of ``len(finals)`` runs; ``correct(k, final)`` judges run ``k``'s final canvas.

    Returns ``accuracy``, ``n``, ``correct``, ``ci95`` (Wilson), ``mean_steps``, ``max_steps``
    and ``halts`` (count per halting reason).
    """
    n = len(finals)
    if n == 0 or len(steps) != n or len(halts) != n:
        raise UsageError("score_runs needs equally many (>= 1) finals, steps and halts")
    ok = np.array([bool(correct(k, np.asarray(f))) for k, f in enumerate(finals)])
    lo, hi = wilson_interval(int(ok.sum()), n)
    return {
        "accuracy": float(ok.mean()),
        "n": n,
        "correct": int(ok.sum()),
        "ci95": [round(lo, 4), round(hi, 4)],
        "mean_steps": float(np.mean(steps)),
        "max_steps": int(np.max(steps)),
        "halts": dict(Counter(str(getattr(h, "value", h)) for h in halts)),
    }


def score_outcomes(outcomes: Sequence, correct: Callable[[int, np.ndarray], bool]) -> dict:
    """:func:`score_runs` on :class:`~simulators.learned.batched.RunOutcome`s or ``Trace``s."""
    return score_runs([o.final for o in outcomes], [o.num_steps for o in outcomes],
                      [o.halt for o in outcomes], correct)


def training_fit(model, data, device: str = "cpu", batch: int = 256) -> dict:  # type: ignore[no-untyped-def]
    """How many training rows the greedy model gets wrong (any supervised token's argmax or any
    supervised control bit). A model that misses training rows cannot be expected to act like
    the construction even on training inputs, whatever its coverage."""
    import torch

    wrong = 0
    with torch.inference_mode():
        for lo in range(0, len(data), batch):
            b = data.batch(np.arange(lo, min(lo + batch, len(data))), device)
            out = model(b["tokens"], b["valid"])
            tok_ok = ((out.token_logits.argmax(-1) == b["y"]) | ~b["y_mask"]).all(1)
            bits_ok = ((out.control_logits > 0) == (b["bits"] > 0.5)).all(-1)
            wrong += int((~(tok_ok & (bits_ok | ~b["bits_mask"]).all(1))).sum())
    return {"train_rows": len(data), "train_rows_wrong": wrong}
