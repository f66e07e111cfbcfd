"""``--batch-file F.json`` for the PRAM construction CLIs: many inputs of one size, run at weight
level in lock step (:mod:`simulators.weights.batch`; docs/compiler.md, "Speed").

The file holds a JSON list of input objects, each as ``--input-file`` takes one (``{"A": [..]}``;
size parameters go in ``--param``, shared by every run). Every input must bind the same sizes
(one network for all). Refused with exit 2: a batch without ``--backend weights``, beside
``--input`` / ``--input-file``, or with an option that shows one run (``--show``, ``--html``,
``--dense``); an empty list, an entry that is not an input object, more than ``MAX_BATCH_RUNS``.
The output is one report per run, in the file's order: ``--json`` prints one object
``{"batch": B, "runs": [report, ...]}`` (each report the single run's JSON).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any

from constructions.cli_common import report_json
from constructions.interface import RunReport
from simulators.cli_support import read_json_file
from simulators.errors import SourceLocation, UsageError
from simulators.pram.inputs import MAX_INPUT_FILE_BYTES, checked_inputs

#: Most runs in one batch: a safety limit (each run holds its own thread and canvas).
MAX_BATCH_RUNS = 4096


def add_batch_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch-file", metavar="F.json", default=None,
                        help="run every input of a JSON list of input objects (one size) at "
                             "weight level in lock step (needs --backend weights)")


def batch_inputs(args: argparse.Namespace) -> list[dict[str, list[int]]] | None:
    """The inputs of ``--batch-file`` (None without it), checked as the module says."""
    path = getattr(args, "batch_file", None)
    if path is None:
        return None
    if args.backend != "weights":
        raise UsageError("--batch-file runs at weight level: add --backend weights")
    if args.input or args.input_file:
        raise UsageError("--batch-file holds the inputs: drop --input / --input-file")
    for flag in ("show", "html", "dense"):
        if getattr(args, flag, None):
            raise UsageError(f"--{flag} shows one run; it cannot be combined with --batch-file")
    data = read_json_file(path, what="batch file", max_bytes=MAX_INPUT_FILE_BYTES)
    if not isinstance(data, list) or not data:
        raise UsageError("the batch file must hold a non-empty JSON list of input objects",
                         SourceLocation(path))
    if len(data) > MAX_BATCH_RUNS:
        raise UsageError(f"the batch file lists {len(data)} runs, more than {MAX_BATCH_RUNS}",
                         SourceLocation(path))
    out = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise UsageError(f"batch entry {i} is not a JSON object of input arrays",
                             SourceLocation(path))
        inputs, params = checked_inputs(entry, path)
        if params:
            raise UsageError(f"batch entry {i} has 'params': give size parameters once, with "
                             "--param", SourceLocation(path))
        out.append(inputs)
    return out


def emit_batch(args: argparse.Namespace, reports: Sequence[RunReport],
               text: Callable[[RunReport], str]) -> None:
    """Print each run's report (``--json``: one object holding them all)."""
    if args.json:
        runs: list[Any] = [report_json(r) for r in reports]
        print(json.dumps({"batch": len(reports), "runs": runs}, sort_keys=True))
        return
    for i, r in enumerate(reports):
        print(f"run {i}:")
        print(text(r))
