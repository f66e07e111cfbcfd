"""Experiment: graph editing by max-flow, the learned AP-MDM with its control-bit loss weighted
10x (``ap-mdm-bits``), on exactly the graphs and budget of ``experiments.maxflow``.

Why a second run: fitted to a handful of training graphs, the plain learned AP-MDM writes the
tokens but misses rare positive remask / delete bits of augment and cut steps
(``experiments.maxflow_fit_check``; docs/learned_tasks.md, "Why the learned AP-MDM fails");
weighting the bit loss is the one change. It is a separate command because it was added while
the main run was under way; the graphs are drawn from the same seed (``test_inputs_sha256`` in
both JSON files is equal).
Results: ``docs/results/maxflow_bits.{json,md,png}``. ``experiments.run_all`` runs it as
``maxflow_bits`` (its ``run``, ``work_plan`` and ``write`` below), so
``ONLY=maxflow_bits bash experiments/gpu_run.sh DIR`` plans and runs it on a GPU.

``python -m experiments.maxflow_bits [--scale cpu-reduced|full|smoke] [--device cpu|cuda|auto]``
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from experiments import maxflow
from experiments.common import experiment_main
from simulators.cli_support import run_main

#: the one model this run trains (``maxflow.run``'s ``only``)
MODELS = ("ap-mdm-bits",)


def run(scale_name: str = "cpu-reduced", device: str = "cpu", seed: int = 0,
        **kwargs: Any) -> dict:
    """``experiments.maxflow.run`` with the bit-weighted AP-MDM alone, on the same graphs."""
    return maxflow.run(scale_name, device, seed, only=MODELS, **kwargs)


def work_plan(scale_name: str, seed: int = 0) -> dict[str, tuple]:
    """The phases of :func:`run` (``experiments.run_all --dry-run``)."""
    return maxflow.work_plan(scale_name, seed, only=MODELS)


def write(payload: dict, out: Path) -> list[Path]:
    return maxflow.write(payload, out, name="maxflow_bits")


def main(argv: Sequence[str] | None = None) -> int:
    return experiment_main("experiments.maxflow_bits", __doc__.split("\n")[0],
                           list(maxflow.SCALES), run, write, argv)


if __name__ == "__main__":
    raise SystemExit(run_main(main))
