"""Benchmark of simulators.processes: Algorithm 1's g and the MDM fill step at 10^6 positions.

Run: ``.venv/bin/python -m benchmarks.processes_bench [--n 1000000] [--repeat 5] [--seed 0]``
Prints one table row per operation: best and median wall time over ``--repeat`` runs.
Target: g on 10^6 positions with random controls well under one second.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from simulators.cli_support import run_main
from simulators.errors import UsageError
from simulators.processes import (
    APMDMDecision,
    IntVocab,
    LeftmostK,
    MDMDecision,
    PolicyChosen,
    RandomK,
    Threshold,
    TopK,
    apmdm_transition,
    apmdm_transition_batch,
    run_apmdm,
)
from simulators.processes.mdm import mdm_fill_step

MAX_N = 50_000_000  # refuse sizes whose arrays (~10 of 8 bytes per position) would not fit


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="canvas length")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not 1 <= args.n <= MAX_N or args.repeat < 1:
        raise UsageError(f"--n must be in 1..{MAX_N} and --repeat >= 1")
    n, rng = args.n, np.random.default_rng(args.seed)
    vocab = IntVocab(0, 9)
    mask = vocab.mask_id
    x = rng.integers(0, 11, size=n)  # about 1/11 masks
    y = rng.integers(0, 10, size=n)
    remask, insert, delete = (rng.random((3, n)) < 0.3)
    mdm_canvas = np.where(rng.random(n) < 0.5, mask, x % 10)
    fill = (mdm_canvas == mask) & (rng.random(n) < 0.5)
    decision = MDMDecision(tokens=y, fill=fill, confidence=rng.random(n))
    rows: list[tuple[str, Callable[[], object]]] = [
        ("g (apmdm_transition), random controls",
         lambda: apmdm_transition(x, y, remask, insert, delete, mask=mask)),
    ]
    if n % 100 == 0:
        rows.append(("g batched, 100 rows of n/100",
                     lambda: apmdm_transition_batch(*(a.reshape(100, -1) for a in
                                                      (x, y, remask, insert, delete)), mask=mask)))
    for rule in (PolicyChosen(), TopK(1000), Threshold(0.9), RandomK(1000), LeftmostK(1000)):
        rows.append((f"MDM fill step, {rule!r}",
                     lambda rule=rule: mdm_fill_step(mdm_canvas, decision, vocab, rule, rng)))

    def one_apmdm_step() -> object:
        def policy(canvas: np.ndarray, _rng: np.random.Generator) -> APMDMDecision:
            return APMDMDecision(y, remask, insert, delete)
        return run_apmdm(policy, x, vocab, max_steps=1, max_length=4 * n,
                         record_canvases=False)

    rows.append(("run_apmdm, one step (validation + g + counts)", one_apmdm_step))
    print(f"n = {n:,}, repeat = {args.repeat}, seed = {args.seed}")
    print(f"{'operation':<52} {'best s':>9} {'median s':>9}")
    for label, fn in rows:
        best, med = _time(fn, args.repeat)
        print(f"{label:<52} {best:9.4f} {med:9.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
