"""Theorem 3 as assertions: any-order generation adds no power at fixed tokens-per-step.

For every one-token-per-step MDM policy given as an encoder program, the Masked-ARM built by
``constructions.masked_arm`` (leftmost mask, one token per step, again an encoder program)

* ends with the MDM's final canvas (read-out region == MDM final canvas);
* is in lock-step with it: after j <= K steps the canvas rebuilt from its log is the MDM's canvas
  after j steps (K = masks of the MDM's initial canvas = MDM decoding steps);
* costs a constant extra depth (<= EXTRA_DEPTH_BOUND, independent of the program and of S), and
  extra context exactly K + S (K log cells + S read-out cells) in exactly K + S steps.

Cases: arbitrary random encoder programs (every predicate and mode) lifted to MDM policies,
content-dependent random programs in random / leftmost / rightmost orders, and the Theorem 1 MDM
(PRAM simulation) with its one-token-per-step fill option.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from constructions.masked_arm import EXTRA_DEPTH_BOUND, build_masked_arm
from constructions.masked_arm.cases import example_mdm_cases
from constructions.masked_arm.example_policies import (
    DOUBLE_PRAM_SOURCE,
    example_vocab,
    random_initial_canvas,
    random_mdm_program,
)
from constructions.masked_arm.simulate import Comparison, simulate
from proofs_checks.report import record
from simulators.pram import compile_source, load_program, run
from simulators.testing.mdm_programs import lifted_mdm_cases

THEOREM = "Theorem 3"


def _assert_theorem3(result: Comparison, label: str) -> None:
    s = result.summary()
    k = s["log_cells"]
    assert result.one_token_per_step, f"{label}: the MDM under test broke the precondition"
    assert result.same_final, f"{label}: final canvases differ: {s}"
    assert result.lockstep_ok, f"{label}: lock-step fails at step {result.first_lockstep_failure}"
    assert s["mdm_steps"] == k
    assert s["masked_arm_steps"] == k + s["context"]
    assert s["extra_context"] == k + s["context"]
    assert 0 < s["extra_depth"] <= EXTRA_DEPTH_BOUND
    record(THEOREM, program=label, num_runs=1, num_mdm_steps=s["mdm_steps"],
           max_context=s["context"], max_extra_depth=s["extra_depth"],
           min_extra_depth=s["extra_depth"],
           max_extra_context_over_S=s["extra_context"] / s["context"],
           max_marm_steps_over_K_plus_S=s["masked_arm_steps"]
           / (s["mdm_steps"] + s["context"]))


@given(lifted_mdm_cases())
def test_masked_arm_reproduces_arbitrary_random_mdm_programs(case):
    program, vocab, x0 = case
    _assert_theorem3(simulate(program, vocab, x0), "random encoder programs (lifted)")


@given(example_mdm_cases())
def test_masked_arm_reproduces_random_fill_orders(case):
    program, vocab, x0 = case
    _assert_theorem3(simulate(program, vocab, x0), "content-dependent random orders")


def test_extra_depth_is_one_constant_for_every_context():
    vocab = example_vocab(3)
    depth_by_n: dict[int, int] = {}
    for s in (2, 4, 16, 64, 256, 1024):
        machine = build_masked_arm(random_mdm_program(vocab, s, 11), vocab, s)
        depth_by_n[s] = machine.extra_depth()
    assert len(set(depth_by_n.values())) == 1, depth_by_n
    record(THEOREM, claim="extra depth independent of S", extra_depth_by_n=depth_by_n)


def test_larger_contexts_on_a_few_programs():
    vocab = example_vocab(4)
    for s, seed in ((48, 1), (64, 2)):
        program = random_mdm_program(vocab, s, seed, num_features=4)
        x0 = random_initial_canvas(vocab, s, np.random.default_rng(seed), mask_fraction=0.9)
        _assert_theorem3(simulate(program, vocab, x0), "content-dependent random orders")




def _theorem1_case(prog, inputs: dict[str, list[int]], label: str) -> None:
    from constructions import pram_mdm
    from constructions.pram_mdm.decode import decode_outputs

    mdm = pram_mdm.build_pram_mdm(prog, inputs, one_token_per_step=True)
    result = simulate(mdm.program, mdm.vocab, mdm.initial_canvas())
    _assert_theorem3(result, label)
    # and the Masked-ARM's read-out decodes to what the PRAM machine computes
    output = decode_outputs(prog, mdm.layout, result.masked_arm_final)
    assert output == run(prog, inputs).output


def test_theorem1_mdm_one_token_per_step_double():
    _theorem1_case(compile_source(DOUBLE_PRAM_SOURCE), {"A": [5]}, "Theorem 1 MDM: double")


@pytest.mark.slow
@pytest.mark.parametrize(("name", "inputs"), [
    ("prefix_sum", {"A": [3, 1]}), ("sum", {"A": [2, 7]}),
])
def test_theorem1_mdm_one_token_per_step_examples(name, inputs):
    prog = load_program(f"examples/pram/{name}.pram")
    _theorem1_case(prog, inputs, f"Theorem 1 MDM: {name}")
