"""Lock-step runners end every canvas exactly as the engines do; the table evaluator is exact."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from constructions.parity_apmdm import PARITY_VOCAB, ParityPolicy, parity_canvas
from simulators.learned.batched import run_apmdm_batched, run_arm_batched, run_mdm_batched
from simulators.learned.local_eval import LocalTableAPMDMPolicy
from simulators.learned.policies import LearnedAPMDMPolicy, LearnedARMPolicy, LearnedMDMPolicy
from simulators.learned.train import build_model
from simulators.processes import Threshold, TopK, Vocab, run_apmdm, run_arm, run_mdm
from tests.learned.helpers import random_canvases, recipe_config


def _same(outs, traces) -> None:  # type: ignore[no-untyped-def]
    for o, t in zip(outs, traces, strict=True):
        assert o.halt == t.halt, (o.halt, t.halt, t.message)
        assert o.num_steps == t.num_steps
        assert np.array_equal(o.final, t.final)
        assert o.peak_length == t.peak_length


def test_construction_batched_equals_engine() -> None:
    rng = np.random.default_rng(0)
    canvases = [parity_canvas(rng.integers(0, 2, int(n))) for n in rng.integers(0, 30, 20)]
    outs = run_apmdm_batched(ParityPolicy(), canvases, PARITY_VOCAB, max_steps=100)
    _same(outs, [run_apmdm(ParityPolicy(), c, PARITY_VOCAB, max_steps=100) for c in canvases])


@pytest.mark.parametrize("seed", [0, 1])
def test_untrained_network_batched_equals_engine(seed: int) -> None:
    """Random weights insert, delete and loop: every halting reason path is exercised."""
    model = build_model(recipe_config(attention="full", positions=("rotary",)), seed)
    with torch.no_grad():  # bias the control heads so inserts and remasks happen
        model.control_head.bias.copy_(torch.tensor([0.3, 0.2, 0.0]))
    pol = LearnedAPMDMPolicy(model, PARITY_VOCAB)
    canvases = random_canvases(np.random.default_rng(seed), 8, 1, 12)
    kw = dict(max_steps=9, max_length=20)
    outs = run_apmdm_batched(pol, canvases, PARITY_VOCAB, **kw)
    _same(outs, [run_apmdm(pol, c, PARITY_VOCAB, **kw) for c in canvases])


@pytest.mark.parametrize("rule", [TopK(2), Threshold(0.4)])
def test_mdm_batched_equals_engine(rule) -> None:  # type: ignore[no-untyped-def]
    model = build_model(recipe_config(attention="full", positions=("absolute",)), 0)
    pol = LearnedMDMPolicy(model, PARITY_VOCAB)
    rng = np.random.default_rng(3)
    canvases = [np.where(rng.random(n) < 0.5, 2, rng.integers(0, 2, n)) for n in (4, 7, 9, 1)]
    outs = run_mdm_batched(pol, canvases, PARITY_VOCAB, fill_rule=rule)
    _same(outs, [run_mdm(pol, c, PARITY_VOCAB, fill_rule=rule) for c in canvases])


def test_arm_batched_equals_engine() -> None:
    vocab = Vocab(["0", "1"], mask="[M]", bos="[BOS]", eos="[EOS]")
    model = build_model(recipe_config(vocab_size=6, pad_id=5, attention="causal",
                                      positions=("rotary",)), 0)
    pol = LearnedARMPolicy(model, vocab)
    prompts = [np.array([3, 0, 1]), np.array([3]), np.array([3, 1, 1, 1, 0])]
    outs = run_arm_batched(pol, prompts, vocab, max_length=12)
    _same(outs, [run_arm(pol, p, vocab, max_length=12) for p in prompts])


def test_table_evaluator_equals_plain_forward() -> None:
    model = build_model(recipe_config(), 7)
    plain, fast = LearnedAPMDMPolicy(model, PARITY_VOCAB), LocalTableAPMDMPolicy(model,
                                                                                 PARITY_VOCAB)
    rng = np.random.default_rng(1)
    canvases = random_canvases(rng, 60, 1, 40) + random_canvases(rng, 3, 300, 400)
    for a, b in zip(plain.decide_batch(canvases), fast.decide_batch(canvases), strict=True):
        for f in ("y", "remask", "insert", "delete"):
            assert np.array_equal(getattr(a, f), getattr(b, f)), f


def test_sampling_policy_draws_with_the_engine_rng() -> None:
    from simulators.learned.policies import _draw

    probs = np.array([[[0.2, 0.8, 0.0]] * 4000])
    tok, p = _draw(probs, np.random.default_rng(0))
    assert set(np.unique(tok)) <= {0, 1}
    assert abs((tok == 1).mean() - 0.8) < 0.03
    assert np.allclose(p, np.where(tok == 1, 0.8, 0.2))
    model = build_model(recipe_config(attention="full", positions=("rotary",)), 0)
    pol = LearnedAPMDMPolicy(model, PARITY_VOCAB, sample=True)
    c = [parity_canvas([0, 1, 1, 0])]
    a = pol.decide_batch(c, np.random.default_rng(5))[0]
    b = pol.decide_batch(c, np.random.default_rng(5))[0]
    assert all(np.array_equal(getattr(a, f), getattr(b, f))
               for f in ("y", "remask", "insert", "delete"))
