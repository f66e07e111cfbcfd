"""The network that is measured is the network that decides, and nothing else decides.

Two checks for the PRAM constructions (Theorem 1 MDM, Theorem 4 AP-MDM):

* **decisions come from the program**: every call of the encoder program's ``evaluate`` is
  recorded; each step's decision must equal the outputs of the evaluation made on that step's
  canvas by the construction's own (measured) ``program`` -- a policy that patches, overrides or
  replaces the network's outputs with anything else fails here;
* **the reference machine never runs**: with the machine's and the reference interpreter's
  execution entry points made to raise, both constructions still run (parsing, compiling and
  binding are allowed; executing the program is the network's job).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from constructions.pram_apmdm import build as apmdm_build
from constructions.pram_apmdm.simulate import run_built as apmdm_run_built
from constructions.pram_mdm import build_pram_mdm, run_built
from simulators.encoder.program import Program
from simulators.pram import load_program, machine, reference
from simulators.pram import run as machine_run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "pram"
CASES = [("prefix_sum", {"A": [3, -1, 4, 1, 5]}), ("sum", {"A": [2, 7, 1, 8]})]


class Spy:
    """Records (program, canvas, positions, outputs) of every ``Program.evaluate`` call."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[Program, np.ndarray, Any, dict[str, np.ndarray]]] = []
        original = Program.evaluate

        def evaluate(program: Program, canvas: Any, *args: Any, **kw: Any) -> Any:
            out = original(program, canvas, *args, **kw)
            self.calls.append((program, np.array(canvas, copy=True), kw.get("positions"),
                               {k: np.array(v, copy=True) for k, v in out.items()}))
            return out

        monkeypatch.setattr(Program, "evaluate", evaluate)

    def on(self, canvas: np.ndarray) -> Iterator[tuple[Program, Any, dict[str, np.ndarray]]]:
        for program, seen, pos, out in self.calls:
            if seen.shape == canvas.shape and np.array_equal(seen, canvas):
                yield program, pos, out


@pytest.mark.parametrize(("name", "inputs"), CASES)
def test_theorem1_decisions_are_the_measured_programs_outputs(
        monkeypatch: pytest.MonkeyPatch, name: str, inputs: dict[str, list[int]]) -> None:
    prog = load_program(str(EXAMPLES / f"{name}.pram"))
    mdm = build_pram_mdm(prog, inputs)
    spy = Spy(monkeypatch)
    res = run_built(mdm, record_canvases=True)
    assert res.output == machine_run(prog, inputs).output
    trace = res.trace
    assert trace.num_steps == len(trace.decisions) > 1
    for t, (canvas, decision) in enumerate(zip(trace.canvases, trace.decisions, strict=False)):
        evals = list(spy.on(canvas))
        assert evals, f"step {t}: the program was never evaluated on this canvas"
        program, pos, out = evals[-1]
        assert program is mdm.program, f"step {t}: a program other than the measured one ran"
        pos = np.arange(canvas.shape[0]) if pos is None else np.asarray(pos)
        fill = np.asarray(decision.fill, dtype=bool)
        assert np.array_equal(fill[pos], np.asarray(out["fill"]).astype(bool)), f"step {t}"
        outside = np.ones(canvas.shape[0], dtype=bool)
        outside[pos] = False
        assert not fill[outside].any(), f"step {t}: a position the network never saw was filled"
        chosen = fill[pos]
        assert np.array_equal(np.asarray(decision.tokens)[pos][chosen],
                              np.asarray(out["token"])[chosen]), f"step {t}: tokens differ"


@pytest.mark.parametrize(("name", "inputs"), CASES)
def test_theorem4_decisions_are_the_measured_programs_outputs(
        monkeypatch: pytest.MonkeyPatch, name: str, inputs: dict[str, list[int]]) -> None:
    prog = load_program(str(EXAMPLES / f"{name}.pram"))
    c = apmdm_build(prog, inputs)
    spy = Spy(monkeypatch)
    res = apmdm_run_built(c, trace=True)
    assert res.output == machine_run(prog, inputs).output
    trace = res.trace
    assert trace.num_steps == len(trace.decisions) > 1
    for t, (canvas, decision) in enumerate(zip(trace.canvases, trace.decisions, strict=False)):
        evals = list(spy.on(canvas))
        assert evals, f"step {t}: the program was never evaluated on this canvas"
        program, pos, out = evals[-1]
        assert program is c.step.program, f"step {t}: a program other than the measured one ran"
        assert pos is None
        for bit in ("remask", "insert", "delete"):
            assert np.array_equal(np.asarray(getattr(decision, bit), dtype=bool),
                                  np.asarray(out[bit]).astype(bool)), f"step {t}: {bit}"
        assert np.array_equal(np.asarray(decision.y), np.asarray(out["y"])), f"step {t}: y"


def _forbid(*_: Any, **__: Any) -> Any:
    raise AssertionError("a construction executed the reference machine")


@pytest.mark.parametrize(("name", "inputs"), CASES[:1])
def test_constructions_never_execute_the_reference_machine(
        monkeypatch: pytest.MonkeyPatch, name: str, inputs: dict[str, list[int]]) -> None:
    prog = load_program(str(EXAMPLES / f"{name}.pram"))
    want = machine_run(prog, inputs).output  # before the guard
    monkeypatch.setattr(machine._Machine, "run", _forbid)
    monkeypatch.setattr(machine._Machine, "step", _forbid)
    monkeypatch.setattr(reference, "run_reference", _forbid)
    with pytest.raises(AssertionError, match="executed the reference"):
        machine_run(prog, inputs)  # the guard works
    assert run_built(build_pram_mdm(prog, inputs)).output == want
    assert apmdm_run_built(apmdm_build(prog, inputs)).output == want
