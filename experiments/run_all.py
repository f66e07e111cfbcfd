"""Run every learned-vs-constructed experiment at one scale and record device, seed and timings.

``python -m experiments.run_all --device cuda --scale full --out DIR`` is the full-scale path
(sized for about 10 minutes on one H100); ``--scale cpu-reduced`` is what a CPU can do. Each
experiment writes its JSON / PNG / Markdown into DIR; ``run_all.json`` summarises the run.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

import torch

from experiments import dyck, parity, pram_mdm
from experiments.common import SCALES, command_line, device_name
from simulators.cli_support import run_main
from simulators.learned.train import resolve_device

EXPERIMENTS = {"parity": parity, "dyck": dyck, "pram_mdm": pram_mdm}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m experiments.run_all", description=__doc__.split(
        "\n")[0])
    ap.add_argument("--scale", default="cpu-reduced", choices=list(SCALES))
    ap.add_argument("--device", default="auto", help="cpu, cuda or auto")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--only", nargs="*", choices=list(EXPERIMENTS), default=None)
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    dev = str(resolve_device(args.device))
    if dev == "cpu":
        torch.set_num_threads(min(2, torch.get_num_threads()))
    summary: dict = {"command": command_line("experiments.run_all", argv), "seed": args.seed,
                     "scale": args.scale, "device": device_name(dev), "torch": torch.__version__,
                     "experiments": {}}
    for name in args.only or list(EXPERIMENTS):
        mod = EXPERIMENTS[name]
        start = time.perf_counter()
        payload = mod.run(args.scale, dev, args.seed, progress=not args.no_progress,
                          checkpoints=args.out / "checkpoints")
        payload["command"] = (f"python -m experiments.{name} --scale {args.scale} --device "
                              f"{args.device} --seed {args.seed} (via experiments.run_all)")
        paths = mod.write(payload, args.out)
        summary["experiments"][name] = {"wall_s": round(time.perf_counter() - start, 2),
                                        "timings_s": payload.get("timings_s", {}),
                                        "files": [str(p) for p in paths]}
        print(f"{name}: {summary['experiments'][name]['wall_s']} s")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "run_all.json").write_text(json.dumps(summary, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
