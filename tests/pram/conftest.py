"""Shared helpers for the PRAM tests: the examples, loaded once."""

from __future__ import annotations

import functools
from pathlib import Path

from simulators.pram import CompiledProgram, load_program

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "pram"


@functools.cache
def example(name: str) -> CompiledProgram:
    """A compiled example program from examples/pram/."""
    return load_program(str(EXAMPLES / f"{name}.pram"))
