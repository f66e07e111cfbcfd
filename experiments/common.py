"""Shared plumbing of the learned-vs-constructed experiments: scales, result files, plots.

Every experiment writes ``NAME.json`` (``{"device", "seed", "command", "scale", "rows": [...]}``,
each row at least ``model, length, accuracy, mean_steps``), ``NAME.md`` (a Markdown table with a
note on the scale) and ``NAME.png`` into an output folder (``docs/results/`` by default).
"""

from __future__ import annotations

import json
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from simulators.cli_support import ArgumentParser
from simulators.errors import UsageError

DEFAULT_OUT = Path("docs/results")
SCALES = ("smoke", "cpu-reduced", "full")

CPU_NOTE = (
    "**Scale: {scale} (not full scale).** These numbers come from reduced configurations run on "
    "a shared 2-core CPU (no GPU was available to this task): small models, few training steps "
    "and few test inputs per length. The full-scale run is `python -m experiments.run_all "
    "--device cuda --scale full --out DIR` (about 10 minutes on one H100) and is **still to be "
    "run on a GPU**."
)


@dataclass
class Clock:
    """Wall-clock timings of named phases (recorded in every result file)."""

    def __post_init__(self) -> None:
        self.t0 = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0.0) + now - since, 3)
        return now

    def total(self) -> float:
        return round(time.perf_counter() - self.t0, 3)


def check_scale(scale: str) -> str:
    if scale not in SCALES:
        raise UsageError(f"unknown scale {scale!r}; choose from {SCALES}")
    return scale


def device_name(device: str) -> str:
    """A readable device description for the results."""
    if device.startswith("cuda") and torch.cuda.is_available():
        return f"cuda:{torch.cuda.get_device_name(0)}"
    return f"cpu:{platform.processor() or platform.machine()} ({torch.get_num_threads()} threads)"


def command_line(module: str, argv: Sequence[str] | None) -> str:
    args = list(sys.argv[1:] if argv is None else argv)
    return " ".join(["python", "-m", module, *args])


def write_results(out: Path, name: str, payload: dict, table_md: str, notes: Sequence[str],
                  plot) -> list[Path]:  # type: ignore[no-untyped-def]
    """Write NAME.json, NAME.md and NAME.png (via ``plot(path)``); returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    js, md, png = out / f"{name}.json", out / f"{name}.md", out / f"{name}.png"
    js.write_text(json.dumps(payload, indent=1, sort_keys=False, default=str) + "\n")
    head = [f"# Results: {name}", "", f"Command: `{payload['command']}`  ",
            f"Device: {payload['device']} · seed {payload['seed']} · scale `{payload['scale']}` · "
            f"wall time {payload.get('wall_s', '?')} s", ""]
    if payload["scale"] != "full":
        head += [CPU_NOTE.format(scale=payload["scale"]), ""]
    paragraphs = [line for note in notes for line in (note, "")]  # one paragraph per note
    md.write_text("\n".join([*head, *paragraphs, table_md, ""]))
    plot(png)
    return [js, md, png]


def maybe_save(directory: Path | None, tag: str, model, tcfg, data, result) -> str | None:  # type: ignore[no-untyped-def]
    """Save a checkpoint (weights + manifest) under ``directory/tag`` when a folder is given."""
    if directory is None:
        return None
    from simulators.learned.checkpoint import make_manifest, save_checkpoint

    path = save_checkpoint(directory / tag, model, make_manifest(model, tcfg, data, result))
    return str(path)


def markdown_table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """A Markdown table of ``rows`` restricted to ``columns`` (floats shown with 3 decimals)."""

    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.3f}"
        return str(v)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r.get(c, "")) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def experiment_main(module: str, description: str, scales: Sequence[str], run: Callable[..., dict],
                    write: Callable[[dict, Path], Sequence[Path]],
                    argv: Sequence[str] | None) -> int:
    """The command line every experiment shares: ``python -m experiments.NAME [--scale S]
    [--device D] [--seed N] [--out DIR] [--no-progress] [--checkpoints DIR]``; runs ``run``,
    records the exact command in the payload and writes JSON + PNG + Markdown via ``write``."""
    ap = ArgumentParser(prog=f"python -m {module}", description=description)
    ap.add_argument("--scale", default="cpu-reduced", choices=list(scales))
    ap.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--checkpoints", type=Path, default=None,
                    help="save every trained model (weights + manifest) under this folder")
    args = ap.parse_args(argv)
    torch.set_num_threads(min(2, torch.get_num_threads()))
    payload = run(args.scale, args.device, args.seed, progress=not args.no_progress,
                  checkpoints=args.checkpoints)
    payload["command"] = command_line(module, argv)
    for p in write(payload, args.out):
        print(p)
    return 0
