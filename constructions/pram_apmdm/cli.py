"""``python -m constructions.pram_apmdm run FILE --input ... [--param ...] [--json] [--show]``.

Runs a ``.pram`` program through the Theorem 4 AP-MDM. Exit codes as everywhere in the project:
0 success, 2 bad program text or usage, 3 runtime fault (the same faults the PRAM machine
reports, detected by the AP-MDM's fault head).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from constructions.pram_apmdm.layout import MAX_VALUE_BITS
from constructions.pram_apmdm.show import TokenNamer, render_run
from constructions.pram_apmdm.simulate import run
from simulators.cli_support import ArgumentParser, run_main
from simulators.errors import UsageError
from simulators.pram import load_program
from simulators.pram.inputs import add_input_arguments, inputs_from_args


def _build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m constructions.pram_apmdm",
                     description="Theorem 4: an AP-MDM that simulates a .pram program in place "
                                 "(docs/theorem4.md).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("run", help="simulate a program and print its output and costs")
    add_input_arguments(p)
    p.add_argument("--value-bits", type=int, default=None,
                   help=f"bits of a token's value field (default and maximum {MAX_VALUE_BITS})")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object")
    p.add_argument("--show", action="store_true", help="render the canvas after every step")
    p.add_argument("--max-rows", type=int, default=60, help="canvases shown by --show")
    p.add_argument("--width", type=int, default=160, help="table width for --show")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.max_rows < 1 or not 20 <= args.width <= 1000:
        raise UsageError("--max-rows must be >= 1 and --width in 20..1000")
    prog = load_program(args.file)
    inputs, params = inputs_from_args(args)
    res = run(prog, inputs, params, trace=args.show, value_bits=args.value_bits)
    if args.show:
        c = res.construction
        namer = TokenNamer(prog, c.binding, c.layout)
        sys.stdout.write(render_run(namer, res.trace.canvases, max_rows=args.max_rows,
                                    width=args.width))
    if args.json:
        print(json.dumps(res.to_json()))
        return 0
    print(f"{prog.name} ({prog.model.value}) on the Theorem 4 AP-MDM")
    for name, vals in res.output.items():
        print(f"  {name} = {vals}")
    ops = res.operations
    print(f"  PRAM steps {res.pram_steps}, decoding steps {res.decoding_steps}, "
          f"peak canvas {res.max_context_length} (initial {res.initial_context_length}), "
          f"memory cells {res.memory_cells}, processor records {res.processors}, "
          f"depth {res.depth}")
    print(f"  operations: unmask {ops['unmask']}, remask {ops['remask']}, "
          f"insert {ops['insert']}, delete {ops['delete']}; halted by {res.halt}")
    return 0


def entry(argv: Sequence[str] | None = None) -> int:
    """``main`` wrapped so that project errors become messages and exit codes."""
    return run_main(main, argv)
