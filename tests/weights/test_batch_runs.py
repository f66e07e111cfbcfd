"""Lock-step batches of independent weight-level runs (simulators/weights/batch.py): each run of a
batch is identical -- output, decoding steps, every canvas, halting -- to the same run alone at
weight level and to the interpreter's run; runs halt at different steps without disturbing the
others; the whole batch takes one network evaluation per decoding step; bad batches are refused
at the boundary."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from constructions.pram_apmdm.construction import Theorem4  # noqa: E402
from constructions.pram_mdm.construction import Theorem1  # noqa: E402
from constructions.value_width import weights_value_bits  # noqa: E402
from simulators.errors import RuntimeFault, UsageError  # noqa: E402
from simulators.pram import compile_source, load_program  # noqa: E402
from simulators.weights import batch as batch_mod  # noqa: E402

PREFIX_SUM = "examples/pram/prefix_sum.pram"
#: n = 4 inputs: mixed signs, all zero, alternating large negative / positive values.
INPUTS = [{"A": [3, -1, 4, 1]}, {"A": [0, 0, 0, 0]}, {"A": [-16, 15, -16, 15]}]
#: A loop of A[0] iterations: the decoding steps depend on the input's values, not its size.
COUNTDOWN = """program countdown
model EREW
input A[n]
output B[n]
processors 1
time 60
begin
  c := A[0]
  while c > 0 do
    c := c - 1
  end
  B[0] := c + A[1]
end
"""


def _same_run(got, want) -> None:  # noqa: ANN001
    """Two RunReports of one run: same output, steps, halting and every canvas."""
    assert got.output == want.output
    assert got.decoding_steps == want.decoding_steps
    assert got.halt == want.halt
    assert got.extra == want.extra
    assert len(got.trace.canvases) == len(want.trace.canvases)
    for a, b in zip(got.trace.canvases, want.trace.canvases, strict=True):
        assert np.array_equal(a, b)


def _theorem1_alone(prog, inputs_list):  # noqa: ANN001, ANN202
    """Each input built alone at the batch's value width (the widest any input needs)."""
    vb = max(weights_value_bits(prog, inputs) for inputs in inputs_list)
    return [Theorem1.build(prog, inputs, value_bits=vb) for inputs in inputs_list]


def test_theorem1_batch_equals_interpreter_and_single_weight_runs():
    prog = load_program(PREFIX_SUM)
    got = Theorem1.run_batch(prog, INPUTS, record_canvases=True)
    assert [r.output["A"] for r in got] == [[3, 2, 6, 7], [0, 0, 0, 0], [-16, -1, -17, -2]]
    alone = _theorem1_alone(prog, INPUTS)
    for thm, r in zip(alone, got, strict=True):
        assert r.backend == "weights" and r.network["d_model"] > 0
        _same_run(r, thm.run(record_canvases=True))
    # the batch's third run against the same run alone at weight level (the others equal the
    # interpreter's, which equals the single weight-level run: test_constructions.py)
    _same_run(got[2], alone[2].run(record_canvases=True, backend="weights"))


def test_batch_of_one_equals_the_single_weight_level_run():
    prog = load_program(PREFIX_SUM)
    inputs = [{"A": [-5, 9]}]  # n = 2: S = 405, the smallest canvas (a fast test)
    (got,) = Theorem1.run_batch(prog, inputs, record_canvases=True)
    (thm,) = _theorem1_alone(prog, inputs)
    _same_run(got, thm.run(record_canvases=True, backend="weights"))


def test_runs_halting_at_different_steps_take_one_evaluation_per_step(monkeypatch):
    prog = compile_source(COUNTDOWN)
    inputs = [{"A": [0, 1]}, {"A": [4, -2]}, {"A": [1, 5]}, {"A": [2, 0]}]
    calls: list[int] = []
    real = batch_mod.BatchEvaluation.evaluate

    def counting(self, requests):  # noqa: ANN001, ANN202
        calls.append(len(requests))
        return real(self, requests)

    monkeypatch.setattr(batch_mod.BatchEvaluation, "evaluate", counting)
    got = Theorem1.run_batch(prog, inputs, record_canvases=True)
    steps = [r.decoding_steps for r in got]
    assert len(set(steps)) == len(steps)  # every run halts at its own step
    for thm, r in zip(_theorem1_alone(prog, inputs), got, strict=True):
        _same_run(r, thm.run(record_canvases=True))
    # lock step: one evaluation per decoding step of the longest run, holding at step t every
    # run that has not yet halted by then
    assert len(calls) == max(steps)
    assert calls == [sum(s > t for s in steps) for t in range(max(steps))]


def test_a_faulting_run_raises_its_own_error_after_the_others_end():
    # A[0] addresses A itself: 0..n-1 reads fine, anything else faults (out of bounds)
    prog = compile_source(COUNTDOWN.replace("c := A[0]", "c := A[A[0]]"))
    inputs = [{"A": [1, 0]}, {"A": [7, 0]}]
    with pytest.raises(RuntimeFault) as batch_err:
        Theorem1.run_batch(prog, inputs)
    with pytest.raises(RuntimeFault) as alone_err:
        _theorem1_alone(prog, inputs)[1].run()
    assert str(batch_err.value) == str(alone_err.value)


def test_theorem4_batch_equals_interpreter():
    prog = load_program(PREFIX_SUM)
    got = Theorem4.run_batch(prog, INPUTS, record_canvases=True)
    for inputs, r in zip(INPUTS, got, strict=True):
        _same_run(r, Theorem4.build(prog, inputs).run(record_canvases=True))


@pytest.mark.parametrize("inputs", [[], [{"A": [1, 2, 3, 4]}, {"A": [1, 2, 3]}]])
@pytest.mark.parametrize("cls", [Theorem1, Theorem4])
def test_batches_that_cannot_share_one_network_are_refused(cls, inputs):  # noqa: ANN001
    with pytest.raises(UsageError):
        cls.run_batch(load_program(PREFIX_SUM), inputs)


def test_a_value_outside_the_token_range_is_refused():
    prog = load_program(PREFIX_SUM)
    with pytest.raises(UsageError, match="does not fit"):
        Theorem1.run_batch(prog, [{"A": [1, 2, 3, 4]}, {"A": [1, 2, 3, 5000]}], value_bits=12)
    with pytest.raises(UsageError, match="does not fit"):
        Theorem4.run_batch(prog, [{"A": [1, 2, 3, 4]}, {"A": [1, 2, 3, 5000]}], value_bits=12)


def test_theorem5_batch_of_seeds_equals_each_seed_alone():
    """Dyck-2 samples: canvases grow apart (one dense forward per length per step) and each
    sample draws from its own generator exactly as alone, at weight level and interpreted."""
    from constructions.dyck_apmdm.construction import Theorem5
    from constructions.dyck_apmdm.process import DyckAPMDM

    thm = Theorem5(DyckAPMDM(2, target_length=10))
    seeds = [0, 1, 2, 3, 4]
    got = thm.run_batch([np.random.default_rng(s) for s in seeds], record_canvases=True)
    assert len({r.decoding_steps for r in got}) > 1  # they halt at different steps
    assert any(len({len(r.trace.canvases[t]) for r in got if t < len(r.trace.canvases)}) > 1
               for t in range(max(r.decoding_steps for r in got)))  # lengths apart at a step
    for s, r in zip(seeds, got, strict=True):
        _same_run(r, thm.run(record_canvases=True, rng=np.random.default_rng(s)))
    _same_run(got[0], thm.run(record_canvases=True, rng=np.random.default_rng(seeds[0]),
                              backend="weights"))


def test_parity_batch_equals_each_string_alone():
    """Bit strings of one length: canvases shrink apart (deletions depend on the bits)."""
    from constructions.parity_apmdm.construction import Parity

    bits_list = [[1, 0, 1, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1],
                 [0, 1, 1, 0, 1, 0, 0]]
    got = Parity.run_batch(bits_list, record_canvases=True)
    assert [r.output for r in got] == [0, 0, 1, 1]
    assert len({len(r.trace.canvases[2]) for r in got}) > 1  # lengths apart at step 2
    for bits, r in zip(bits_list, got, strict=True):
        _same_run(r, Parity.from_bits(bits).run(record_canvases=True, backend="weights"))
    with pytest.raises(UsageError, match="same length"):
        Parity.run_batch([[1, 0], [1, 0, 1]])
