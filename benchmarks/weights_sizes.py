"""Sizes of the compiled networks (simulators.weights) per construction, as functions of n, and
their closed forms where one exists.

``python benchmarks/weights_sizes.py [--budget SECONDS] [--only NAME ...] [--out PATH]``

For each construction of :mod:`constructions.size_catalogue` and size n: the canvas bound S the
network accepts, attention / MLP sublayers, total ReLU depth, heads (most in one attention
sublayer), d_model, widest ReLU layer, dense parameter count, and ``magnitude_bits``: the integer
bits of the largest magnitude any residual dimension may hold -- the precision the run needs
(:func:`simulators.weights.sizes.magnitude_bits`). Every number is read off a compiled network
(``CompiledNetwork.size()``); nothing is computed from a formula. The networks are non-uniform:
the weights depend on the program and on n.

Closed forms (:func:`simulators.weights.formulas.fit`): fitted on the sizes measured at n in
:data:`FIT` (powers of two and three times them), then checked at the sizes measured at n in
:data:`CHECK` (five and seven times powers of two), which the fit never saw; a fit that differs
at any of them is reported as rejected, never claimed. tests/weights/test_size_formulas.py
checks the claimed ones again at further n. A construction's larger sizes are skipped once
compiling one took more than ``--budget`` seconds.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sympy  # noqa: E402
import torch  # noqa: E402

from constructions.size_catalogue import CONSTRUCTIONS, MAX_N, program  # noqa: E402
from simulators.cli_support import ArgumentParser, run_main  # noqa: E402
from simulators.errors import UsageError  # noqa: E402
from simulators.weights import compile_program  # noqa: E402
from simulators.weights.formulas import (  # noqa: E402
    BASIS,
    MAX_TERMS,
    MIN_SPARE,
    canvas_terms,
    fit,
    value,
)
from simulators.weights.sizes import magnitude_bits  # noqa: E402

#: The table's sizes (the issue's n = 4 ... 1024).
TABLE = (4, 8, 16, 32, 64, 128, 256, 512, 1024)
#: Sizes the formulas are fitted on: the table's and three times powers of two.
FIT = tuple(sorted(set(TABLE) | {3 * 2**k for k in range(1, 11)} | {2048, 4096}))
#: Sizes measured only to check the fitted formulas (never used to fit them).
CHECK = tuple(sorted({5 * 2**k for k in range(0, 10)} | {7 * 2**k for k in range(0, 10)}))
KEYS = ("attention_layers", "mlp_layers", "relu_depth", "heads", "d_model", "max_hidden_width",
        "parameters")
#: What gets a formula: the canvas bound, the sizes, the precision.
FORMULA_KEYS = ("S", *KEYS, "magnitude_bits")
#: Source files whose uncommitted edits would change the sizes (recorded in the meta).
SOURCES = ("simulators/weights", "simulators/encoder", "constructions")


def measure(name: str, n: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    prog = program(name, n)
    net = compile_program(prog)
    secs = time.perf_counter() - t0
    size = net.size()
    return {"construction": name, "n": n, "S": prog.max_length,
            **{k: int(size[k]) for k in KEYS}, "magnitude_bits": magnitude_bits(net),
            "role": "table" if n in TABLE else ("fit" if n in FIT else "check"),
            "compile_seconds": round(secs, 2)}


def formulas(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per key: the fitted formula and where it was checked, or why none is claimed."""
    out: dict[str, dict[str, Any]] = {}
    fit_rows = [r for r in rows if r["n"] in FIT]
    check_rows = [r for r in rows if r["n"] in CHECK]
    basis: tuple = BASIS
    for key in FORMULA_KEYS:
        f = fit({r["n"]: r[key] for r in fit_rows}, basis)
        if len(fit_rows) < 1 + MIN_SPARE:
            out[key] = {"formula": None, "why": f"too few sizes measured ({len(fit_rows)} "
                        "fit sizes) to claim a formula"}
            continue
        if f is None:
            out[key] = {"formula": None, "why": "no closed form found: no combination of at "
                        f"most {MAX_TERMS} terms matches at least terms + {MIN_SPARE} of the "
                        "largest measured n"}
            continue
        checked = [r["n"] for r in check_rows if r["n"] >= f.n_from]
        bad = [r["n"] for r in check_rows if r["n"] >= f.n_from and value(f.expr, r["n"]) != r[key]]
        entry = {"formula": f.text(), "n_from": f.n_from, "n_to": f.n_to,
                 "fit_points": f.points, "checked_at": checked}
        if bad:
            entry = {"formula": None, "rejected": f.text(), "n_from": f.n_from,
                     "why": f"the fit {f.text()} (n >= {f.n_from}) differs from the measured "
                            f"size at check n = {', '.join(map(str, bad))}"}
        elif not checked:
            entry = {"formula": None, "rejected": f.text(), "n_from": f.n_from,
                     "why": f"the fit {f.text()} (n >= {f.n_from}) has no check size in range"}
        out[key] = entry
        if key == "S" and entry["formula"] is not None and f.n_from == min(FIT):
            basis = BASIS + canvas_terms(f.expr)  # the sizes may grow with S's digits
    return out


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT).stdout


def _cell(v: Any) -> str:
    return f"{v:,}" if isinstance(v, int) else str(v)


def markdown(meta: dict[str, Any], rows: list[dict[str, Any]],
             forms: dict[str, dict[str, dict[str, Any]]]) -> str:
    head = ["construction", "n", "S", *KEYS, "magnitude_bits"]
    lines = [f"<!-- generated by: {meta['command']} (commit {meta['commit'][:10]}) -->",
             "# Compiled network sizes", "",
             f"Regenerate: `{meta['command']}` (commit {meta['commit'][:10]}, python "
             f"{meta['python']}, torch {meta['torch']}; every number read off a compiled "
             "network). The networks are **non-uniform**: the weights depend on the program and "
             "on n (canvas bound S, value ranges). `magnitude_bits` is the precision a run needs: "
             "the integer bits of the largest value any residual dimension may hold (the paper's "
             "log-precision assumption made concrete); a float format holds every such value "
             "exactly only if its significand has at least that many bits (float64: 53, "
             "float32: 24, bfloat16: 8; measured exactness per dtype: weights_precision.md).", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(r[k]) for k in head) + " |"
              for r in rows if r["role"] == "table"]
    terms = ", ".join(str(b) for b in BASIS)
    lines += ["", "## Closed forms", "",
              f"Fitted exactly (rational coefficients, at most {MAX_TERMS} of the terms {terms}; "
              "`bitlen(x)` = floor(log2 x) + 1, so `bitlen(n - 1)` = ceil(log2 n); once the canvas "
              "bound S has a formula at every n, also `bitlen(S - 1)` and `bitlen((S - 1)**2)`: "
              "the digits of a position and of its squared feature) on the sizes "
              f"measured at n in {{{', '.join(map(str, FIT))}}}, over the widest range n >= n0 "
              f"with at least {MIN_SPARE} more points than terms; then checked at the sizes "
              f"measured at n in {{{', '.join(map(str, CHECK))}}} (not used to fit). Only "
              "formulas equal to every measured size in their range are claimed; "
              "tests/weights/test_size_formulas.py compiles further n and checks them again. "
              "These are fits to the compiler's output, not derivations from its structure.", ""]
    for name, per_key in forms.items():
        lines += [f"### {name}", "", "| size | formula | holds at every measured n in | "
                  "checked at (not fitted) |", "|---|---|---|---|"]
        for key, e in per_key.items():
            if e["formula"] is None:
                lines.append(f"| {key} | none claimed | -- | {e['why']} |")
            else:
                lines.append(f"| {key} | `{e['formula']}` | {e['n_from']} .. {e['n_to']} "
                             f"({e['fit_points']} fitted) | "
                             f"{', '.join(map(str, e['checked_at']))} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--only", nargs="+", default=None, metavar="NAME",
                    help=f"constructions to measure (default all: {'; '.join(CONSTRUCTIONS)})")
    ap.add_argument("--out", default=str(ROOT / "docs" / "results" / "weights_sizes"))
    args = ap.parse_args(argv)
    names = args.only or list(CONSTRUCTIONS)
    for name in names:
        if name not in CONSTRUCTIONS:
            raise UsageError(f"unknown construction {name!r}; one of {', '.join(CONSTRUCTIONS)}")
    torch.set_num_threads(1)
    rows: list[dict[str, Any]] = []
    forms: dict[str, dict[str, Any]] = {}
    for name in names:
        mine = []
        for n in sorted(set(FIT) | set(CHECK)):
            if n > MAX_N.get(name, n):
                break
            mine.append(measure(name, n))
            print(json.dumps(mine[-1]), flush=True)
            if mine[-1]["compile_seconds"] > args.budget:
                break
        rows += mine
        forms[name] = formulas(mine)
        print(json.dumps({name: forms[name]}), flush=True)
    dirty = _git("status", "--porcelain", "--", *SOURCES).splitlines()
    diff = _git("diff", "HEAD", "--", *SOURCES)
    meta = {"command": "python benchmarks/weights_sizes.py " + " ".join(argv or sys.argv[1:]),
            "commit": _git("rev-parse", "HEAD").strip(), "python": platform.python_version(),
            "torch": torch.__version__, "sympy": sympy.__version__,
            "uncommitted_sources": dirty,
            "uncommitted_diff_sha256": hashlib.sha256(diff.encode()).hexdigest() if diff else None,
            "note": "compile seconds measured on a shared, loaded 2-core machine"}
    data = {"meta": meta, "fit_n": list(FIT), "check_n": list(CHECK), "rows": rows,
            "formulas": forms}
    Path(args.out + ".json").write_text(json.dumps(data, indent=1) + "\n")
    Path(args.out + ".md").write_text(markdown(meta, rows, forms) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
