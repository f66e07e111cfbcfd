"""Benchmark of the Theorem 4 AP-MDM (constructions/pram_apmdm): wall time and context.

``python benchmarks/pram_apmdm_bench.py [--quick] [--counter-n N ...]``

Rows: ``prefix_sum`` at n = 64, 256, 1024 (target: n = 1024 end to end -- build + every decoding
step -- under 60 s on one core) and the binary counter at growing n (target: about 65,536 PRAM
steps under 5 minutes). Per row: PRAM steps T, AP-MDM decoding steps, seconds (build + run), the
PRAM machine's seconds on the same input, the AP-MDM's peak canvas and the Theorem-1 MDM's
context for the same program and input (from that construction's layout).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from constructions.pram_apmdm import run as apmdm_run  # noqa: E402
from constructions.pram_mdm import make_layout  # noqa: E402
from simulators.pram import load_program  # noqa: E402
from simulators.pram import run as pram_run  # noqa: E402


def row(name: str, n: int, inputs: dict[str, list[int]]) -> str:
    prog = load_program(str(ROOT / "examples" / "pram" / f"{name}.pram"))
    t0 = time.perf_counter()
    m = pram_run(prog, inputs)
    t_pram = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    r = apmdm_run(prog, inputs)
    t_ap, c_ap = time.perf_counter() - t0, time.process_time() - c0
    assert r.output == m.output, f"{name} n={n}: output differs"
    b = r.construction.binding
    thm1 = make_layout(prog, b.base, b.size, b.memory_size, b.processors_bound, b.time_bound,
                       max_context=1 << 50).S
    return (f"| {name} | {n} | {m.steps} | {r.decoding_steps} | {t_ap:.1f} | {c_ap:.1f} | "
            f"{t_pram:.3f} | {1e3 * c_ap / r.decoding_steps:.2f} | {r.max_context_length} | "
            f"{thm1} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--counter-n", type=int, action="append",
                        help="binary-counter sizes (default 8 10 11; T is about 32 * 2^n)")
    args = parser.parse_args()
    prefix_ns = (64, 256) if args.quick else (64, 256, 1024)
    counter_ns = args.counter_n or ((6, 8) if args.quick else (8, 10, 11))
    if any(not 1 <= n <= 20 for n in counter_ns):
        parser.error("--counter-n must be in 1..20")
    # Wall seconds depend on the machine's load; CPU seconds (this process) much less so.
    print("| program | n | PRAM T | AP-MDM steps | AP-MDM wall s | AP-MDM CPU s | PRAM machine s "
          "| CPU ms/step | AP-MDM peak canvas | Thm-1 context |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rng = np.random.default_rng(0)
    for n in prefix_ns:
        print(row("prefix_sum", n, {"A": [int(v) for v in rng.integers(-99, 100, n)]}),
              flush=True)
    for n in counter_ns:
        print(row("binary_counter", n, {"B": [0] * n}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
