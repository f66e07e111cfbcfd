"""Cached greedy ARM decoding ends every prompt exactly as ``run_arm_batched`` with the greedy
``LearnedARMPolicy`` does (final sequence, generated tokens, halting reason, peak length)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from simulators.errors import UsageError
from simulators.learned.batched import run_arm_batched
from simulators.learned.cached_arm import run_arm_cached
from simulators.learned.config import ModelConfig
from simulators.learned.policies import LearnedARMPolicy
from simulators.learned.train import build_model
from simulators.processes import HaltReason, Vocab

VOCAB = Vocab([str(i) for i in range(8)], mask="[M]", bos="[BOS]", eos="[EOS]")
PAD = len(VOCAB)


def _model(seed: int, positions: tuple[str, ...] = ("absolute",), table: int = 64,
           eos_bias: float = 0.0):  # type: ignore[no-untyped-def]
    cfg = ModelConfig(vocab_size=PAD + 1, pad_id=PAD, d_model=16, n_heads=2, n_layers=2,
                      d_ff=32, positions=positions, attention="causal", max_position=table)
    model = build_model(cfg, seed)
    with torch.no_grad():  # make [EOS] compete, so some runs end by it and some by a limit
        model.token_head.bias[VOCAB.eos_id] += eos_bias
    return model


def _prompts(rng: np.random.Generator, count: int) -> list[np.ndarray]:
    """[BOS] then random digits, of a few lengths (several prompts share a length)."""
    return [np.array([VOCAB.bos_id, *rng.integers(0, 8, int(n))], dtype=np.int64)
            for n in rng.choice([0, 3, 5, 9], size=count)]


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert (x.halt, x.num_steps, x.peak_length, x.message) == (y.halt, y.num_steps,
                                                                   y.peak_length, y.message)
        assert np.array_equal(x.final, y.final)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("positions", [("absolute",), ("absolute", "sinusoidal")])
def test_cached_equals_batched(seed: int, positions: tuple[str, ...]) -> None:
    model = _model(seed, positions, eos_bias=0.0)
    prompts = _prompts(np.random.default_rng(seed), 12)
    want = run_arm_batched(LearnedARMPolicy(model, VOCAB), prompts, VOCAB, max_length=30)
    got = run_arm_cached(model, prompts, VOCAB, max_length=30)
    _same(got, want)


def test_both_halting_reasons_are_exercised() -> None:
    """The comparison above is not vacuous: runs end by [EOS] and by the length limit."""
    halts = set()
    for seed in range(4):
        prompts = _prompts(np.random.default_rng(seed), 12)
        halts |= {o.halt for o in run_arm_cached(_model(seed, eos_bias=0.0), prompts, VOCAB,
                                                 max_length=30)}
    assert {HaltReason.END_TOKEN, HaltReason.LENGTH_LIMIT} <= halts


def test_position_table_limit_is_the_runners() -> None:
    model = _model(0, table=12)
    prompts = _prompts(np.random.default_rng(5), 6) + [np.arange(14) % 8]
    want = run_arm_batched(LearnedARMPolicy(model, VOCAB), prompts, VOCAB, max_length=40)
    got = run_arm_cached(model, prompts, VOCAB, max_length=40)
    _same(got, want)
    assert any("position table" in o.message for o in got)


def test_refuses_what_it_cannot_cache() -> None:
    with pytest.raises(UsageError):
        run_arm_cached(_model(0, ("rotary",)), [np.array([VOCAB.bos_id])], VOCAB)
    full = build_model(ModelConfig(vocab_size=PAD + 1, pad_id=PAD, d_model=16, n_heads=2,
                                   n_layers=1, d_ff=32, attention="full"), 0)
    with pytest.raises(UsageError):
        run_arm_cached(full, [np.array([VOCAB.bos_id])], VOCAB)
