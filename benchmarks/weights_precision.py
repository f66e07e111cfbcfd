"""Precision of the compiled networks: the inverse temperature (``gap``) each construction needs
as its canvas grows, and the largest size at which float32 and bfloat16 stay exact.

``python benchmarks/weights_precision.py [--budget SECONDS] [--out docs/results/weights_precision]``

For each construction and size, the interpreter's own run gives a set of canvases (up to 24,
evenly spaced over the run); a network passes at a setting when its rounded outputs equal the
interpreter's on every one of them (stochastic programs: the same rng seed for both). Reported:
the smallest ``gap`` in {1/16, 1/8, ..., 64} that passes in float64 (with the largest error before
rounding at the default gap 50), and whether float32 / bfloat16 (default gap) pass. Measured,
not derived; a size is skipped once the previous one took more than ``--budget`` seconds. Beside
them, ``magnitude_bits``: the integer bits of the largest value the network's residual may hold
(simulators/weights/sizes.py) -- a dtype whose significand has at least that many bits (float64
53, float32 24, bfloat16 8) holds every such value exactly; with fewer, a run can still be exact
when its canvases never reach the extremes.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from constructions.dyck_apmdm.construction import Theorem5  # noqa: E402
from constructions.dyck_apmdm.process import DyckAPMDM  # noqa: E402
from constructions.parity_apmdm.construction import Parity  # noqa: E402
from constructions.pram_apmdm.construction import Theorem4  # noqa: E402
from simulators.pram import load_program  # noqa: E402
from simulators.weights import compile_program  # noqa: E402
from simulators.weights.sizes import magnitude_bits  # noqa: E402

GAPS = (0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)


def construction(name: str, n: int):  # noqa: ANN201
    rng = np.random.default_rng(n)
    if name == "parity":
        return Parity.from_bits(rng.integers(0, 2, n))
    if name == "theorem5 dyck-2":
        return Theorem5(DyckAPMDM(2, target_length=n))
    prog = load_program(str(ROOT / "examples" / "pram" / "prefix_sum.pram"))
    return Theorem4.build(prog, {"A": [int(v) for v in rng.integers(0, 10, n)]})


def passes(net, prog, canvases: list[np.ndarray]) -> tuple[bool, float]:  # noqa: ANN001
    worst = 0.0
    for i, c in enumerate(canvases):
        ref = prog.evaluate(c, rng=np.random.default_rng(i))
        got = net.evaluate_float(c, rng=np.random.default_rng(i))
        for k, want in ref.items():
            y = got[k]
            if not np.isfinite(y).all() or not np.array_equal(np.rint(y).astype(np.int64), want):
                return False, float("inf")
            worst = max(worst, float(np.abs(y - want).max(initial=0.0)))
    return True, worst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--out", default=str(ROOT / "docs" / "results" / "weights_precision"))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    rows = []
    plan = {"parity": (4, 16, 64, 256, 1024), "theorem5 dyck-2": (4, 16, 64, 256),
            "theorem4 prefix_sum": (4, 8, 16, 32)}
    for name, sizes in plan.items():
        for n in sizes:
            t0 = time.perf_counter()
            con = construction(name, n)
            # the first seed (0, 1, ...) whose run takes more than 4 steps (Theorem 5 often
            # stops at once: a round that inserts nothing is a fixed point)
            for seed in range(50):
                trace = con.run(record_canvases=True, rng=np.random.default_rng(seed)).trace
                if trace.num_steps > 4:
                    break
            picks = np.unique(np.linspace(0, len(trace.canvases) - 1, 24).astype(int))
            canvases = [np.asarray(trace.canvases[i]) for i in picks]
            prog = con.program
            net64 = compile_program(prog)
            ok50, err50 = passes(net64, prog, canvases)
            need = next((g for g in GAPS if passes(compile_program(prog, gap=g), prog,
                                                   canvases)[0]), None)
            f32 = passes(compile_program(prog, dtype="float32"), prog, canvases)[0]
            bf16 = passes(compile_program(prog, dtype="bfloat16"), prog, canvases)[0]
            rows.append({"construction": name, "n": n, "S": prog.max_length,
                         "canvases": len(canvases), "magnitude_bits": magnitude_bits(net64),
                         "float64_exact": ok50,
                         "float64_max_error": err50, "min_gap_float64": need,
                         "float32_exact": f32, "bfloat16_exact": bf16,
                         "seconds": round(time.perf_counter() - t0, 1)})
            print(json.dumps(rows[-1]), flush=True)
            if rows[-1]["seconds"] > args.budget:
                break
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    meta = {"command": "python benchmarks/weights_precision.py " + " ".join(argv or sys.argv[1:]),
            "commit": commit, "python": platform.python_version(), "torch": torch.__version__,
            "seeds": "inputs: default_rng(n); runs: the first default_rng(seed) with > 4 "
                     "steps; evaluations: default_rng(i)",
            "uncommitted_sources": subprocess.run(
                ["git", "status", "--porcelain", "--", "simulators", "constructions",
                 "benchmarks/weights_precision.py"], capture_output=True, text=True,
                cwd=ROOT).stdout.splitlines(),
            "note": "seconds measured on a shared, loaded 2-core machine"}
    Path(args.out + ".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    head = list(rows[0]) if rows else []
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[k]) for k in head) + " |" for r in rows]
    Path(args.out + ".md").write_text(
        f"<!-- generated by: {meta['command']} (commit {commit[:10]}) -->\n" + "\n".join(lines)
        + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
