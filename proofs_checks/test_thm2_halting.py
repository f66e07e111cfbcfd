"""Theorem 2, first half: every MDM run halts within its context length S.

An MDM step fills >= 1 mask and never rewrites a filled token, so a run from a canvas with K
masks takes at most K <= S steps. The engine must *enforce* this rather than rely on it: a
decision that fills nothing, touches a filled cell or writes the mask is an INVALID halt. The
checks give the engine a step limit far above S (10 S), so a run that did not halt by itself
would show up as STEP_LIMIT.

Policies: one-token-per-step encoder programs in random / leftmost / rightmost orders (the
adversarial case: the most steps an MDM can take), arbitrary random encoder programs lifted to
MDM policies, every fill rule of the engine (policy-chosen, top-k, threshold, random-k,
leftmost-k) on programs with a confidence output, and the Theorem 1 MDM.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constructions.masked_arm.cases import example_mdm_cases
from constructions.masked_arm.example_policies import (
    ORDERS,
    example_vocab,
    random_initial_canvas,
    random_mdm_program,
)
from proofs_checks.report import record
from simulators.encoder import Program, aggregate, ew, indices, mdm_policy, select, tokens
from simulators.processes import (
    HaltReason,
    LeftmostK,
    MDMDecision,
    PolicyChosen,
    RandomK,
    Threshold,
    TopK,
    run_mdm,
)
from simulators.testing.mdm_programs import lifted_mdm_cases

THEOREM = "Theorem 2"


def _run_and_check(policy, x0, vocab, label: str, fill_rule=None, rng=None):
    s = len(x0)
    masks = int(np.count_nonzero(x0 == vocab.mask_id))
    trace = run_mdm(policy, x0, vocab, fill_rule=fill_rule, max_steps=10 * s + 10, rng=rng)
    assert trace.halt == HaltReason.NO_MASKS, f"{label}: {trace.halt} {trace.message}"
    assert trace.num_steps <= masks <= s
    assert not (trace.final == vocab.mask_id).any()
    # irreversibility: every token filled at some step is never changed afterwards
    kept = x0 != vocab.mask_id
    assert np.array_equal(trace.final[kept], x0[kept])
    for before, after in zip(trace.canvases, trace.canvases[1:], strict=False):
        filled = before != vocab.mask_id
        assert np.array_equal(after[filled], before[filled])
    record(THEOREM, claim="halts within S steps", program=label, num_runs=1,
           max_steps_over_S=trace.num_steps / s, max_S=s)
    return trace


@given(example_mdm_cases(max_context=16))
def test_one_token_per_step_programs_halt_within_S(case):
    program, vocab, x0 = case
    trace = _run_and_check(mdm_policy(program), x0, vocab, "one token per step (random orders)")
    # one fill per step: the adversarial case takes exactly as many steps as there are masks
    assert trace.num_steps == np.count_nonzero(x0 == vocab.mask_id)


@given(lifted_mdm_cases(max_context=12))
def test_arbitrary_random_programs_halt_within_S(case):
    program, vocab, x0 = case
    _run_and_check(mdm_policy(program), x0, vocab, "random encoder programs (lifted)")


def _confidence_program(vocab, s: int, seed: int) -> Program:
    """token = a mix of features, confidence = a random per-position score mixed with the
    number of filled cells; fill = masked cells at or above the mean score (>= 1 of them)."""
    base = random_mdm_program(vocab, s, seed)
    tok, idx = tokens(0, vocab.mask_id), indices()
    is_mask = ew("eq", tok, vocab.mask_id)
    filled = aggregate(select(is_mask, 0, "=="), tok, "count", default=0)
    rng = np.random.default_rng(seed)
    score = ew("table", idx, table={i: int(v) for i, v in enumerate(rng.integers(0, 50, s))})
    conf = ew("add", score, ew("mul", filled, int(rng.integers(0, 3))))
    mean = aggregate(select(is_mask, 1, "=="), conf, "mean", default=0)
    fill = ew("and", is_mask, ew("ge", conf, mean))
    return Program({"token": base.outputs["token"], "fill": fill, "confidence": conf},
                   max_length=s)


RULES = {
    "policy-chosen": lambda: PolicyChosen(), "top-1": lambda: TopK(1), "top-3": lambda: TopK(3),
    "threshold": lambda: Threshold(40.0), "random-2": lambda: RandomK(2),
    "leftmost-1": lambda: LeftmostK(1), "leftmost-4": lambda: LeftmostK(4),
}


@given(st.integers(1, 24), st.integers(0, 2**31), st.sampled_from(sorted(RULES)))
def test_every_fill_rule_halts_within_S(s, seed, rule):
    vocab = example_vocab(3)
    x0 = random_initial_canvas(vocab, s, np.random.default_rng(seed), mask_fraction=0.8)
    policy = mdm_policy(_confidence_program(vocab, s, seed), confidence="confidence")
    trace = _run_and_check(policy, x0, vocab, f"fill rule {rule}", fill_rule=RULES[rule](),
                           rng=np.random.default_rng(seed))
    k = getattr(RULES[rule](), "k", None)
    if k is not None:  # a k-rule fills exactly min(k, masks left) per step
        assert trace.num_steps == math.ceil(np.count_nonzero(x0 == vocab.mask_id) / k)


@pytest.mark.parametrize("order", ORDERS)
def test_all_mask_canvas_takes_exactly_S_steps(order):
    vocab = example_vocab(2)
    s = 40
    x0 = np.full(s, vocab.mask_id, dtype=np.int64)
    trace = _run_and_check(mdm_policy(random_mdm_program(vocab, s, 5, order=order)), x0, vocab,
                           f"all masks, {order} order")
    assert trace.num_steps == s


# ---------------------------------------------------------------- the engine enforces the rules


class _Scripted:
    """A policy whose decision breaks a rule at step ``bad_step`` (else fills the leftmost mask)."""

    def __init__(self, mode: str, bad_step: int, mask: int) -> None:
        self.mode, self.bad_step, self.mask, self.calls = mode, bad_step, mask, 0

    def __call__(self, canvas, rng):
        self.calls += 1
        tokens_ = np.zeros_like(canvas)
        fill = np.zeros(canvas.shape, dtype=bool)
        masked = np.flatnonzero(canvas == self.mask)
        fill[masked[0]] = True
        if self.calls == self.bad_step:
            if self.mode == "nothing":
                fill[:] = False
            elif self.mode == "filled-cell":
                fill[np.flatnonzero(canvas != self.mask)[0]] = True
            elif self.mode == "mask-token":
                tokens_[:] = self.mask
        return MDMDecision(tokens=tokens_, fill=fill)

    def serial_cost(self, length: int) -> int:
        return length * length


@pytest.mark.parametrize("mode", ["nothing", "filled-cell", "mask-token"])
def test_a_decision_breaking_the_rules_is_rejected(mode):
    vocab = example_vocab(2)
    x0 = np.array([0, 2, 2, 2, 2, 2], dtype=np.int64)
    policy = _Scripted(mode, bad_step=3, mask=vocab.mask_id)
    trace = run_mdm(policy, x0, vocab, max_steps=100)
    assert trace.halt == HaltReason.INVALID
    assert trace.num_steps == 2 and "step 3" in trace.message
    # the rejected evaluation was still paid for: 3 evaluations of cost S^2
    assert trace.serial_cost == 3 * len(x0) ** 2
    record(THEOREM, claim="decisions that fill nothing / rewrite / write the mask are rejected",
           set_rejected=mode)
