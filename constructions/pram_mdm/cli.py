"""``python -m constructions.pram_mdm run FILE --input A=3,1,4 [--json] [--show]``.

Builds the Theorem-1 MDM for a ``.pram`` program at the size of the given inputs, decodes it with
the MDM engine and prints the output (``--json``: the shared report of every construction CLI,
docs/interfaces.md: output, decoding steps, the measured context length, the network's depth,
layers and heads; ``extra``: PRAM steps, T(n), declared and used processors). ``--show`` renders
the canvas as it fills, block by block (one row per decoding step, one column per processor
record). Errors print ``file:line:col: error: ...`` and exit 2 (usage / program text) or 3
(runtime fault, including a run longer than the declared T(n) or than ``--max-steps``); never a
traceback. ``--batch-file F.json --backend weights``: many inputs of one size in lock step
(:mod:`constructions.batch_cli`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from constructions.batch_cli import add_batch_argument, batch_inputs, emit_batch
from constructions.cli_common import add_run_options, emit_report, run_kwargs
from constructions.interface import RunReport
from constructions.pram_mdm.construction import Theorem1
from constructions.pram_mdm.layout import DEFAULT_MAX_CONTEXT, DEFAULT_VALUE_BITS
from constructions.value_width import weights_value_bits
from simulators.cli_support import ArgumentParser, run_main
from simulators.errors import LimitExceeded, UsageError
from simulators.pram import load_program
from simulators.pram.inputs import add_input_arguments, inputs_from_args, parse_params
from simulators.processes.html import program_explainer

MAX_SHOW_BYTES = 1 << 29  # --show keeps every canvas of the run in memory


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m constructions.pram_mdm",
                            description="Theorem 1: run a .pram program as a masked diffusion "
                                        "model.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="build the MDM for FILE at the inputs' size and decode it")
    add_input_arguments(run)
    add_run_options(run)
    add_batch_argument(run)
    run.add_argument("--show", action="store_true",
                     help="render the canvas filling block by block (rich)")
    run.add_argument("--show-processors", type=int, default=8, metavar="K",
                     help="columns shown by --show (default 8)")
    run.add_argument("--one-token-per-step", action="store_true",
                     help="fill one position per decoding step (for Theorem 3)")
    run.add_argument("--dense", action="store_true",
                     help="evaluate every position with the encoder interpreter (slow reference)")
    run.add_argument("--value-bits", type=int, default=None,
                     help=f"bits of token values (default {DEFAULT_VALUE_BITS}; with --backend "
                          "weights, what the run needs: constructions/value_width.py)")
    run.add_argument("--max-context", type=int, default=DEFAULT_MAX_CONTEXT,
                     help=f"refuse canvases longer than this (default {DEFAULT_MAX_CONTEXT})")
    return parser


def _text(report: RunReport) -> str:
    lines = [f"{name} = {vals}" for name, vals in report.output.items()]
    ex, net = report.extra, report.network
    lines.append(f"decoding steps {report.decoding_steps} (PRAM steps {ex['pram_steps']} + 1), "
                 f"context {report.context_length}, network depth {net['depth']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    prog = load_program(args.file)
    if args.show_processors < 1:
        raise UsageError("--show-processors must be >= 1")
    if args.dense and args.backend != "interpreter":
        raise UsageError("--dense is an interpreter mode; drop it or use --backend interpreter")
    batch = batch_inputs(args)
    if batch is not None:  # many inputs of one size, at weight level in lock step
        kwargs = run_kwargs(args)
        reports = Theorem1.run_batch(prog, batch, parse_params(args.param),
                                     max_steps=kwargs["max_steps"], device=args.device,
                                     value_bits=args.value_bits,
                                     one_token_per_step=args.one_token_per_step,
                                     max_context=args.max_context)
        emit_batch(args, reports, _text)
        return 0
    inputs, params = inputs_from_args(args)
    value_bits = args.value_bits
    if value_bits is None:  # weights: float64 exactness needs the run's own width
        value_bits = (weights_value_bits(prog, inputs, params) if args.backend == "weights"
                      else DEFAULT_VALUE_BITS)
    thm = Theorem1.build(prog, inputs, params, one_token_per_step=args.one_token_per_step,
                         value_bits=value_bits, max_context=args.max_context)
    lay = thm.mdm.layout
    kwargs = run_kwargs(args)
    record = args.show or kwargs["record_canvases"]
    if record and lay.S * (lay.T + 2) * 8 > MAX_SHOW_BYTES:
        raise LimitExceeded(f"--show/--html record every canvas: {lay.T + 2} x {lay.S} tokens "
                            f"would exceed {MAX_SHOW_BYTES >> 20} MiB; use a smaller input")
    kwargs["record_canvases"] = record
    report = thm.run(**kwargs, mode="dense" if args.dense else "fast")
    if args.show:
        from constructions.pram_mdm.render import render_run

        assert thm.last_result is not None
        render_run(thm.last_result, max_processors=args.show_processors)
    if args.show and not args.json:
        emit_report(args, report, text=lambda r: "")
    else:
        trace = report.trace if args.html else None
        emit_report(args, report, text=_text,
                    views=[thm.decode_state(c) for c in trace.canvases]
                    if trace is not None else None,
                    # the viewer's "why this token": the step network on each step's canvas
                    explain=program_explainer(thm.program, trace) if trace is not None else None)
    return 0


def entry() -> None:
    sys.exit(run_main(main))
