"""Small builders shared by the learned-policy tests."""

from __future__ import annotations

import itertools

import numpy as np

from constructions.parity_apmdm import MASK, PARITY_VOCAB, run_parity
from simulators.learned.config import ModelConfig
from simulators.learned.data import TransitionDataset, apmdm_rows, pack

PAD = len(PARITY_VOCAB)


def recipe_config(**over: object) -> ModelConfig:
    """The experiment-1(b) architecture at test size."""
    base: dict = dict(vocab_size=PAD + 1, pad_id=PAD, d_model=16, n_heads=2, n_layers=2, d_ff=32,
                      positions=("clipped", "relative"), attention="local", window=1, clip=3)
    base.update(over)
    return ModelConfig(**base)


def short_parity_data(max_len: int = 8, seed: int = 0) -> TransitionDataset:
    traces = [run_parity(list(b)) for n in range(1, max_len + 1)
              for b in itertools.product([0, 1], repeat=n)]
    return pack(apmdm_rows(traces, mask_id=MASK), pad_id=PAD, seed=seed, kind="test")


def random_canvases(rng: np.random.Generator, count: int, lo: int, hi: int) -> list[np.ndarray]:
    """Arbitrary canvases over the parity vocabulary (masks anywhere)."""
    return [rng.integers(0, len(PARITY_VOCAB), size=int(rng.integers(lo, hi + 1)))
            for _ in range(count)]
