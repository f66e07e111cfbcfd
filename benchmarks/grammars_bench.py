"""Benchmark of simulators.grammars: exact counts, sampling, membership and enumeration.

Run: ``.venv/bin/python -m benchmarks.grammars_bench [--length 10000] [--repeat 3] [--seed 0]``
Prints one row per operation: best and median wall time over ``--repeat`` runs.
Target: ``count`` for length 10,000 in under one second.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from simulators.cli_support import run_main
from simulators.errors import UsageError
from simulators.grammars import (
    count,
    counts,
    enumerate_words,
    is_member,
    members_batch,
    sample_word,
    sample_words,
)
from simulators.grammars.sampling import component_weights

MAX_LENGTH = 20_000


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not 2 <= args.length <= MAX_LENGTH or args.length % 2 or args.repeat < 1:
        raise UsageError(f"--length must be even in 2..{MAX_LENGTH} and --repeat >= 1")
    length, rep = args.length, args.repeat
    rng = np.random.default_rng(args.seed)
    long_two = sample_word(3, length, rng, two_sided=True)
    long_one = sample_word(3, length, rng, two_sided=False)
    batch = sample_words(3, 1000, rng, two_sided=True, num=1000)

    def fresh_sample() -> None:
        component_weights.cache_clear()  # include the big-integer weights in the timing
        sample_word(3, length, rng, two_sided=True)

    rows: list[tuple[str, Callable[[], object]]] = [
        (f"count two-sided k=2 L={length}", lambda: count(2, length, two_sided=True)),
        (f"count two-sided k=4 L={length}", lambda: count(4, length, two_sided=True)),
        (f"count one-sided k=4 L={length}", lambda: count(4, length, two_sided=False)),
        (f"counts two-sided k=3, all L<={length}", lambda: counts(3, length, two_sided=True)),
        (f"sample two-sided k=3 L={length} (cold)", fresh_sample),
        (f"sample one-sided k=3 L={length}", lambda: sample_word(3, length, rng, two_sided=False)),
        (f"is_member two-sided L={length}", lambda: is_member(long_two, 3, two_sided=True)),
        (f"is_member one-sided L={length}", lambda: is_member(long_one, 3, two_sided=False)),
        ("members_batch two-sided 1000 x L=1000", lambda: members_batch(batch, 3, two_sided=True)),
        ("enumerate two-sided k=3 L=10 (197,796)", lambda: enumerate_words(3, 10, two_sided=True)),
    ]
    print(f"{'operation':<42} {'best s':>9} {'median s':>9}")
    for name, fn in rows:
        best, median = _time(fn, rep)
        print(f"{name:<42} {best:>9.4f} {median:>9.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
