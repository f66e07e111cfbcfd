"""Theorem-1 MDM speed: ``prefix_sum.pram`` end to end (build + every decoding step) vs the PRAM
machine on the same input, at n = 64, 256, 1024 (target: n = 1024 under 60 s on one core).

Run: ``.venv/bin/python -m benchmarks.pram_mdm_bench [--sizes 64,256,1024] [--seed 0]``.
Prints one row per size: context S, decoding steps, PRAM steps, build / decode / total seconds,
the machine's seconds and the slowdown (MDM total / machine), and the network depth.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from constructions.pram_mdm import build_pram_mdm, run_built
from simulators.pram import load_program, run

PREFIX = Path(__file__).resolve().parent.parent / "examples" / "pram" / "prefix_sum.pram"


def bench(n: int, seed: int) -> dict[str, float]:
    prog = load_program(str(PREFIX))
    inputs = {"A": [int(v) for v in np.random.default_rng(seed).integers(-100, 101, size=n)]}
    t0 = time.perf_counter()
    ref = run(prog, inputs)
    t_machine = time.perf_counter() - t0
    t0 = time.perf_counter()
    mdm = build_pram_mdm(prog, inputs)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = run_built(mdm)
    t_decode = time.perf_counter() - t0
    if res.output != ref.output:
        raise SystemExit(f"n={n}: the MDM output differs from the PRAM machine")
    total = t_build + t_decode
    return {"n": n, "S": mdm.layout.S, "steps": res.decoding_steps, "pram_steps": ref.steps,
            "build_s": t_build, "decode_s": t_decode, "total_s": total, "machine_s": t_machine,
            "slowdown": total / max(t_machine, 1e-9), "depth": res.depth}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="64,256,1024")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print("| n | context S | decoding steps | PRAM steps | build s | decode s | total s "
          "| machine s | slowdown | depth |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        r = bench(n, args.seed)
        print(f"| {r['n']} | {r['S']:,} | {r['steps']} | {r['pram_steps']} | {r['build_s']:.2f} "
              f"| {r['decode_s']:.2f} | {r['total_s']:.2f} | {r['machine_s']:.4f} "
              f"| {r['slowdown']:,.0f}x | {r['depth']} |", flush=True)


if __name__ == "__main__":
    main()
