"""Training throughput of the learned policies (tokens/s), and model FLOP utilisation on GPU.

``python -m benchmarks.learned_bench [--device cpu|cuda] [--steps N]``

Three configurations: the parity recipe model (experiment 1(b)), the Dyck AP-MDM (experiment 2)
and a Sudoku-sized encoder (6 layers, width 256, 4 heads -- the paper's stated architecture,
~4.8M parameters without its embedding tables here) on 324-token canvases, the largest thing
experiment-scale training would run. FLOPs per token are estimated as 6 x parameters (forward +
backward matmuls) + 12 x layers x width x length (attention scores and mixing); MFU is reported
against the bf16 dense peak of an H100 (989 TFLOP/s) only when running on CUDA.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import numpy as np
import torch
from rich.console import Console
from rich.table import Table

from simulators.cli_support import run_main
from simulators.learned.config import ModelConfig, TrainConfig
from simulators.learned.data import Rows, pack
from simulators.learned.train import build_model, resolve_device, train

H100_BF16_PEAK = 989e12

CONFIGS = {
    "parity-recipe": (ModelConfig(vocab_size=5, pad_id=4, d_model=16, n_heads=2, n_layers=2,
                                  d_ff=32, positions=("clipped", "relative"), attention="local",
                                  window=1, clip=3), 64, 10),
    "dyck-apmdm": (ModelConfig(vocab_size=8, pad_id=7, d_model=32, n_heads=4, n_layers=3,
                               d_ff=64, positions=("rotary", "relative"), attention="full",
                               window=3), 64, 40),
    "sudoku-size": (ModelConfig(vocab_size=40, pad_id=39, d_model=256, n_heads=4, n_layers=6,
                                d_ff=1024, positions=("absolute",), attention="full",
                                max_position=324), 32, 324),
}


def synthetic(cfg: ModelConfig, rows: int, length: int, seed: int):  # type: ignore[no-untyped-def]
    """Random canvases with token and bit targets everywhere (throughput only)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(rows):
        x = rng.integers(0, cfg.vocab_size - 1, length)
        out.append(Rows(x, x, rng.random(length) < 0.5, rng.random((length, 3)) < 0.5,
                        np.ones(length, bool)))
    return pack(out, pad_id=cfg.vocab_size - 1, seed=seed, kind="bench", dedup=False)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.learned_bench")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--only", nargs="*", choices=list(CONFIGS), default=None)
    args = ap.parse_args(argv)
    dev = resolve_device(args.device)
    if dev.type == "cpu":
        torch.set_num_threads(1)  # one thread: steadier on a shared machine, and CPU s = wall s
    table = Table(title=f"learned policies: training throughput on {dev}")
    for col in ("config", "params", "batch x length", "steps", "tokens/s (wall)",
                "tokens/CPU-s", "TFLOP/s", "MFU"):
        table.add_column(col)
    for name in args.only or list(CONFIGS):
        cfg, batch, length = CONFIGS[name]
        data = synthetic(cfg, 4 * batch, length, 0)
        model = build_model(cfg, 0, dev)
        warm = TrainConfig(steps=2, batch_size=batch, seed=0, device=str(dev), progress=False)
        train(model, data, warm)
        cpu0 = time.process_time()
        res = train(model, data, TrainConfig(steps=args.steps, batch_size=batch, seed=1,
                                             device=str(dev), progress=False))
        cpu_s = time.process_time() - cpu0
        params = model.parameter_count()
        flops_tok = 6 * params + 12 * cfg.n_layers * cfg.d_model * length
        tflops = res.tokens_per_s * flops_tok / 1e12
        mfu = f"{tflops * 1e12 / H100_BF16_PEAK:.1%}" if dev.type == "cuda" else "-"
        table.add_row(name, f"{params:,}", f"{batch} x {length}", str(args.steps),
                      f"{res.tokens_per_s:,.0f}", f"{res.tokens_seen / cpu_s:,.0f}",
                      f"{tflops:.3f}", mfu)
    Console(width=160).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
