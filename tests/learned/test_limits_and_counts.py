"""Recorded limits instead of crashes (position table), fallback counting, throughput/MFU."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from constructions.parity_apmdm import PARITY_VOCAB, parity_canvas
from simulators.learned.batched import run_apmdm_batched, run_mdm_batched
from simulators.learned.config import TrainConfig
from simulators.learned.policies import LearnedAPMDMPolicy, LearnedMDMPolicy
from simulators.learned.throughput import flops_per_token, mfu, peak_flops
from simulators.learned.train import build_model, train
from simulators.processes import HaltReason
from tests.learned.helpers import recipe_config, short_parity_data


def test_insert_past_the_position_table_is_a_recorded_halt() -> None:
    model = build_model(recipe_config(attention="full", positions=("absolute",),
                                      max_position=6), 0)
    with torch.no_grad():  # always insert: canvases grow until they outgrow the table
        model.control_head.bias.copy_(torch.tensor([-9.0, 9.0, -9.0]))
    pol = LearnedAPMDMPolicy(model, PARITY_VOCAB)
    starts = [parity_canvas([0, 1]), parity_canvas([1, 1, 0, 1, 0, 1, 1])]  # 3 and 8 tokens
    outs = run_apmdm_batched(pol, starts, PARITY_VOCAB, max_steps=50)
    assert [o.halt for o in outs] == [HaltReason.LENGTH_LIMIT] * 2
    assert all("position table (6)" in o.message for o in outs)
    assert outs[0].num_steps == 1 and len(outs[0].final) == 6  # 3 -> 6, the next would be 12
    assert outs[1].num_steps == 0  # longer than the table from the start


def test_fallback_fills_are_counted() -> None:
    model = build_model(recipe_config(attention="full", positions=("absolute",)), 0)
    with torch.no_grad():  # the learned fill bit never fires
        model.control_head.bias.copy_(torch.tensor([-9.0, 0.0, 0.0]))
    pol = LearnedMDMPolicy(model, PARITY_VOCAB, learned_fill=True)
    m = PARITY_VOCAB.mask_id
    outs = run_mdm_batched(pol, [np.array([3, m, m, 0]), np.array([3, m])], PARITY_VOCAB)
    assert [o.num_steps for o in outs] == [2, 1]  # one mask per step: the fallback
    assert pol.fallback_fills == pol.fill_decisions == 3
    with torch.no_grad():
        model.control_head.bias.copy_(torch.tensor([9.0, 0.0, 0.0]))
    pol2 = LearnedMDMPolicy(model, PARITY_VOCAB, learned_fill=True)
    run_mdm_batched(pol2, [np.array([3, m, m, 0])], PARITY_VOCAB)
    assert pol2.fallback_fills == 0 and pol2.fill_decisions == 1


def test_peak_table_and_mfu() -> None:
    assert peak_flops("cuda:NVIDIA H200") == pytest.approx(989.4e12)
    assert peak_flops("cuda:NVIDIA H100 80GB HBM3") == pytest.approx(989.4e12)
    assert peak_flops("cuda:NVIDIA H100 PCIe") == pytest.approx(756e12)
    assert peak_flops("cpu:x86_64 (1 threads)") is None
    assert peak_flops("cuda:Some Future GPU") is None
    assert mfu(1e12, "cpu:x") is None
    assert mfu(98.94e12, "cuda:NVIDIA H200") == pytest.approx(0.1)
    cfg = recipe_config()
    assert flops_per_token(cfg, 1000, 50) == 6000 + 12 * 2 * 16 * 3  # local: span 2w+1


def test_training_reports_throughput() -> None:
    model = build_model(recipe_config(), 0)
    res = train(model, short_parity_data(3), TrainConfig(steps=3, batch_size=4,
                                                          progress=False))
    t = res.throughput()
    assert t["train_tokens_per_s"] > 0 and t["train_model_flops"] > 0
    assert t["mfu"] is None and t["peak_bf16_flops"] is None  # CPU: n/a
