"""Checkpoints: ``model.pt`` (weights) + ``manifest.json`` (everything needed to trust a number).

The manifest records the model configuration, the training configuration and seed, the data's
provenance (kind, seed, rows, sha256), the exact parameter count, the device, wall time and the
step reached -- so a result row can be traced back to the exact run that produced it.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from simulators.errors import UsageError
from simulators.learned.config import ModelConfig, TrainConfig
from simulators.learned.data import TransitionDataset
from simulators.learned.model import PolicyTransformer
from simulators.learned.train import TrainResult

MANIFEST = "manifest.json"
WEIGHTS = "model.pt"


def make_manifest(model: PolicyTransformer, tcfg: TrainConfig, data: TransitionDataset,
                  result: TrainResult, **extra: object) -> dict:
    """The manifest dictionary of a finished run."""
    return {
        "model_config": model.cfg.to_dict(),
        "train_config": tcfg.to_dict(),
        "seed": tcfg.seed,
        "data": data.provenance(),
        "parameter_count": model.parameter_count(),
        "device": result.device,
        "wall_s": round(result.wall_s, 3),
        "step": result.steps,
        "final_loss": result.final_loss,
        "tokens_per_s": round(result.tokens_per_s, 1),
        "mfu": result.throughput()["mfu"],
        "torch": torch.__version__,
        **extra,
    }


def save_checkpoint(directory: str | Path, model: PolicyTransformer, manifest: dict) -> Path:
    """Write weights and manifest into ``directory`` (created if needed); returns it."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, d / WEIGHTS)
    (d / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
    return d


def load_checkpoint(directory: str | Path, device: str = "cpu") -> tuple[PolicyTransformer, dict]:
    """Rebuild the model from a checkpoint directory; raises UsageError if it is incomplete."""
    d = Path(directory)
    if not (d / MANIFEST).is_file() or not (d / WEIGHTS).is_file():
        raise UsageError(f"{d} is not a checkpoint (needs {MANIFEST} and {WEIGHTS})")
    try:
        manifest = json.loads((d / MANIFEST).read_text())
        cfg = ModelConfig.from_dict(manifest["model_config"])
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise UsageError(f"{d / MANIFEST}: unreadable manifest ({err})") from None
    model = PolicyTransformer(cfg)
    state = torch.load(d / WEIGHTS, map_location=device, weights_only=True)
    model.load_state_dict(state)
    return model.to(device).train(False), manifest
