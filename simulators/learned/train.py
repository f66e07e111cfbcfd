"""Training loop: AdamW on cross-entropy (tokens) + binary cross-entropy (each control bit).

The loss follows the paper's recipe (docs/paper.md: CE on the unmask targets plus BCE on
each control bit, weights 1). bf16 autocast is used on CUDA; CPU runs stay float32 and are
deterministic given the seed (initialisation and batch order both come from it).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from simulators.errors import UsageError
from simulators.learned import throughput
from simulators.learned.config import ModelConfig, TrainConfig
from simulators.learned.data import TransitionDataset
from simulators.learned.model import PolicyTransformer


@dataclass
class TrainResult:
    """What a run did: loss curve, time, throughput."""

    steps: int
    losses: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    tokens_seen: int = 0
    device: str = "cpu"
    model_flops: float = 0.0     # estimated training FLOPs (see throughput.flops_per_token)
    device_name: str = "cpu"

    @property
    def tokens_per_s(self) -> float:
        return self.tokens_seen / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def mfu(self) -> float | None:
        """Model-FLOPs utilisation against the device's dense bf16 peak (None on CPU/unknown)."""
        if self.wall_s <= 0:
            return None
        return throughput.mfu(self.model_flops / self.wall_s, self.device_name)

    def throughput(self) -> dict:
        """What every result records about training speed."""
        m = self.mfu
        return {"train_tokens_per_s": round(self.tokens_per_s, 1),
                "train_model_flops": float(f"{self.model_flops:.4g}"),
                "mfu": None if m is None else round(m, 5),
                "peak_bf16_flops": throughput.peak_flops(self.device_name)}

    @property
    def final_loss(self) -> float:
        tail = self.losses[-20:]
        return float(np.mean(tail)) if tail else float("nan")


def resolve_device(name: str) -> torch.device:
    """``"auto"`` -> CUDA when present, else CPU; refuse CUDA when there is none."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError("device 'cuda' requested but torch sees no CUDA device")
    return torch.device(name)


def build_model(cfg: ModelConfig, seed: int,
                device: str | torch.device = "cpu") -> PolicyTransformer:
    """A freshly initialised model; the initialisation depends on ``seed`` only."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = PolicyTransformer(cfg)
    return model.to(device)


def losses(model: PolicyTransformer, batch: dict[str, torch.Tensor], tcfg: TrainConfig):
    """(total, token CE, bit BCE) on one batch; a component with no counted cell is 0."""
    out = model(batch["tokens"], batch["valid"])
    zero = out.token_logits.sum() * 0.0
    ym = batch["y_mask"]
    tok = F.cross_entropy(out.token_logits[ym].float(), batch["y"][ym]) if ym.any() else zero
    bm = batch["bits_mask"]
    if bm.any():
        bit = F.binary_cross_entropy_with_logits(out.control_logits[bm].float(), batch["bits"][bm])
    else:
        bit = zero
    return tcfg.token_weight * tok + tcfg.bit_weight * bit, tok, bit


def train(model: PolicyTransformer, data: TransitionDataset, tcfg: TrainConfig) -> TrainResult:
    """Train ``model`` in place for ``tcfg.steps`` AdamW steps on batches drawn from ``data``."""
    device = resolve_device(tcfg.device)
    model.to(device).train()
    rng = np.random.default_rng(tcfg.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=tcfg.lr, weight_decay=tcfg.weight_decay)

    def lr_at(step: int) -> float:  # linear warm-up, then cosine decay to 10%
        if step < tcfg.warmup:
            return tcfg.lr * (step + 1) / tcfg.warmup
        frac = (step - tcfg.warmup) / max(1, tcfg.steps - tcfg.warmup)
        return tcfg.lr * (0.1 + 0.45 * (1 + math.cos(math.pi * min(frac, 1.0))))

    use_bf16 = device.type == "cuda"
    result = TrainResult(steps=tcfg.steps, device=str(device), device_name=(
        f"cuda:{torch.cuda.get_device_name(device)}" if device.type == "cuda" else "cpu"))
    params = model.parameter_count()
    start = time.perf_counter()
    with _progress(tcfg.progress, tcfg.steps) as advance:
        for step in range(tcfg.steps):
            idx = rng.integers(0, len(data), size=tcfg.batch_size)
            batch = data.batch(idx, device)
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_bf16):
                total, _, _ = losses(model, batch, tcfg)
            opt.zero_grad(set_to_none=True)
            total.backward()
            if tcfg.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), tcfg.grad_clip)
            opt.step()
            result.losses.append(float(total.detach()))
            n_tok = int(batch["valid"].sum())
            result.tokens_seen += n_tok
            result.model_flops += n_tok * throughput.flops_per_token(
                model.cfg, params, int(batch["valid"].shape[1]))
            advance(result.losses[-1])
    if device.type == "cuda":
        torch.cuda.synchronize()
    result.wall_s = time.perf_counter() - start
    model.train(False)  # inference mode
    return result


class _progress:
    """A rich progress bar (or nothing) exposing ``advance(loss)``."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled, self.total = enabled, total
        self.bar = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return lambda loss: None
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("train"), BarColumn(), TextColumn("{task.completed}/"
                            "{task.total} loss {task.fields[loss]:.4f}"), TimeRemainingColumn(),
                            transient=True)
        self.bar.start()
        task = self.bar.add_task("train", total=self.total, loss=float("nan"))
        return lambda loss: self.bar.update(task, advance=1, loss=loss)  # type: ignore[union-attr]

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        if self.bar is not None:
            self.bar.stop()
