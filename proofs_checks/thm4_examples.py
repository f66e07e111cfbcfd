"""Inputs for every example program, for the Theorem 4 checks (test_thm4_*.py).

``EXAMPLE_INPUTS[name](n, rng)`` returns ``(inputs, params)`` for ``examples/pram/<name>.pram`` at
size ``n``; the inputs are valid for the example's contract (a successor list for list ranking,
+-1 for Dyck-1, a modulus small enough for iterated squaring, ...).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples" / "pram"

Inputs = tuple[dict[str, list[int]], dict[str, int]]


def _ints(rng: np.random.Generator, n: int, lo: int = -9, hi: int = 9) -> list[int]:
    return [int(v) for v in rng.integers(lo, hi + 1, size=n)]


def _list_ranking(n: int, rng: np.random.Generator) -> Inputs:
    order = rng.permutation(n)
    nxt = np.empty(n, dtype=np.int64)
    nxt[order[:-1]] = order[1:]
    nxt[order[-1]] = order[-1]
    return {"next": nxt.tolist()}, {}


def _sat(n: int, rng: np.random.Generator) -> Inputs:
    m = max(1, n)
    lits = rng.integers(1, n + 1, size=(3, m)) * rng.choice([-1, 1], size=(3, m))
    return {"X": lits[0].tolist(), "Y": lits[1].tolist(), "Z": lits[2].tolist()}, {"n": n}


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
    "sat_backtrack": _sat,
    "sort": lambda n, rng: ({"A": _ints(rng, n)}, {}),
    "sum": lambda n, rng: ({"A": _ints(rng, n)}, {}),
}

#: The examples whose running time is far beyond their memory (Theorem 4's separation), with
#: the sizes the default checks sweep (kept small: the AP-MDM takes 2T + 2 decoding steps).
LONG_RUNNING = {
    "binary_counter": (1, 2, 3),
    "iterated_squaring": (1, 2, 3, 4),
    "long_loop": (1, 2, 3),
    "sat_backtrack": (1,),
}

#: The size each example is checked at by default (small: every check runs the AP-MDM).
DEFAULT_N = {"sat_backtrack": 1, "connected_components": 2, "binary_counter": 2,
             "iterated_squaring": 2, "long_loop": 2, "dyck1": 3}


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.pram"))


def example_path(name: str) -> str:
    return str(EXAMPLES_DIR / f"{name}.pram")


@functools.lru_cache(maxsize=64)
def example_run(name: str, n: int, lockstep: bool) -> tuple[Any, Any]:
    """``(AP-MDM run, PRAM machine run)`` of an example at size ``n`` (seeded inputs), cached
    so that the Theorem 4 checks share runs instead of repeating them."""
    from constructions.pram_apmdm import run as apmdm_run
    from simulators.pram import load_program
    from simulators.pram import run as pram_run

    prog = load_program(example_path(name))
    inputs, params = EXAMPLE_INPUTS[name](n, np.random.default_rng(1000 + n))
    return (apmdm_run(prog, inputs, params, trace=lockstep),
            pram_run(prog, inputs, params, trace=lockstep))
