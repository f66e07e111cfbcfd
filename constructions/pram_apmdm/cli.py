"""``python -m constructions.pram_apmdm run FILE --input ... [--param ...] [--json] [--show]``.

Runs a ``.pram`` program through the Theorem 4 AP-MDM. ``--json`` prints the shared report of
every construction CLI (docs/interfaces.md); ``extra`` holds the PRAM steps, T(n), declared and
used processors, memory cells on the canvas and the operation counts. Exit codes as everywhere in
the project: 0 success, 2 bad program text or usage, 3 runtime fault (the same faults the PRAM
machine reports, detected by the AP-MDM's fault head; a run past T(n) or past ``--max-steps``).
``--batch-file F.json --backend weights``: many inputs of one size in lock step
(:mod:`constructions.batch_cli`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from constructions.batch_cli import add_batch_argument, batch_inputs, emit_batch
from constructions.cli_common import add_run_options, emit_report, run_kwargs
from constructions.interface import RunReport
from constructions.pram_apmdm.construction import DEFAULT_MAX_DECODING_STEPS, Theorem4
from constructions.pram_apmdm.layout import MAX_VALUE_BITS
from constructions.pram_apmdm.show import TokenNamer, render_run
from simulators.cli_support import ArgumentParser, int_arg, run_main
from simulators.errors import UsageError
from simulators.pram import load_program
from simulators.pram.inputs import add_input_arguments, inputs_from_args, parse_params
from simulators.processes.html import program_explainer


def _build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m constructions.pram_apmdm",
                     description="Theorem 4: an AP-MDM that simulates a .pram program in place "
                                 "(docs/theorem4.md).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("run", help="simulate a program and print its output and costs")
    add_input_arguments(p)
    add_run_options(p, default_max_steps=DEFAULT_MAX_DECODING_STEPS)
    add_batch_argument(p)
    p.add_argument("--value-bits", type=int_arg(2, MAX_VALUE_BITS), default=None,
                   help=f"bits of a token's value field, 2..{MAX_VALUE_BITS} (default "
                        f"{MAX_VALUE_BITS})")
    p.add_argument("--show", action="store_true", help="render the canvas after every step")
    p.add_argument("--max-rows", type=int_arg(1), default=60, help="canvases shown by --show")
    p.add_argument("--width", type=int_arg(20, 1000), default=160,
                   help="table width for --show (20..1000)")
    return parser


def _text(name: str, model: str, report: RunReport) -> str:
    ex = report.extra
    ops = ex["operations"]
    lines = [f"{name} ({model}) on the Theorem 4 AP-MDM"]
    lines += [f"  {k} = {v}" for k, v in report.output.items()]
    lines.append(f"  PRAM steps {ex['pram_steps']}, decoding steps {report.decoding_steps}, "
                 f"peak canvas {report.context_length} (initial {report.initial_length}), "
                 f"memory cells {ex['memory_cells']}, processor records "
                 f"{ex['processors_declared']} (used {ex['processors_used']}), "
                 f"depth {report.network['depth']}")
    lines.append(f"  operations: unmask {ops['unmask']}, remask {ops['remask']}, "
                 f"insert {ops['insert']}, delete {ops['delete']}; halted by {report.halt}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.max_rows < 1 or not 20 <= args.width <= 1000:
        raise UsageError("--max-rows must be >= 1 and --width in 20..1000")
    prog = load_program(args.file)
    batch = batch_inputs(args)
    if batch is not None:  # many inputs of one size, at weight level in lock step
        kwargs = run_kwargs(args)
        reports = Theorem4.run_batch(prog, batch, parse_params(args.param),
                                     max_steps=kwargs["max_steps"], device=args.device,
                                     value_bits=args.value_bits)
        emit_batch(args, reports, lambda r: _text(prog.name, prog.model.value, r))
        return 0
    inputs, params = inputs_from_args(args)
    thm = Theorem4.build(prog, inputs, params, value_bits=args.value_bits)
    kwargs = run_kwargs(args)
    kwargs["record_canvases"] = kwargs["record_canvases"] or args.show
    report = thm.run(**kwargs)
    if args.show:
        c = thm.built
        namer = TokenNamer(prog, c.binding, c.layout)
        assert report.trace is not None
        sys.stdout.write(render_run(namer, report.trace.canvases, max_rows=args.max_rows,
                                    width=args.width))
    views = explain = None
    if args.html and report.trace is not None:
        views = [thm.decode_state(cv) if thm.pram_step_after(d) is not None else None
                 for d, cv in enumerate(report.trace.canvases)]
        # the viewer's "why this token": the step network on each step's canvas
        explain = program_explainer(thm.program, report.trace)
    emit_report(args, report, text=lambda r: _text(prog.name, prog.model.value, r), views=views,
                explain=explain)
    return 0


def entry(argv: Sequence[str] | None = None) -> int:
    """``main`` wrapped so that project errors become messages and exit codes."""
    return run_main(main, argv)
