"""Encoder-program interpreter timings against their targets.

* "most recent write" (the PRAM memory read) at S = 10^6: one fast-path evaluation < 2 s;
* every library program at S = 10^5: one fast-path evaluation < 1 s each;
* for contrast, the dense O(S^2) path at a small S.

Usage: ``python -m benchmarks.encoder_bench [--big 1000000] [--small 100000] [--repeat 3]
[--seed 0]``. Prints one row per measurement: best and median wall-clock and best CPU seconds of
``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np

from simulators.cli_support import run_main
from simulators.encoder.library import (
    dyck1_program,
    histogram_program,
    most_recent_write_program,
    prefix_sum_program,
    previous_block_program,
    reverse_program,
    sort_distinct_program,
)
from simulators.encoder.program import Program
from simulators.errors import UsageError


def _cases(n: int, rng: np.random.Generator) -> list[tuple[str, Program, np.ndarray]]:
    """(name, program, canvas) for every library program at length ``n``."""
    addresses = max(1, n // 100)
    return [
        ("histogram", histogram_program(1000, n), rng.integers(0, 1000, n)),
        ("sort_distinct", sort_distinct_program(4 * n, n), rng.permutation(4 * n)[:n]),
        ("reverse", reverse_program(1000, n), rng.integers(0, 1000, n)),
        ("dyck1", dyck1_program(n), rng.integers(0, 2, n)),
        ("prefix_sum", prefix_sum_program(-1000, 1000, n), rng.integers(-1000, 1001, n)),
        ("most_recent_write", most_recent_write_program(addresses, 1000, n),
         rng.integers(0, 2 * addresses * 1000, n)),
        ("previous_block", previous_block_program(1000, 64, n), rng.integers(0, 1000, n)),
    ]


def _best(fn: Callable[[], object], repeat: int) -> str:
    """``best  median`` wall-clock seconds and best CPU seconds of this process over ``repeat``
    runs (CPU time is the steadier figure on a machine shared with other jobs)."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return f"{min(times):>9.3f} {float(np.median(times)):>9.3f} {min(cpu):>9.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--dense", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for name in ("big", "small", "dense", "repeat"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name} must be >= 1")
    rng = np.random.default_rng(args.seed)
    print(f"{'measurement':<40} {'S':>9} {'best s':>9} {'median s':>9} {'cpu s':>9}  target")
    big = args.big
    prog = most_recent_write_program(max(1, big // 100), 1000, big)
    canvas = rng.integers(0, 2 * max(1, big // 100) * 1000, big)
    t = _best(lambda: prog.evaluate(canvas), args.repeat)
    print(f"{'most_recent_write (fast)':<40} {big:>9} {t}  < 2 s")
    for name, p, c in _cases(args.small, rng):
        t = _best(lambda p=p, c=c: p.evaluate(c), args.repeat)
        print(f"{name + ' (fast)':<40} {args.small:>9} {t}  < 1 s")
    for name, p, c in _cases(args.dense, rng):
        if name in ("histogram", "most_recent_write", "reverse"):
            t = _best(lambda p=p, c=c: p.evaluate(c, path="dense"), 1)
            print(f"{name + ' (dense reference)':<40} {args.dense:>9} {t}  (O(S^2))")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
