"""Theorem 2, second half: simulating an MDM serially costs O(S^3) (MDM(S) in PRAM(1, O~(S^3))).

The engine sums the policy's ``serial_cost(length)`` -- the scalar operations of one *dense*
evaluation of its encoder program -- over every evaluation. The claim: steps <= S and each
evaluation costs O(S^2), so the total is <= C * S^3 with a constant C of the program alone.

C is derived here from the program's cost report and its size, not from the accounting under
test: a dense attention head scores every (query, key) pair on each of its A atoms and then
reduces, <= (A + 1) S^2 operations; any other sequence is computed position-wise by at most the
widest MLP of the report (H hidden units), <= (H + 1) S operations. Hence per evaluation
``<= S^2 (heads (A + 1) + sequences (H + 1)) = C S^2`` for S >= 1, and per run ``<= C S^3``.
Conversely a dense evaluation must look at every pair for every head, so the cost is
``>= heads * S^2`` per step; with one token per step from an all-mask canvas that is
``>= heads * S^3``: the cubic bound is tight for these policies.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from constructions.masked_arm.example_policies import (
    DOUBLE_PRAM_SOURCE,
    ORDERS,
    example_vocab,
    random_mdm_program,
)
from proofs_checks.report import record
from simulators.encoder import Aggregate, Program, mdm_policy
from simulators.processes import HaltReason, MDMDecision, run_mdm
from simulators.testing.mdm_programs import lifted_mdm_cases

THEOREM = "Theorem 2"
SIZES = (4, 8, 16, 32, 64, 128)


def cubic_constant(program: Program) -> int:
    """C with serial cost per run <= C * S^3, from the program's cost report and size."""
    cost = program.cost()
    atoms = max((len(n.selector.predicates) for n in program.nodes if isinstance(n, Aggregate)),
                default=0)
    return cost.total_heads * (atoms + 1) + cost.sequences * (cost.mlp_hidden_width + 1)


def _check_run(program: Program, x0: np.ndarray, vocab, label: str) -> tuple[float, float]:
    s = len(x0)
    policy = mdm_policy(program)
    trace = run_mdm(policy, x0, vocab, max_steps=10 * s)
    assert trace.halt == HaltReason.NO_MASKS
    # the engine's accounting: one dense evaluation per step, each at the canvas length
    assert trace.serial_cost == trace.num_steps * policy.serial_cost(s)
    c = cubic_constant(program)
    heads = program.cost().total_heads
    assert trace.serial_cost <= c * s**3, f"{label}: {trace.serial_cost} > {c} * {s}^3"
    assert trace.serial_cost >= trace.num_steps * heads * s * s
    ratio = trace.serial_cost / s**3
    record(THEOREM, claim="serial cost <= C S^3 (C from the cost report)", program=label,
           num_cost_runs=1, max_S=s, max_cost_over_C_S3=ratio / c)
    return ratio, trace.serial_cost / (heads * s**3) if heads else 0.0


@pytest.mark.parametrize("order", ORDERS)
def test_cost_is_cubic_over_a_sweep_of_S_for_adversarial_policies(order):
    """One token per step from an all-mask canvas: S steps, each an O(S^2) evaluation."""
    vocab = example_vocab(3)
    ratios, tight = {}, {}
    for s in SIZES:
        program = random_mdm_program(vocab, s, 3, order=order)
        x0 = np.full(s, vocab.mask_id, dtype=np.int64)
        ratios[s], tight[s] = _check_run(program, x0, vocab, f"all masks, {order} order")
        assert tight[s] >= 1.0  # Omega(S^3): S steps, every head scores S^2 pairs
    # cost / S^3 stays bounded (it converges to the heads' share as S grows, never blows up)
    assert max(ratios.values()) <= 2 * ratios[SIZES[0]]
    record(THEOREM, **{f"cost_over_S3_{order}_by_n": {s: round(r, 2) for s, r in ratios.items()}})


@given(lifted_mdm_cases(max_context=12))
def test_cost_bound_for_arbitrary_random_programs(case):
    program, vocab, x0 = case
    _check_run(program, x0, vocab, "random encoder programs (lifted)")


def test_a_policy_without_a_cost_hook_is_not_accounted():
    vocab = example_vocab(2)

    def fill_leftmost(canvas, rng):
        fill = np.zeros(canvas.shape, dtype=bool)
        fill[np.flatnonzero(canvas == vocab.mask_id)[0]] = True
        return MDMDecision(tokens=np.zeros_like(canvas), fill=fill)

    trace = run_mdm(fill_leftmost, np.full(5, vocab.mask_id), vocab)
    assert trace.halt == HaltReason.NO_MASKS and trace.serial_cost is None




@pytest.mark.parametrize("one_token_per_step", [False, True])
def test_theorem1_mdm_cost_is_within_the_cubic_bound(one_token_per_step):
    from constructions import pram_mdm
    from simulators.pram import compile_source

    mdm = pram_mdm.build_pram_mdm(compile_source(DOUBLE_PRAM_SOURCE), {"A": [4, 9]},
                                  one_token_per_step=one_token_per_step)
    x0 = mdm.initial_canvas()
    s = len(x0)
    trace = run_mdm(mdm.policy, x0, mdm.vocab, max_steps=10 * s, record_canvases=False)
    assert trace.halt == HaltReason.NO_MASKS and trace.num_steps <= s
    c = cubic_constant(mdm.program)
    assert trace.serial_cost == trace.num_steps * mdm.program.serial_cost(s)
    assert trace.serial_cost <= c * s**3
    record(THEOREM, program="Theorem 1 MDM: double", num_cost_runs=1, max_S=s,
           max_cost_over_C_S3=trace.serial_cost / (c * s**3),
           max_steps_over_S=trace.num_steps / s)
