"""Hypothesis strategies and comparison helpers for testing PRAM implementations against the
reference machine (``pip install "powerful-ways[testing]"`` brings Hypothesis).

* :mod:`.pram_programs` -- random terminating ``.pram`` programs (every model, every operator);
  ``edges=True`` for narrow words, values at their edges and programs that fault.
* :mod:`.pram_conflicts` -- forced concurrent writes of equal or different values to one cell.
* :mod:`.edge_values` -- integers at word and token-range boundaries.
* :mod:`.faults` -- an :class:`Outcome` (output, or fault kind + step) to compare runs by.
* :mod:`.encoder_programs` -- random well-formed encoder programs and canvases for them.
* :mod:`.mdm_programs` -- random one-token-per-step MDM programs lifted from those.

>>> from hypothesis import given
>>> from simulators.testing import pram_cases
>>> @given(pram_cases(max_n=3, max_steps=40))
... def test_my_pram(case):
...     assert case.outcome.output == case.output
>>> test_my_pram()
"""

try:
    import hypothesis  # noqa: F401 - only to fail early with an install hint
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError("simulators.testing needs Hypothesis: pip install 'powerful-ways[testing]'"
                      ) from err

from simulators.testing.edge_values import NARROW_WORDS, edge_integers, edge_values, word_range
from simulators.testing.faults import FAULT_KINDS, Outcome, fault_kind, fault_step, outcome
from simulators.testing.pram_conflicts import conflict_cases, expected_conflict_cell
from simulators.testing.pram_programs import MODELS, PramCase, pram_cases, program_source

__all__ = [
    "FAULT_KINDS",
    "MODELS",
    "NARROW_WORDS",
    "Outcome",
    "PramCase",
    "conflict_cases",
    "edge_integers",
    "edge_values",
    "expected_conflict_cell",
    "fault_kind",
    "fault_step",
    "outcome",
    "pram_cases",
    "program_source",
    "word_range",
]
