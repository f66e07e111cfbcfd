"""CPU smoke test of experiment 1(b): a tiny model learns the parity transitions in seconds
and, with the recipe (traces of inputs <= 8, clipped positions, local relative attention),
solves length 1,000 through the AP-MDM engine's rules."""

from __future__ import annotations

import numpy as np
import torch

from constructions.parity_apmdm import (
    PARITY_VOCAB,
    ParityPolicy,
    decode_parity,
    parity_canvas,
    parity_steps_bound,
    run_parity,
)
from simulators.learned.batched import run_apmdm_batched
from simulators.learned.config import TrainConfig
from simulators.learned.local_eval import LocalTableAPMDMPolicy
from simulators.learned.policies import LearnedAPMDMPolicy
from simulators.learned.train import build_model, train
from tests.learned.helpers import recipe_config, short_parity_data


def test_recipe_learns_transitions_and_solves_length_1000() -> None:
    torch.set_num_threads(1)
    data = short_parity_data(8)
    model = build_model(recipe_config(), 0)
    res = train(model, data, TrainConfig(steps=250, batch_size=32, lr=1e-2, seed=0,
                                         progress=False))
    assert res.final_loss < 0.05
    plain = LearnedAPMDMPolicy(model, PARITY_VOCAB)
    # Every decision on the training canvases matches the construction.
    rng = np.random.default_rng(5)
    for b in rng.integers(0, 2, size=(3, 10)):
        for c in run_parity(b).canvases[:-1]:
            want, got = ParityPolicy()(c), plain(c, rng)
            assert np.array_equal(want.remask, got.remask)
            assert np.array_equal(want.delete, got.delete) and not got.insert.any()
    bits = rng.integers(0, 2, size=(2, 1000))
    outs = run_apmdm_batched(LocalTableAPMDMPolicy(model, PARITY_VOCAB),
                             [parity_canvas(b) for b in bits], PARITY_VOCAB,
                             max_steps=parity_steps_bound(1000))
    for o, b in zip(outs, bits, strict=True):
        assert o.halt.value == "fixed_point"
        assert decode_parity(o.final) == b.sum() % 2
        assert o.num_steps == run_parity(b, record_canvases=False).num_steps
