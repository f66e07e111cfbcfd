"""The exported strategies reach the edges they promise (simulators.testing): each fault kind,
values at the word's extremes, every memory model, and conflicts of different values."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, find, settings

from simulators.testing import MODELS, PramCase, conflict_cases, pram_cases, word_range
from simulators.testing.pram_programs import BINARY_OPS

# Search only (no shrinking: the first hit is enough, and shrinking is what costs time).
_SEARCH = settings(max_examples=300, deadline=None, database=None, phases=[Phase.generate],
                   suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("kind", ["domain", "overflow", "out_of_bounds", "processors", None])
def test_edge_programs_reach_every_fault_kind(kind: str | None) -> None:
    case = find(pram_cases(max_n=3, max_steps=30, edges=True),
                lambda c: c.outcome.fault == kind, settings=_SEARCH)
    assert case.outcome.fault == kind
    assert (case.output is None) == (kind is not None)


def _has_extreme_input(c: PramCase) -> bool:
    lo, hi = word_range(c.word_bits)
    return any(v in (lo, hi) for v in c.inputs["A"])


def test_edge_programs_use_word_extremes_and_every_operator() -> None:
    case = find(pram_cases(max_n=3, max_steps=30, edges=True), _has_extreme_input,
                settings=_SEARCH)
    assert case.word_bits < 64 and f"word {case.word_bits}" in case.source
    assert {"^", "div", "mod", "//", "%"} <= set(BINARY_OPS)  # drawn like every other operator
    find(pram_cases(max_n=3, max_steps=30), lambda c: " ^ " in c.source, settings=_SEARCH)


@pytest.mark.parametrize("model", MODELS)
def test_conflicts_of_different_values_under_every_model(model: str) -> None:
    def different(c: PramCase) -> bool:
        lo, hi = c.meta["writers"]
        return len(set(c.inputs["A"][lo:hi + 1])) > 1

    case = find(conflict_cases(models=(model,)), different, settings=_SEARCH)
    assert case.model == model


def test_the_package_docstring_example_runs() -> None:
    import doctest

    import simulators.testing

    result = doctest.testmod(simulators.testing)
    assert result.attempted > 0 and result.failed == 0
