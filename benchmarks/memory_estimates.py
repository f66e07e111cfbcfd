"""Measure the bytes behind the memory estimates that refuse oversized runs before allocating.

* Theorem 1 (``constructions/pram_mdm/memory.py``): peak RSS of ``python -m constructions.pram_mdm
  run`` (a fresh process each, read with ``resource.getrusage(RUSAGE_CHILDREN)``) on the odd-even
  transposition sort at several n; the marginal bytes per canvas position between sizes.
* Dyck support (``constructions/dyck_apmdm/support.py``): tracemalloc peak of
  ``explore_support`` stopped at a fixed number of states, per state.
* Grammar enumeration (``simulators/grammars/enumeration.py``): tracemalloc peak per letter.

Writes ``docs/results/memory_estimates.json`` (with the command, commit and versions) and prints
a table. Usage: ``python benchmarks/memory_estimates.py [--sizes 20 40 60] [--states 40000]``.
The machine may be loaded; memory figures do not depend on load, timings do (not reported).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROGRAM = ROOT / "tests" / "robustness" / "programs" / "odd_even_sort.pram"


def theorem1(sizes: list[int]) -> dict:
    rows = []
    for n in sizes:
        values = ",".join(str((i * 7919) % 1000) for i in range(n))
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        proc = subprocess.run([sys.executable, "-m", "constructions.pram_mdm", "run", str(PROGRAM),
                               "--input", f"A={values}", "--json"], capture_output=True,
                              text=True, cwd=ROOT, check=True)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if peak_kb <= before:
            raise RuntimeError("sizes must increase (RUSAGE_CHILDREN keeps the maximum)")
        rows.append({"n": n, "S": json.loads(proc.stdout)["context_length"],
                     "peak_rss_bytes": peak_kb * 1024})
    marginal = [(b["peak_rss_bytes"] - a["peak_rss_bytes"]) / (b["S"] - a["S"])
                for a, b in zip(rows, rows[1:], strict=False)]
    return {"program": str(PROGRAM.relative_to(ROOT)), "runs": rows,
            "marginal_bytes_per_position": marginal}


def support(states: int) -> dict:
    from constructions.dyck_apmdm.process import DyckAPMDM
    from constructions.dyck_apmdm.support import explore_support
    from simulators.errors import LimitExceeded

    rows = []
    for k, length in ((2, 10), (3, 12), (2, 16)):
        tracemalloc.start()
        try:
            got = explore_support(DyckAPMDM(k, True, length), length, max_states=states)
            explored = got.graph.number_of_nodes()
        except LimitExceeded:
            explored = states
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append({"k": k, "max_length": length, "states": explored, "peak_bytes": peak,
                     "bytes_per_state": peak / explored})
    return {"runs": rows}


def enumeration() -> dict:
    from simulators.grammars.enumeration import enumerate_words

    rows = []
    for k, length, two in ((2, 12, True), (3, 10, True), (2, 16, False), (4, 10, True)):
        tracemalloc.start()
        words = enumerate_words(k, length, two_sided=two, max_words=10**9)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append({"k": k, "length": length, "two_sided": two, "words": int(words.shape[0]),
                     "peak_bytes": peak, "bytes_per_letter": peak / words.size})
    return {"runs": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 40, 60])
    parser.add_argument("--states", type=int, default=40_000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs/results/memory_estimates.json")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    result = {
        "command": "python benchmarks/memory_estimates.py " + " ".join(sys.argv[1:]),
        "git_commit": commit, "python": platform.python_version(), "numpy": np.__version__,
        "theorem1": theorem1(sorted(args.sizes)), "dyck_support": support(args.states),
        "grammar_enumeration": enumeration(),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    t1 = result["theorem1"]
    for r in t1["runs"]:
        mib = r["peak_rss_bytes"] / 2**20
        print(f"theorem1 n={r['n']:>4} S={r['S']:>9} peak RSS {mib:8.1f} MiB")
    marginal = [round(m) for m in t1["marginal_bytes_per_position"]]
    print("theorem1 marginal bytes/position:", marginal)
    for r in result["dyck_support"]["runs"]:
        print(f"support k={r['k']} L={r['max_length']}: {r['bytes_per_state']:.0f} bytes/state")
    for r in result["grammar_enumeration"]["runs"]:
        print(f"enumerate k={r['k']} n={r['length']}: {r['bytes_per_letter']:.1f} bytes/letter")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
