"""The PRAM constructions agree with the reference machine at the edges: narrow words, values
next to the word and token limits, every operator unguarded, programs that fault, and forced
concurrent writes of equal and of different values -- under all eight memory models.

"Agree" means the same output, or a fault of the same kind in the same PRAM step
(docs/pram-isa.md; :class:`simulators.testing.Outcome`). Every model is its own test case, so
the default profile covers all eight on every run (strategies from :mod:`simulators.testing`).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.testing import (
    MODELS,
    PramCase,
    conflict_cases,
    expected_conflict_cell,
    outcome,
    pram_cases,
)
from tests.rigor.agreement import check_agrees


def _examples(default: int) -> int:
    """``default`` under the fast profile; proportionally more under ``thorough``."""
    return max(default, settings().max_examples * default // 25)


@pytest.mark.parametrize("values", [[7, -3, 5], [100, 100]])
@pytest.mark.parametrize("model", MODELS)
def test_fixed_conflicts_agree_with_the_machine(model: str, values: list[int]) -> None:
    """All processors write ``values`` to B[0] in one step, every model: three different values
    (each rule picks a different one) and two equal ones (common allows them; their sum, 200,
    overflows the 8-bit word; two writers are already a conflict under EREW/CREW). A fixed,
    fast version of the random conflict check below."""
    from simulators.pram import compile_source, run

    body = ["  for i in 0 .. n - 1 pardo", "    B[0] := A[i]", "  end"]
    source = "\n".join(["program conflict", f"model {model}", "word 8", "input A[n]",
                        "output B[n]", "shared C[n]", "processors n", "time 20", "begin", *body,
                        "end", ""])
    prog = compile_source(source)
    inputs = {"A": values}
    want = outcome(lambda: run(prog, inputs), lambda r: r.output)
    cell = expected_conflict_cell(model, values, 8)
    assert (want.fault is None) == (cell is not None), want
    assert want.output is None or want.output["B"][0] == cell
    check_agrees(PramCase(source=source, program=prog, inputs=inputs, model=model, steps=0,
                          output=want.output, word_bits=8, outcome=want))


@pytest.mark.parametrize("model", ["EREW", "CREW"])
def test_fixed_concurrent_read_agrees_with_the_machine(model: str) -> None:
    """Both processors read A[0] in the same step: a read conflict under EREW only (two
    readers are already one)."""
    from simulators.pram import compile_source, run

    body = ["  for i in 0 .. n - 1 pardo", "    B[i] := A[0] + i", "  end"]
    source = "\n".join(["program reads", f"model {model}", "input A[n]", "output B[n]",
                        "shared C[n]", "processors n", "time 20", "begin", *body, "end", ""])
    prog = compile_source(source)
    inputs = {"A": [6, 1]}
    want = outcome(lambda: run(prog, inputs), lambda r: r.output)
    assert want.fault == ("read_conflict" if model == "EREW" else None), want
    check_agrees(PramCase(source=source, program=prog, inputs=inputs, model=model, steps=0,
                          output=want.output, outcome=want))


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=_examples(2))
@given(data=st.data())
def test_edge_programs_agree_with_the_machine(model: str, data: st.DataObject) -> None:
    check_agrees(data.draw(pram_cases(models=(model,), max_n=3, max_steps=30, edges=True)))


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=_examples(2))
@given(data=st.data())
def test_forced_conflicts_agree_with_the_machine(model: str, data: st.DataObject) -> None:
    check_agrees(data.draw(conflict_cases(models=(model,))))


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=_examples(10))
@given(data=st.data())
def test_machine_resolves_conflicts_as_documented(model: str, data: st.DataObject) -> None:
    """The reference machine itself follows the write-rule table of docs/pram-isa.md."""
    case = data.draw(conflict_cases(models=(model,)))
    lo, hi = case.meta["writers"]
    values = case.inputs["A"][lo:hi + 1]
    want = expected_conflict_cell(model, values, case.word_bits)
    if want is None:  # a combining rule can only overflow; the others forbid the conflict
        combining = model in ("CRCW-sum", "CRCW-min", "CRCW-max")
        assert case.outcome.fault == ("overflow" if combining else "write_conflict"), case.outcome
    else:
        assert case.outcome.fault is None, case.outcome
        assert case.output is not None and case.output["B"][case.meta["cell"]] == want


@pytest.mark.parametrize("extra", [0, 1])
@pytest.mark.parametrize("model", ["EREW", "CRCW-sum"])
def test_pardo_of_exactly_p_and_p_plus_one_processors(model: str, extra: int) -> None:
    """The processors bound P(n) at its edge: P processors run, P + 1 is a fault -- in the
    machine and in both constructions, in the same step."""
    from simulators.pram import compile_source, run

    body = [f"  for i in 0 .. n - 1 + {extra} pardo", "    B[i % n] := A[i % n] + 1", "  end"]
    source = "\n".join(["program edge", f"model {model}", "input A[n]", "output B[n]",
                        "shared C[n]", "processors n", "time 20", "begin", *body, "end", ""])
    prog = compile_source(source)
    inputs = {"A": [5, -7, 9]}
    want = outcome(lambda: run(prog, inputs), lambda r: r.output)
    assert (want.fault == "processors") == bool(extra), want
    case = PramCase(source=source, program=prog, inputs=inputs, model=model, steps=0,
                    output=want.output, outcome=want)
    check_agrees(case)
