"""``python -m constructions.edit_apmdm run --sequence abcab --edits "ins 0 d, del 2" [--json]``
and ``python -m constructions.edit_apmdm random --length 10 --edits 8 --seed 3 [--json]``.

Applies the edit log to the sequence with the edit-tracking AP-MDM on the shared engine and
prints the final sequence, the decoding steps and the context length (``--json``: the shared
construction report; ``output`` is the final sequence). ``--show`` prints every canvas. Bad
input (letters outside the alphabet, malformed edits, positions out of range for the sequence at
that edit) exits 2 with a message naming the edit.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from constructions.cli_common import add_run_options, emit_report, run_kwargs
from constructions.edit_apmdm.construction import EditConstruction, from_text
from constructions.edit_apmdm.layout import LETTERS, random_instance
from constructions.interface import RunReport
from simulators.cli_support import ArgumentParser, run_main
from simulators.errors import UsageError
from simulators.processes.html import program_explainer

MAX_RANDOM = 10_000


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m constructions.edit_apmdm",
                            description="Edit tracking (Theorem 6's task) by an AP-MDM.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="apply an edit log to a sequence")
    run.add_argument("--sequence", required=True, help="letters, e.g. abcab ('' for empty)")
    run.add_argument("--edits", required=True,
                     help="comma-separated 'ins POS LETTER' / 'del POS' (positions 0-based, "
                          "in the sequence as it is at that edit)")
    rnd = sub.add_parser("random", help="a random sequence and edit log")
    rnd.add_argument("--length", type=int, default=10, help="initial sequence length")
    rnd.add_argument("--edits", type=int, default=8, help="number of edits")
    rnd.add_argument("--seed", type=int, default=0)
    for p in (run, rnd):
        p.add_argument("--k", type=int, default=4, help="alphabet size (letters a..)")
        p.add_argument("--show", action="store_true", help="print every canvas")
        add_run_options(p)
    return parser


def _text(report: RunReport) -> str:
    return (f"final sequence {report.output!r}\ndecoding steps {report.decoding_steps} for "
            f"{report.extra['edits']} edits, context length {report.context_length}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.k <= len(LETTERS):
        raise UsageError(f"--k must be in 1..{len(LETTERS)}")
    if args.command == "run":
        con = from_text(args.sequence, args.edits, args.k)
    else:
        if not (0 <= args.length <= MAX_RANDOM and 0 <= args.edits <= MAX_RANDOM):
            raise UsageError(f"--length and --edits must be in 0..{MAX_RANDOM}")
        if args.seed < 0:
            raise UsageError("--seed must be >= 0")
        seq, edits = random_instance(np.random.default_rng(args.seed), args.length, args.edits,
                                     args.k)
        con = EditConstruction(seq, edits, args.k)
    kwargs = run_kwargs(args)
    kwargs["record_canvases"] = kwargs["record_canvases"] or args.show
    report = con.run(**kwargs)
    trace = report.trace
    if args.show and trace is not None:
        for step, canvas in enumerate(trace.canvases):
            print(f"step {step:3d}: {con.vocab.render(canvas)}")
    views = explain = None
    if args.html and trace is not None:
        views = [con.decode_state(c) for c in trace.canvases]
        explain = program_explainer(con.program, trace)
    emit_report(args, report, text=_text, views=views, explain=explain, title="edit tracking")
    return 0


def entry(argv: Sequence[str] | None = None) -> int:
    return run_main(main, argv)
