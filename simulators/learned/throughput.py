"""Training throughput: tokens/s and model-FLOPs utilisation (MFU) against the device's peak.

MFU = (model FLOPs per second actually achieved) / (the device's dense bf16 peak). Model FLOPs
per trained token follow the usual transformer estimate: ``6 N`` for the weights (forward +
backward) plus ``12 * layers * d_model * context`` for attention scores and mixing, with
``context`` the attended span (the batch width; ``2w + 1`` for local attention). Peaks are
vendor datasheet figures for dense bf16 tensor math (no sparsity); a device not in the table, and
every CPU, reports MFU as None ("n/a") -- we do not guess a CPU's peak.
"""

from __future__ import annotations

from simulators.learned.config import ModelConfig

#: Dense bf16 peak FLOP/s by device-name fragment, checked in order (more specific first).
PEAK_BF16_FLOPS: tuple[tuple[str, float], ...] = (
    ("H200", 989.4e12),
    ("H100 PCIe", 756.0e12),
    ("H100", 989.4e12),
    ("A100", 312.0e12),
    ("L40S", 362.1e12),
    ("L4", 121.0e12),
    ("A10G", 70.0e12),
)


def peak_flops(device_name: str) -> float | None:
    """The dense bf16 peak of a CUDA device named ``device_name``; None if unknown or a CPU."""
    if not device_name.startswith("cuda"):
        return None
    for fragment, peak in PEAK_BF16_FLOPS:
        if fragment in device_name:
            return peak
    return None


def flops_per_token(cfg: ModelConfig, params: int, context: int) -> float:
    """Training FLOPs per token (forward + backward) of a model with ``params`` weights."""
    span = 2 * cfg.window + 1 if cfg.attention == "local" else context
    return 6.0 * params + 12.0 * cfg.n_layers * cfg.d_model * span


def mfu(achieved_flops_per_s: float, device_name: str) -> float | None:
    peak = peak_flops(device_name)
    return None if peak is None else achieved_flops_per_s / peak
