"""``python -m constructions.pram_mdm run FILE --input A=3,1,4 [--json] [--show]``.

Builds the Theorem-1 MDM for a ``.pram`` program at the size of the given inputs, decodes it with
the MDM engine and prints the output (``--json``: one JSON object with the output, the decoding
steps, context length, PRAM steps, processors, network depth and width). ``--show`` renders the
canvas as it fills, block by block (one row per decoding step, one column per processor record).
Errors print ``file:line:col: error: ...`` and exit 2 (usage / program text) or 3 (runtime
fault, including a run longer than the declared T(n)); never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from constructions.pram_mdm.build import build_pram_mdm
from constructions.pram_mdm.layout import DEFAULT_MAX_CONTEXT, DEFAULT_VALUE_BITS
from constructions.pram_mdm.simulate import run_built
from simulators.cli_support import ArgumentParser, run_main
from simulators.errors import LimitExceeded, UsageError
from simulators.pram import load_program
from simulators.pram.inputs import add_input_arguments, inputs_from_args

MAX_SHOW_BYTES = 1 << 29  # --show keeps every canvas of the run in memory


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m constructions.pram_mdm",
                     description="Theorem 1: run a .pram program as a masked diffusion model.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="build the MDM for FILE at the inputs' size and decode it")
    add_input_arguments(run)
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.add_argument("--show", action="store_true",
                     help="render the canvas filling block by block (rich)")
    run.add_argument("--show-processors", type=int, default=8, metavar="K",
                     help="columns shown by --show (default 8)")
    run.add_argument("--one-token-per-step", action="store_true",
                     help="fill one position per decoding step (for Theorem 3)")
    run.add_argument("--dense", action="store_true",
                     help="evaluate every position with the encoder interpreter (slow reference)")
    run.add_argument("--value-bits", type=int, default=DEFAULT_VALUE_BITS,
                     help=f"bits of token values (default {DEFAULT_VALUE_BITS})")
    run.add_argument("--max-context", type=int, default=DEFAULT_MAX_CONTEXT,
                     help=f"refuse canvases longer than this (default {DEFAULT_MAX_CONTEXT})")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    prog = load_program(args.file)
    inputs, params = inputs_from_args(args)
    if args.show_processors < 1:
        raise UsageError("--show-processors must be >= 1")
    mdm = build_pram_mdm(prog, inputs, params, one_token_per_step=args.one_token_per_step,
                         value_bits=args.value_bits, max_context=args.max_context)
    lay = mdm.layout
    if args.show and lay.S * (lay.T + 2) * 8 > MAX_SHOW_BYTES:
        raise LimitExceeded(f"--show records every canvas: {lay.T + 2} x {lay.S} tokens would "
                            f"exceed {MAX_SHOW_BYTES >> 20} MiB; use a smaller input")
    res = run_built(mdm, dense=args.dense, record_canvases=args.show)
    if args.show:
        from constructions.pram_mdm.render import render_run

        render_run(res, max_processors=args.show_processors)
    if args.json:
        print(json.dumps(res.summary(), sort_keys=True))
    elif not args.show:
        for name, vals in res.output.items():
            print(f"{name} = {vals}")
        print(f"decoding steps {res.decoding_steps} (PRAM steps {res.pram_steps} + 1), "
              f"context {res.context_length}, network depth {res.depth}")
    return 0


def entry() -> None:
    sys.exit(run_main(main))
