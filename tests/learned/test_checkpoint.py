"""Checkpoints round-trip weights and the manifest."""

from __future__ import annotations

import json

import pytest
import torch

from simulators.errors import UsageError
from simulators.learned.checkpoint import load_checkpoint, make_manifest, save_checkpoint
from simulators.learned.config import TrainConfig
from simulators.learned.train import build_model, train
from tests.learned.helpers import recipe_config, short_parity_data


def test_manifest_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = short_parity_data(3)
    model = build_model(recipe_config(), 5)
    tcfg = TrainConfig(steps=3, batch_size=4, seed=5, progress=False)
    res = train(model, data, tcfg)
    save_checkpoint(tmp_path, model, make_manifest(model, tcfg, data, res, note="t"))
    loaded, manifest = load_checkpoint(tmp_path)
    on_disk = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest == on_disk
    for key in ("model_config", "train_config", "seed", "data", "parameter_count", "device",
                "wall_s", "step"):
        assert key in manifest
    assert manifest["data"]["sha256"] == data.content_hash
    assert manifest["parameter_count"] == model.parameter_count() == loaded.parameter_count()
    assert manifest["step"] == 3 and manifest["seed"] == 5
    x = torch.tensor([[3, 0, 1, 1]])
    with torch.no_grad():
        assert torch.equal(model(x).control_logits, loaded(x).control_logits)


def test_training_is_deterministic_on_cpu() -> None:
    data = short_parity_data(3)
    outs = []
    for _ in range(2):
        m = build_model(recipe_config(), 1)
        r = train(m, data, TrainConfig(steps=5, batch_size=8, seed=1, progress=False))
        outs.append((r.losses, m.control_head.weight.detach().clone()))
    assert outs[0][0] == outs[1][0] and torch.equal(outs[0][1], outs[1][1])


def test_missing_checkpoint_is_a_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError):
        load_checkpoint(tmp_path)
