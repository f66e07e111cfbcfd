"""Weight level vs interpreter: whole runs of Theorem 1 and Theorem 4 prefix_sum.

``python benchmarks/weights_bench.py [--device cpu|cuda] [--sizes 8 16 32 ...] [--budget S]
[--batch 1 8] [--kinds theorem1 theorem4]``

Per row: construction, n, decoding steps, canvas bound, compile seconds, weight-level run
seconds, interpreter run seconds, tokens/s at weight level (canvas positions processed per
second: the sum of the canvas lengths over the steps / run seconds) and whether the two runs are
identical step for step. Theorem 1's weights policy queries only the fillable block, through
the sparse evaluation of the compiled weights (simulators/weights/sparse.py: each module where it
is needed, each head over its candidate keys); Theorem 4's queries every position (dense
forward), like its fast interpreter policy. One torch thread on the CPU. The first line printed
is the provenance (command, git commit, versions, load average before the runs; inputs: A drawn
by ``numpy.random.default_rng(n)``, values 0..9); the last, the load average after.
``--batch B ...``: rows of B independent runs (different inputs, one size) in lock step instead
(:func:`bench_batch`: wall time, tokens/s over all runs, each run checked against the
interpreter). Targets (the issue's): Theorem 1 n = 32 and Theorem 4 n = 64 under 60 s on one
core; on a GPU, Theorem 4 n = 1024 and Theorem 1 n = 256 under 60 s -- run with
``--device cuda`` where one is lent (none was when this was written). A construction's larger
sizes are skipped once a run takes more than ``--budget`` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from constructions.pram_apmdm.construction import Theorem4  # noqa: E402
from constructions.pram_mdm.construction import Theorem1  # noqa: E402
from constructions.value_width import weights_value_bits  # noqa: E402
from simulators.cli_support import run_main  # noqa: E402
from simulators.errors import UsageError  # noqa: E402
from simulators.pram import load_program  # noqa: E402


def bench(kind: str, n: int, device: str) -> dict:
    prog = load_program(str(ROOT / "examples" / "pram" / "prefix_sum.pram"))
    inputs = {"A": [int(v) for v in np.random.default_rng(n).integers(0, 10, n)]}
    con: Theorem1 | Theorem4
    if kind == "theorem1":  # the value width the weights backend uses (constructions/value_width)
        con = Theorem1.build(prog, inputs, value_bits=weights_value_bits(prog, inputs))
    else:
        con = Theorem4.build(prog, inputs)
    t0 = time.perf_counter()
    ref = con.run(record_canvases=True)
    t_interp = time.perf_counter() - t0
    from constructions.backends import compile_weights

    t0 = time.perf_counter()
    compile_weights(con.program, device=device)
    t_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    got = con.run(record_canvases=True, backend="weights", device=device)
    t_run = time.perf_counter() - t0 - t_compile  # run() compiles again; count it once
    assert ref.trace is not None and got.trace is not None
    same = ref.decoding_steps == got.decoding_steps and all(
        bool(np.array_equal(a, b))
        for a, b in zip(ref.trace.canvases, got.trace.canvases, strict=True))
    positions = sum(len(c) for c in got.trace.canvases[:-1])
    return {"construction": f"{kind} prefix_sum", "n": n, "steps": got.decoding_steps,
            "canvas": got.context_length, "compile_s": round(t_compile, 2),
            "weights_run_s": round(t_run, 2), "interpreter_run_s": round(t_interp, 2),
            "tokens_per_s": round(positions / max(t_run, 1e-9)), "identical": same}


def bench_batch(kind: str, n: int, batch: int, device: str) -> dict:
    """``batch`` independent runs at size ``n`` in lock step (``run_batch``: one network
    evaluation per decoding step for all of them; simulators/weights/batch.py). Inputs: run
    ``b``'s A drawn by ``numpy.random.default_rng(1000 * n + b)``, values 0..9. ``wall_s`` is the
    whole ``run_batch`` call (it compiles the network once); ``run_s`` is that less the compile
    time measured separately; tokens/s counts every run's canvas positions over ``run_s``."""
    prog = load_program(str(ROOT / "examples" / "pram" / "prefix_sum.pram"))
    inputs = [{"A": [int(v) for v in np.random.default_rng(1000 * n + b).integers(0, 10, n)]}
              for b in range(batch)]
    cls: type[Theorem1] | type[Theorem4] = Theorem1 if kind == "theorem1" else Theorem4
    from constructions.backends import compile_weights

    vb = max(weights_value_bits(prog, i) for i in inputs)  # Theorem 1's width for the batch
    first = (Theorem1.build(prog, inputs[0], value_bits=vb) if kind == "theorem1"
             else Theorem4.build(prog, inputs[0]))
    t0 = time.perf_counter()
    compile_weights(first.program, device=device)
    t_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    got = cls.run_batch(prog, inputs, record_canvases=True, device=device)
    t_wall = time.perf_counter() - t0
    t_run = max(t_wall - t_compile, 1e-9)
    same = True
    for inp, rep in zip(inputs, got, strict=True):  # each run against the interpreter alone
        con = (Theorem1.build(prog, inp, value_bits=vb) if kind == "theorem1"
               else Theorem4.build(prog, inp))
        ref = con.run(record_canvases=True)
        assert ref.trace is not None and rep.trace is not None
        same = same and ref.decoding_steps == rep.decoding_steps and all(
            bool(np.array_equal(a, b))
            for a, b in zip(ref.trace.canvases, rep.trace.canvases, strict=True))
    positions = sum(len(c) for rep in got if rep.trace is not None
                    for c in rep.trace.canvases[:-1])
    return {"construction": f"{kind} prefix_sum", "n": n, "batch": batch,
            "steps": max(r.decoding_steps for r in got),
            "canvas": max(r.context_length for r in got), "compile_s": round(t_compile, 2),
            "wall_s": round(t_wall, 2), "run_s": round(t_run, 2),
            "tokens_per_s": round(positions / t_run), "identical": same}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--sizes", type=int, nargs="+", default=[8, 16, 32, 64, 128, 256])
    ap.add_argument("--budget", type=float, default=120.0)
    ap.add_argument("--batch", type=int, nargs="+", default=None, metavar="B",
                    help="instead of single runs: B independent runs in lock step, for each B "
                         "(e.g. --batch 1 8), at each size")
    ap.add_argument("--kinds", nargs="+", choices=("theorem1", "theorem4"),
                    default=["theorem4", "theorem1"], help="constructions to run")
    args = ap.parse_args(argv)
    if args.batch is not None and min(args.batch) < 1:
        raise UsageError("--batch sizes must be >= 1")
    if args.device == "cuda" and not torch.cuda.is_available():  # exit 2, before any run
        raise UsageError(f"--device cuda: no CUDA device is available here (torch "
                         f"{torch.__version__}); use --device cpu")
    torch.set_num_threads(1)
    print(json.dumps({"meta": {
        "command": " ".join(["python", "benchmarks/weights_bench.py", *(
            sys.argv[1:] if argv is None else argv)]),
        "git_commit": _git_commit(), "python": platform.python_version(),
        "torch": torch.__version__, "numpy": np.__version__, "cpus": os.cpu_count(),
        "loadavg_before": _loadavg()}}), flush=True)
    for kind in args.kinds:
        for n in args.sizes:
            if args.batch is not None:
                rows = [bench_batch(kind, n, b, args.device) for b in args.batch]
                for row in rows:
                    print(json.dumps(row), flush=True)
                if max(row["wall_s"] for row in rows) > args.budget:
                    break
                continue
            row = bench(kind, n, args.device)
            print(json.dumps(row), flush=True)
            if row["weights_run_s"] + row["compile_s"] > args.budget:
                break
    print(json.dumps({"loadavg_after": _loadavg()}), flush=True)
    return 0


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                                "simulators", "constructions", "benchmarks"], check=True,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return out + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _loadavg() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


if __name__ == "__main__":
    raise SystemExit(run_main(main))
