"""GPU path (bf16 autocast, device-side batched inference); runs only with --run-gpu."""

from __future__ import annotations

import numpy as np
import pytest

from constructions.parity_apmdm import PARITY_VOCAB, decode_parity, parity_canvas
from simulators.learned.batched import run_apmdm_batched
from simulators.learned.config import TrainConfig
from simulators.learned.policies import LearnedAPMDMPolicy
from simulators.learned.train import build_model, train
from tests.learned.helpers import recipe_config, short_parity_data


@pytest.mark.gpu
def test_recipe_on_cuda_solves_length_2000() -> None:
    model = build_model(recipe_config(), 0, "cuda")
    res = train(model, short_parity_data(8), TrainConfig(steps=400, batch_size=64, lr=1e-2,
                                                         device="cuda", progress=False))
    assert res.device.startswith("cuda") and res.final_loss < 0.05
    bits = np.random.default_rng(0).integers(0, 2, size=(8, 2000))
    outs = run_apmdm_batched(LearnedAPMDMPolicy(model, PARITY_VOCAB, "cuda"),
                             [parity_canvas(b) for b in bits], PARITY_VOCAB, max_steps=4001)
    assert all(decode_parity(o.final) == b.sum() % 2 for o, b in zip(outs, bits, strict=True))
