"""Theorem 4's separation, measured: time >> space programs on the PRAM machine, the Theorem-1
MDM (context grows with T) and the Theorem-4 AP-MDM (canvas stays O(S + P)).

``python -m experiments.space_time_separation [--quick] [--out-json F] [--out-png F]``

For every long-running example (binary counter, iterated squaring, a long sequential loop,
backtracking #SAT, quantified Boolean formulas by backtracking) over a sweep of n it runs the
PRAM machine (T, memory cells S, processors P) and the AP-MDM (peak canvas, decoding steps),
and computes the Theorem-1 MDM's context from that construction's own layout
(``constructions.pram_mdm.make_layout``; the context is fixed from the declared T(n) before
decoding, so it is computed, not decoded -- decoding it would take T(n) steps over a canvas of
that size). Prints a Markdown table, writes docs/results/separation.json and
docs/separation.png. Deterministic (fixed seeds).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from constructions.pram_apmdm import run as apmdm_run
from constructions.pram_mdm import make_layout
from simulators.cli_support import ArgumentParser, run_main
from simulators.errors import UsageError
from simulators.pram import load_program
from simulators.pram import run as pram_run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "pram"
Inputs = tuple[dict[str, list[int]], dict[str, int]]


def _counter(n: int, rng: np.random.Generator) -> Inputs:
    return {"B": [0] * n}, {}


def _squaring(n: int, rng: np.random.Generator) -> Inputs:
    return {"X": [int(rng.integers(2, 500))], "Q": [5791]}, {"n": n}


def _loop(n: int, rng: np.random.Generator) -> Inputs:
    return {"A": [int(v) for v in rng.integers(0, 100, size=n)]}, {}


def _sat(n: int, rng: np.random.Generator) -> Inputs:
    m = n + 1
    lits = rng.integers(1, n + 1, size=(3, m)) * rng.choice([-1, 1], size=(3, m))
    return {"X": lits[0].tolist(), "Y": lits[1].tolist(), "Z": lits[2].tolist()}, {"n": n}


def _qbf(n: int, rng: np.random.Generator) -> Inputs:
    sat, params = _sat(n, rng)
    return {"Q": [int(v) for v in rng.integers(0, 2, size=n)], **sat}, params


SWEEPS: dict[str, tuple[Callable[[int, np.random.Generator], Inputs], tuple[int, ...],
                        tuple[int, ...]]] = {
    # name: (inputs, full sweep, --quick sweep)
    "binary_counter": (_counter, (1, 2, 3, 4, 5, 6, 7), (1, 2, 3, 4)),
    "iterated_squaring": (_squaring, (1, 2, 3, 4, 6, 8), (1, 2, 3, 4)),
    "long_loop": (_loop, (2, 4, 6, 8, 12, 16), (2, 4, 6)),
    "sat_backtrack": (_sat, (1, 2, 3, 4), (1, 2)),
    "qbf": (_qbf, (1, 2, 3, 4), (1, 2)),
}


def measure(name: str, n: int) -> dict[str, Any]:
    """One row: PRAM T, S, P; Theorem-1 context; Theorem-4 peak canvas and steps."""
    make_inputs = SWEEPS[name][0]
    prog = load_program(str(EXAMPLES / f"{name}.pram"))
    inputs, params = make_inputs(n, np.random.default_rng(1000 + n))
    m = pram_run(prog, inputs, params)
    t0 = time.perf_counter()
    r = apmdm_run(prog, inputs, params)
    seconds = time.perf_counter() - t0
    if r.output != m.output:  # the checks in proofs_checks/ assert this; never report a wrong run
        raise AssertionError(f"{name} n={n}: AP-MDM output differs from the PRAM machine")
    b = r.construction.binding
    thm1 = make_layout(prog, b.base, b.size, b.memory_size, b.processors_bound, b.time_bound,
                       max_context=1 << 50).S
    return {"program": name, "n": n, "T": m.steps, "S": m.memory_cells, "P": m.processors,
            "T_bound": b.time_bound, "thm1_context": thm1,
            "apmdm_peak_canvas": r.max_context_length,
            "apmdm_initial_canvas": r.initial_context_length,
            "apmdm_decoding_steps": r.decoding_steps, "apmdm_depth": r.depth,
            "apmdm_seconds": round(seconds, 3), "output": m.output}


def provenance() -> dict[str, object]:
    """Code version and library versions for the result file (inputs are seeded 1000 + n)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=20, check=True,
                                cwd=Path(__file__).resolve().parent.parent).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"git_commit": commit, "python": platform.python_version(),
            "numpy": np.__version__, "input_seeds": "numpy default_rng(1000 + n)"}


def markdown(rows: list[dict[str, Any]]) -> str:
    head = ("| program | n | PRAM T | memory S | P | Thm-1 MDM context | AP-MDM peak canvas "
            "| AP-MDM steps | Thm-1 / AP-MDM |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in rows:
        ratio = int(r["thm1_context"]) / int(r["apmdm_peak_canvas"])
        lines.append(f"| {r['program']} | {r['n']} | {r['T']} | {r['S']} | {r['P']} | "
                     f"{r['thm1_context']} | {r['apmdm_peak_canvas']} | "
                     f"{r['apmdm_decoding_steps']} | {ratio:.0f}x |")
    return "\n".join(lines)


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted({str(r["program"]) for r in rows})
    cols = 2
    nrows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(10, 4.0 * nrows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax in flat[len(names):]:
        ax.set_visible(False)
    for ax, name in zip(flat, names, strict=False):
        rs = [r for r in rows if r["program"] == name]
        x = [int(r["T"]) for r in rs]
        ax.loglog(x, [int(r["thm1_context"]) for r in rs], "o-", label="Thm-1 MDM context")
        ax.loglog(x, [int(r["apmdm_peak_canvas"]) for r in rs], "s-",
                  label="Thm-4 AP-MDM peak canvas")
        ax.loglog(x, [int(r["S"]) for r in rs], "^--", label="PRAM memory S")
        ax.loglog(x, x, ":", color="grey", label="T")
        ax.set_title(name)
        ax.set_xlabel("PRAM time T")
        # Short sweeps span less than a decade: minor tick labels would overlap, so label
        # only the decades and leave the minor ticks unlabelled.
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.grid(True, which="both", alpha=0.3)
        ax.set_ylabel("tokens")
    flat[0].legend(fontsize=8)
    fig.suptitle("Theorem 4: the AP-MDM's canvas follows the memory, the MDM's context the time")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m experiments.space_time_separation",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller sweep (seconds)")
    parser.add_argument("--only", choices=sorted(SWEEPS), action="append",
                        help="run only these examples (repeatable)")
    parser.add_argument("--out-json", default="docs/results/separation.json")
    parser.add_argument("--out-png", default="docs/separation.png")
    parser.add_argument("--replot", action="store_true",
                        help="only redraw the plot and table from an existing --out-json")
    args = parser.parse_args(argv)
    if args.replot:
        try:
            rows = json.loads(Path(args.out_json).read_text())["rows"]
        except (OSError, ValueError, KeyError) as err:
            raise UsageError(f"cannot read {args.out_json}: {err}") from None
        print(markdown(rows))
        plot(rows, Path(args.out_png))
        return 0
    names = args.only or sorted(SWEEPS)
    rows = []
    t0 = time.perf_counter()
    for name in names:
        _, full, quick = SWEEPS[name]
        for n in quick if args.quick else full:
            rows.append(measure(name, n))
            print(f"  {name} n={n}: T={rows[-1]['T']} ({rows[-1]['apmdm_seconds']} s)",
                  file=sys.stderr)
    table = markdown(rows)
    print(table)
    out_json, out_png = Path(args.out_json), Path(args.out_png)
    if out_json.suffix != ".json" or out_png.suffix != ".png":
        raise UsageError("--out-json must end in .json and --out-png in .png")
    out_json.parent.mkdir(parents=True, exist_ok=True)
    command = "python -m experiments.space_time_separation" + (" --quick" if args.quick else "")
    out_json.write_text(json.dumps({"command": command, "seconds": round(
        time.perf_counter() - t0, 1), "provenance": provenance(), "rows": rows},
        indent=1) + "\n")
    plot(rows, out_png)
    print(f"\nwrote {out_json} and {out_png}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
