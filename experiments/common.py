"""Shared plumbing of the learned-vs-constructed experiments: scales, provenance, result files.

Every experiment writes ``NAME.json`` (``{"device", "seed", "command", "scale", "provenance",
"complete", "rows": [...]}``, each row at least ``model, length, accuracy, mean_steps``),
``NAME.md`` (a Markdown table with a note on the scale) and ``NAME.png`` into an output folder
(``docs/results/`` by default). The JSON and Markdown are rewritten after every phase
(``complete: false`` until the last), so an interrupted run keeps what it finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from simulators.cli_support import ArgumentParser
from simulators.errors import UsageError

DEFAULT_OUT = Path("docs/results")
SCALES = ("smoke", "cpu-reduced", "full")

CPU_NOTE = (
    "**Scale: {scale} (not full scale).** These numbers come from reduced configurations run on "
    "a shared, heavily loaded 2-core CPU (no GPU was lent to this task): small models, few "
    "training steps and few test inputs per length. The full-scale run is `bash "
    "experiments/gpu_run.sh DIR` (a dry run first prints the expected time of every phase on "
    "the GPU; `--budget-s` then stops the run cleanly, keeping finished phases) and is **still "
    "to be run on a GPU**."
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


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, timeout=20,
                             cwd=Path(__file__).resolve().parent.parent, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.rstrip("\n")


def provenance(device: str, seeds: Sequence[int]) -> dict:
    """What a reader needs to regenerate a result: code version (and whether the working tree
    had uncommitted changes to tracked files), library versions, device and seeds."""
    status = _git("status", "--porcelain", "--untracked-files=no")
    dirty = [] if not status else [line[3:] for line in status.splitlines() if line.strip()]
    return {"git_commit": _git("rev-parse", "HEAD"),
            "git_dirty": None if status is None else bool(status),
            # others may edit unrelated files of a shared tree: name what was modified
            "git_dirty_paths": dirty[:40],
            "python": platform.python_version(), "torch": torch.__version__,
            "numpy": np.__version__, "device": device_name(device), "seeds": list(seeds)}


def arrays_sha256(arrays: Iterable[np.ndarray]) -> str:
    """sha256 over the dtype, shape and bytes of each array, in order (e.g. the test inputs)."""
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}:{a.shape};".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def new_payload(scale: str, device: str, seed: int, seeds: Sequence[int], **extra: object,
                ) -> dict:
    """The skeleton every experiment fills (``rows``, ``models``) and emits after each phase."""
    return {"device": device_name(device), "seed": seed, "scale": scale,
            "provenance": provenance(device, seeds), "complete": False, **extra,
            "rows": [], "models": []}


Emit = Callable[[dict], None]


def emit_timed(payload: dict, clock: Clock, emit: Emit) -> None:
    """Stamp the phase timings and wall time on ``payload`` and hand it to ``emit`` (every
    experiment does this after each phase so a stopped run keeps what finished)."""
    payload["timings_s"], payload["wall_s"] = clock.phases, clock.total()
    emit(payload)


def no_emit(payload: dict) -> None:
    """The default sink: keep results in memory only."""


def command_line(module: str, argv: Sequence[str] | None) -> str:
    args = list(sys.argv[1:] if argv is None else argv)
    return " ".join(["python", "-m", module, *args])


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_results(out: Path, name: str, payload: dict, table_md: str, notes: Sequence[str],
                  plot) -> list[Path]:  # type: ignore[no-untyped-def]
    """Write NAME.json, NAME.md and (when the payload is complete) NAME.png via ``plot(path)``;
    returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    js, md, png = out / f"{name}.json", out / f"{name}.md", out / f"{name}.png"
    _atomic_write(js, json.dumps(payload, indent=1, sort_keys=False, default=str) + "\n")
    prov = payload.get("provenance", {})
    head = [f"# Results: {name}", "", f"Command: `{payload.get('command', '?')}`  ",
            f"Device: {payload['device']} · seed {payload['seed']} · scale `{payload['scale']}` · "
            f"wall time {payload.get('wall_s', '?')} s  ",
            f"Code: git {prov.get('git_commit', '?')}"
            f"{' (uncommitted changes)' if prov.get('git_dirty') else ''} · torch "
            f"{prov.get('torch', '?')} · numpy {prov.get('numpy', '?')}", ""]
    if not payload.get("complete", True):
        head += ["**Partial results: the run had not finished when this was written.**", ""]
    if payload["scale"] != "full":
        head += [CPU_NOTE.format(scale=payload["scale"]), ""]
    paragraphs = [line for note in notes for line in (note, "")]  # one paragraph per note
    _atomic_write(md, "\n".join([*head, *paragraphs, table_md, ""]))
    if not payload.get("complete", True):
        return [js, md]
    plot(png)
    return [js, md, png]


def unfinished_models(payload: dict, models: Sequence[str]) -> list[tuple[str, list[str]]]:
    """``(model, its per-seed record keys "model@seed")`` for each model that has per-instance
    records but no pooled row -- its seeds did not all finish (a run stopped by its budget)."""
    have = {r["model"] for r in payload["rows"]}
    out = []
    for name in models:
        keys = sorted({k for i in payload["instances"] for k in i if k.startswith(name + "@")})
        if name not in have and keys:
            out.append((name, keys))
    return out


def summarise_seeds(rows: Sequence[dict], keys: Sequence[str], value: str = "accuracy",
                    ) -> list[dict]:
    """One row per ``keys`` group: mean, min and max of ``value`` over the group's rows (one
    per training seed), the number of seeds and the pooled correct / n."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(tuple(r.get(k) for k in keys), []).append(r)
    out = []
    for key, rs in groups.items():
        vals = [float(r[value]) for r in rs]
        out.append({**dict(zip(keys, key, strict=True)), "seeds": len(rs),
                    f"{value}_mean": float(np.mean(vals)), f"{value}_min": min(vals),
                    f"{value}_max": max(vals),
                    "pooled": f"{sum(int(r.get('correct', 0)) for r in rs)}/"
                              f"{sum(int(r.get('n', 0)) for r in rs)}"})
    return out


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
    torch.set_num_threads(1)  # tiny models: threads only add contention on a shared CPU
    command = command_line(module, argv)

    def emit(payload: dict) -> None:  # after every phase: the finished part is on disk
        payload["command"] = command
        write(payload, args.out)

    payload = run(args.scale, args.device, args.seed, progress=not args.no_progress,
                  checkpoints=args.checkpoints, emit=emit)
    payload["command"] = command
    for p in write(payload, args.out):
        print(p)
    return 0
