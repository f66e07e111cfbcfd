"""``python -m simulators.pram``: run, check, compile and trace ``.pram`` programs.

Exit codes: 0 success, 2 bad program text or usage, 3 runtime fault. Errors are printed as
``file:line:col: error: message`` with the source line and a caret -- never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from simulators.cli_support import ArgumentParser, int_arg, run_main
from simulators.pram.compiler import load_program
from simulators.pram.inputs import add_input_arguments, inputs_from_args
from simulators.pram.listing import format_listing
from simulators.pram.machine import DEFAULT_MAX_STEPS, run


def _add_run_args(p: argparse.ArgumentParser) -> None:
    add_input_arguments(p)
    p.add_argument("--max-steps", type=int_arg(1), default=DEFAULT_MAX_STEPS,
                   help=f"step limit (default {DEFAULT_MAX_STEPS})")


def _build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m simulators.pram",
                     description="The reference PRAM machine and its .pram language "
                                 "(docs/pram.md).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p_run = sub.add_parser("run", help="run a program and print its output and costs")
    _add_run_args(p_run)
    p_run.add_argument("--json", action="store_true", help="print exactly one JSON object")
    p_check = sub.add_parser("check", help="parse and validate a program")
    p_check.add_argument("file")
    p_comp = sub.add_parser("compile", help="show the instruction listing")
    p_comp.add_argument("file")
    p_trace = sub.add_parser("trace", help="run and print a per-step table")
    _add_run_args(p_trace)
    p_trace.add_argument("--max-rows", type=int_arg(1), default=200,
                         help="steps shown (default 200)")
    p_trace.add_argument("--width", type=int_arg(20, 1000), default=140,
                         help="table width, 20..1000 (default 140)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point (wrapped by :func:`run_main`)."""
    args = _build_parser().parse_args(argv)
    if args.command is None:
        _build_parser().print_help()
        return 2
    prog = load_program(args.file)
    if args.command == "check":
        print(f"{args.file}: ok: program {prog.name}, model {prog.model.value}, "
              f"{len(prog.instructions)} instructions, {prog.n_registers} registers")
        return 0
    if args.command == "compile":
        sys.stdout.write(format_listing(prog))
        return 0
    inputs, params = inputs_from_args(args)
    if args.command == "trace":
        from simulators.pram.trace_view import render_trace

        res = run(prog, inputs, params, max_steps=args.max_steps, trace=True)
        sys.stdout.write(render_trace(prog, res, max_rows=args.max_rows, width=args.width))
        return 0
    res = run(prog, inputs, params, max_steps=args.max_steps)
    if args.json:
        record = {
            # "processors" is the number used (kept for existing readers); the two explicit keys
            # are the ones every construction's JSON uses too
            "output": res.output, "steps": res.steps, "processors": res.processors,
            "processors_used": res.processors, "processors_declared": res.bounds["processors"],
            "work": res.work, "memory_cells": res.memory_cells, "model": res.model,
            "bounds": res.bounds, "sizes": res.sizes,
        }
        print(json.dumps(record))
        return 0
    sizes = ", ".join(f"{k}={v}" for k, v in res.sizes.items())
    print(f"{prog.name} ({res.model}){' on ' + sizes if sizes else ''}")
    for name, vals in res.output.items():
        print(f"  {name} = {_short(vals)}")
    print(f"  steps {res.steps} (bound {res.bounds['time']}), processors {res.processors} "
          f"(bound {res.bounds['processors']}), work {res.work}, "
          f"memory cells {res.memory_cells}")
    return 0


def _short(vals: list[int], limit: int = 64) -> str:
    if len(vals) <= limit:
        return str(vals)
    head = ", ".join(str(v) for v in vals[:limit])
    return f"[{head}, ... ({len(vals) - limit} more)]"


def entry(argv: Sequence[str] | None = None) -> int:
    """``main`` wrapped so that project errors become messages and exit codes."""
    return run_main(main, argv)
