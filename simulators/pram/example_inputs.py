"""Valid inputs for every shipped example program (``examples/pram/<name>.pram``) at any size n.

``EXAMPLE_INPUTS[name](n, rng)`` returns ``(inputs, params)``; the inputs respect the example's
contract (a successor list for list ranking, +-1 for Dyck-1, a modulus small enough for iterated
squaring, ...). One definition shared by the PRAM tests (machine vs reference interpreter), the
construction checks and the benchmarks; a new example adds its entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "pram"

Inputs = tuple[dict[str, list[int]], dict[str, int]]


def _ints(rng: np.random.Generator, n: int, lo: int = -9, hi: int = 9) -> list[int]:
    return [int(v) for v in rng.integers(lo, hi + 1, size=n)]


def _list_ranking(n: int, rng: np.random.Generator) -> Inputs:
    order = rng.permutation(n)
    nxt = np.empty(n, dtype=np.int64)
    if n:
        nxt[order[:-1]] = order[1:]
        nxt[order[-1]] = order[-1]
    return {"next": nxt.tolist()}, {}


def _sat(n: int, rng: np.random.Generator) -> Inputs:
    m = max(1, n)
    lits = rng.integers(1, n + 1, size=(3, m)) * rng.choice([-1, 1], size=(3, m))
    return {"X": lits[0].tolist(), "Y": lits[1].tolist(), "Z": lits[2].tolist()}, {"n": n}


def _qbf(n: int, rng: np.random.Generator) -> Inputs:
    inputs, params = _sat(n, rng)  # the same 3-CNF matrix, plus a quantifier per variable
    return {"Q": _ints(rng, n, 0, 1), **inputs}, params


def _components(n: int, rng: np.random.Generator) -> Inputs:
    m = max(1, n)
    return {"U": _ints(rng, m, 0, n - 1), "V": _ints(rng, m, 0, n - 1)}, {"n": n}


EXAMPLE_INPUTS: dict[str, Callable[[int, np.random.Generator], Inputs]] = {
    "binary_counter": lambda n, rng: ({"B": _ints(rng, n, 0, 1)}, {}),
    "blelloch_scan": lambda n, rng: ({"A": _ints(rng, n)}, {}),
    "broadcast_erew": lambda n, rng: ({"x": _ints(rng, 1)}, {"n": n}),
    "connected_components": _components,
    "dyck1": lambda n, rng: ({"W": [int(v) for v in rng.choice([-1, 1], size=n)]}, {}),
    "iterated_squaring": lambda n, rng: ({"X": _ints(rng, 1, 2, 500),
                                          "Q": _ints(rng, 1, 2, 5792)}, {"n": n}),
    "list_ranking": _list_ranking,
    "long_loop": lambda n, rng: ({"A": _ints(rng, n, 0, 99)}, {}),
    "matvec": lambda n, rng: ({"M": _ints(rng, n * n), "x": _ints(rng, n)}, {}),
    "max_crcw": lambda n, rng: ({"A": _ints(rng, n)}, {}),
    "or_crcw": lambda n, rng: ({"X": _ints(rng, n, 0, 1)}, {}),
    "prefix_sum": lambda n, rng: ({"A": _ints(rng, n)}, {}),
    "qbf": _qbf,
    "sat_backtrack": _sat,
    "sort": lambda n, rng: ({"A": _ints(rng, n)}, {}),
    "sum": lambda n, rng: ({"A": _ints(rng, n)}, {}),
}


def example_names() -> list[str]:
    """Every example program shipped in examples/pram/."""
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.pram"))


def example_path(name: str) -> str:
    return str(EXAMPLES_DIR / f"{name}.pram")
