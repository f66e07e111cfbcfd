"""Inputs for every example program, for the Theorem 4 checks (test_thm4_*.py).

``EXAMPLE_INPUTS[name](n, rng)`` returns ``(inputs, params)`` for ``examples/pram/<name>.pram`` at
size ``n``; the inputs are valid for the example's contract (a successor list for list ranking,
+-1 for Dyck-1, a modulus small enough for iterated squaring, ...).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

# The example inputs are defined once, beside the PRAM package (shared with the tests).
from simulators.pram.example_inputs import EXAMPLE_INPUTS as EXAMPLE_INPUTS
from simulators.pram.example_inputs import EXAMPLES_DIR as EXAMPLES_DIR
from simulators.pram.example_inputs import Inputs as Inputs

#: The examples whose running time is far beyond their memory (Theorem 4's separation), with
#: the sizes the default checks sweep (kept small: the AP-MDM takes 2T + 2 decoding steps).
LONG_RUNNING = {
    "binary_counter": (1, 2, 3),
    "iterated_squaring": (1, 2, 3, 4),
    "long_loop": (1, 2, 3),
    "sat_backtrack": (1,),
    "qbf": (1,),
}

#: The size each example is checked at by default (small: every check runs the AP-MDM).
DEFAULT_N = {"sat_backtrack": 1, "qbf": 1, "connected_components": 2, "binary_counter": 2,
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
