"""Experiment: graph editing by max-flow, the learned AP-MDM with its control-bit loss weighted
10x (``ap-mdm-bits``), on exactly the graphs and budget of ``experiments.maxflow``.

Why a second run: fitted to a handful of training graphs, the plain learned AP-MDM writes the
tokens but misses rare positive remask / delete bits of augment and cut steps
(``experiments.maxflow_fit_check``; docs/learned_tasks.md, "Why the learned AP-MDM fails");
weighting the bit loss is the one change. It is a separate command because it was added while
the main run was under way; the graphs are drawn from the same seed (``test_inputs_sha256`` in
both JSON files is equal).
Results: ``docs/results/maxflow_bits.{json,md,png}``.

``python -m experiments.maxflow_bits [--scale cpu-reduced|full|smoke] [--device cpu|cuda|auto]``
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from experiments import maxflow
from experiments.common import experiment_main
from simulators.cli_support import run_main


def write(payload: dict, out: Path) -> list[Path]:
    return maxflow.write(payload, out, name="maxflow_bits")


def main(argv: Sequence[str] | None = None) -> int:
    return experiment_main("experiments.maxflow_bits", __doc__.split("\n")[0],
                           list(maxflow.SCALES), partial(maxflow.run, only=("ap-mdm-bits",)),
                           write, argv)


if __name__ == "__main__":
    raise SystemExit(run_main(main))
