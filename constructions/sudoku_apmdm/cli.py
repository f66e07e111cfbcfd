"""``python -m constructions.sudoku_apmdm solve --size 9 --puzzle "53..7...." [--json] [--show]``.

Solves the puzzle with the Sudoku AP-MDM on the shared engine and prints the solution (or "no
solution"), the decoding steps, the backtracks and the context length (``--json``: the shared
report of every construction CLI; ``output`` = ``{"solution", "solved"}``, ``extra`` has
``backtracks``). ``--show`` draws the grid after every step: cells filled at a depth ``> 0`` are
marked with their depth, the branch cells with ``*``, dead ends with ``x``. Bad puzzles (a size
other than 4/6/9, a wrong number of cells, characters other than digits ``1..n`` and ``.``,
givens that repeat a value in a row/column/box) exit 2 with a message; a run longer than
``--max-steps`` exits 3.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from constructions.cli_common import add_run_options, emit_report, run_kwargs
from constructions.interface import RunReport
from constructions.sudoku_apmdm.construction import SudokuConstruction
from constructions.sudoku_apmdm.layout import BOX_SHAPES
from constructions.sudoku_apmdm.process import DEFAULT_MAX_STEPS
from constructions.sudoku_apmdm.show import render_state
from simulators.cli_support import ArgumentParser, run_main
from simulators.errors import LimitExceeded
from simulators.processes.html import program_explainer

MAX_SHOW_STEPS = 20_000  # --show/--html keep every canvas


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m constructions.sudoku_apmdm",
                            description="Sudoku by remask backtracking (AP-MDM).")
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser("solve", help="solve one puzzle")
    solve.add_argument("--size", type=int, choices=sorted(BOX_SHAPES), default=9,
                       help="grid size (boxes 2x2, 2x3, 3x3)")
    solve.add_argument("--puzzle", required=True,
                       help="n*n characters in row order: digits 1..n, '.' or '0' for empty")
    solve.add_argument("--show", action="store_true", help="draw the grid after every step")
    add_run_options(solve, default_max_steps=DEFAULT_MAX_STEPS)
    return parser


def _text(report: RunReport) -> str:
    out = report.output
    head = f"solution {out['solution']}" if out["solved"] else "no solution"
    return (f"{head}\ndecoding steps {report.decoding_steps}, backtracks "
            f"{report.extra['backtracks']}, context length {report.context_length}, "
            f"network depth {report.network['depth']} ({report.network['heads']} heads per layer)")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    con = SudokuConstruction.from_text(args.size, args.puzzle)
    kwargs = run_kwargs(args)
    record = args.show or kwargs["record_canvases"]
    if record:
        kwargs["record_canvases"] = True
        kwargs["max_steps"] = min(kwargs["max_steps"] or MAX_SHOW_STEPS, MAX_SHOW_STEPS)
    try:
        report = con.run(**kwargs)
    except LimitExceeded as err:
        if record and kwargs["max_steps"] == MAX_SHOW_STEPS:
            raise LimitExceeded(f"{err.message} (--show/--html keep at most {MAX_SHOW_STEPS} "
                                "steps)") from None
        raise
    trace = report.trace
    if args.show and trace is not None:
        for step, canvas in enumerate(trace.canvases):
            print(f"step {step}: next {con.decode_state(canvas)['next_step']}")
            print(render_state(con.layout, canvas))
            print()
    views = explain = None
    if args.html and trace is not None:
        views = [con.decode_state(c) for c in trace.canvases]
        explain = program_explainer(con.program, trace)
    emit_report(args, report, text=_text, views=views, explain=explain,
                title=f"Sudoku {args.size}x{args.size}",
                task_keys=("solution", "solved", "backtracks"))
    return 0


def entry(argv: Sequence[str] | None = None) -> int:
    return run_main(main, argv)
