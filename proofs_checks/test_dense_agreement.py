"""The network checked is the network that runs (Theorem 1).

The Theorem 1 MDM runs with a *fast* policy: its encoder program evaluated only at the positions
that can be filled (the encoder's restricted mode). Its depth, heads and width are measured on
that program, so the decisions must be the program's own. Here:

* on every example program (small n) the fast policy's decision equals the full evaluation of
  the program at every position, at *every* decoding step: the same fill set, the same tokens;
* for every memory model, a random program is decoded once entirely by the full evaluation (the
  dense policy) and once by the fast one: the same canvas after every step;
* the network reads the run from the canvas, not from anywhere else: an MDM built for one input
  and decoded from another input's canvas outputs the machine's result for the other input, and
  on canvases no run produces (a register token changed) the fast policy still equals the full
  evaluation. A planted "shortcut" policy that replays the reference run fails both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructions.pram_mdm.construction import Theorem1
from constructions.pram_mdm.layout import F_REG0
from proofs_checks.report import record
from proofs_checks.thm4_examples import EXAMPLE_INPUTS, example_names, example_path
from simulators.pram import load_program, run
from simulators.processes import MDMDecision, Trace
from simulators.testing.pram_programs import MODELS, pram_cases

#: Size each example is checked at (n <= 3; smaller where the canvas is large). The two
#: search examples have S > 10^4 even at n = 1 and run in the slow suite.
DENSE_N = {"blelloch_scan": 1, "connected_components": 1, "matvec": 1, "binary_counter": 1,
           "dyck1": 2}
SLOW = {"qbf", "sat_backtrack"}


def assert_same_decision(fast: MDMDecision, full: MDMDecision, where: str) -> None:
    """Same fill set everywhere; same tokens wherever something is filled."""
    assert fast.fill is not None and full.fill is not None
    assert np.array_equal(fast.fill, full.fill), f"{where}: fill sets differ at " \
        f"{np.flatnonzero(fast.fill != full.fill)[:8]}"
    assert np.array_equal(fast.tokens[full.fill], full.tokens[full.fill]), \
        f"{where}: filled tokens differ"


def assert_every_step(thm: Theorem1, trace: Trace, fast_policy: Any | None = None) -> int:
    """The run's (fast) decisions against the full evaluation on each canvas of ``trace``."""
    full = thm.policy("dense")
    policy = fast_policy if fast_policy is not None else thm.policy("fast")
    for d, canvas in enumerate(trace.canvases[:-1]):
        assert_same_decision(policy(canvas, None), full(canvas, None), f"decoding step {d + 1}")
    return len(trace.canvases) - 1


def _example_params() -> list:
    return [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in example_names()]


@pytest.mark.parametrize("name", _example_params())
def test_fast_equals_full_evaluation_at_every_step_on_every_example(name: str) -> None:
    n = DENSE_N.get(name, 1 if name in SLOW else 2)
    inputs, params = EXAMPLE_INPUTS[name](n, np.random.default_rng(n))
    prog = load_program(example_path(name))
    thm = Theorem1.build(prog, inputs, params)
    report = thm.run(record_canvases=True)
    assert report.trace is not None
    steps = assert_every_step(thm, report.trace)
    assert report.output == run(prog, inputs, params).output
    record("Theorem 1", claim="fast policy == full evaluation at every step",
           set_dense_examples=name, num_dense_steps=steps)


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=1, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_one_full_dense_run_per_memory_model(model: str, data: st.DataObject) -> None:
    """The whole run decoded by the full evaluation equals the fast run, canvas by canvas."""
    case = data.draw(pram_cases(models=(model,), max_n=3, max_steps=24), label="case")
    thm = Theorem1.build(case.program, case.inputs)
    fast = thm.run(record_canvases=True)
    dense = thm.run(record_canvases=True, mode="dense")
    assert fast.trace is not None and dense.trace is not None
    assert len(fast.trace.canvases) == len(dense.trace.canvases)
    for d, (a, b) in enumerate(zip(fast.trace.canvases, dense.trace.canvases, strict=True)):
        assert np.array_equal(a, b), f"{model}: canvases differ after {d} decoding steps"
    assert dense.output == case.output
    record("Theorem 1", claim="one full dense run per memory model", set_dense_models=model)


# ----------------------------------------------------------------------------- shortcuts

PREFIX = example_path("prefix_sum")


@dataclass
class ReplayShortcut:
    """A planted "shortcut": the decisions of a reference run, looked up by how far the canvas
    is decoded (its number of masks) -- the canvases of that run are reproduced exactly, but no
    token value is read."""

    trace: Trace
    mask_id: int

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None
                 ) -> MDMDecision:
        left = int(np.count_nonzero(np.asarray(canvas) == self.mask_id))
        for before, decision in zip(self.trace.canvases, self.trace.decisions, strict=False):
            if int(np.count_nonzero(before == self.mask_id)) == left:
                return decision
        return self.trace.decisions[-1]


def check_reads_input_from_canvas(thm: Theorem1, policy: Any | None = None) -> None:
    """Decode the MDM built for one input from another input's canvas (same sizes): the
    output must be the machine's for the other input."""
    from constructions.pram_mdm.simulate import run_built
    from simulators.pram import bind

    other = {"A": [7, -3, 2, 9]}
    canvas = thm.mdm.initial_canvas(bind(thm.mdm.prog, other))
    res = run_built(thm.mdm, canvas, policy=policy)  # type: ignore[arg-type]
    assert res.output == run(thm.mdm.prog, other).output, "the output ignores the canvas"


def check_unreachable_canvases(thm: Theorem1, policy: Any | None = None) -> int:
    """Change one register token of the newest complete block (to another value of its range)
    on canvases of a run; the policy must still decide as the full program does."""
    report = thm.run(record_canvases=True)
    assert report.trace is not None
    lay = thm.mdm.layout
    full = thm.policy("dense")
    pol = policy if policy is not None else thm.policy("fast")
    checked = 0
    for d in range(1, min(len(report.trace.canvases) - 1, 12)):
        canvas = report.trace.canvases[d].copy()
        pos = lay.record_pos(d, 0, F_REG0)
        canvas[pos] = (int(canvas[pos]) + 5) % 50
        assert_same_decision(pol(canvas, None), full(canvas, None), f"perturbed step {d}")
        checked += 1
    return checked


def test_the_network_reads_the_canvas() -> None:
    thm = Theorem1.build(load_program(PREFIX), {"A": [1, 2, 3, 4]})
    check_reads_input_from_canvas(thm)
    record("Theorem 1", claim="decisions read from the canvas (perturbed canvases)",
           num_perturbed_canvases=check_unreachable_canvases(thm))


def test_a_planted_shortcut_is_caught() -> None:
    """A policy replaying the reference run passes a plain end-to-end comparison but not the
    checks above (so the suite kills a construction that stops using its network)."""
    thm = Theorem1.build(load_program(PREFIX), {"A": [1, 2, 3, 4]})
    genuine = thm.run(record_canvases=True)
    assert genuine.trace is not None

    def shortcut() -> ReplayShortcut:
        return ReplayShortcut(genuine.trace, thm.mdm.layout.mask_id)  # type: ignore[arg-type]

    from constructions.pram_mdm.simulate import run_built

    assert run_built(thm.mdm, policy=shortcut()).output == genuine.output  # looks right
    with pytest.raises(AssertionError):
        check_reads_input_from_canvas(thm, shortcut())
    with pytest.raises(AssertionError):
        check_unreachable_canvases(thm, shortcut())
