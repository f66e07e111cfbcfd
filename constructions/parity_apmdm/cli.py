"""``python -m constructions.parity_apmdm 0110101 [--show] [--json]``: parity by the AP-MDM.

Prints the parity, the decoding steps and the halting reason (``--json``: the shared report of
every construction CLI, docs/interfaces.md). Exit 0 / 2 (not a bit string) / 3 (step limit).
"""

from __future__ import annotations

from collections.abc import Sequence

from constructions.cli_common import add_run_options, emit_report, run_kwargs
from constructions.interface import RunReport
from constructions.parity_apmdm.construction import Parity
from constructions.parity_apmdm.process import PARITY_VOCAB
from simulators.cli_support import ArgumentParser, run_main
from simulators.errors import UsageError
from simulators.processes.html import program_explainer


def _text(report: RunReport) -> str:
    return f"parity={report.output} steps={report.decoding_steps} halt={report.halt}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = ArgumentParser(prog="python -m constructions.parity_apmdm",
                        description="Parity of a bit string by the AP-MDM construction.")
    ap.add_argument("bits", help="a string of 0s and 1s, e.g. 0110101")
    ap.add_argument("--show", action="store_true", help="print every canvas")
    add_run_options(ap)
    args = ap.parse_args(argv)
    if not args.bits or set(args.bits) - {"0", "1"}:
        raise UsageError(f"expected a non-empty string of 0s and 1s, got {args.bits!r}")
    thm = Parity.from_bits([int(c) for c in args.bits])
    kwargs = run_kwargs(args)
    kwargs["record_canvases"] = kwargs["record_canvases"] or args.show
    report = thm.run(**kwargs)
    if args.show and not args.json and report.trace is not None:
        for c in report.trace.canvases:
            print(PARITY_VOCAB.render(c))
    views = explain = None
    if args.html and report.trace is not None:
        views = [thm.decode_state(c) for c in report.trace.canvases]
        explain = program_explainer(thm.program, report.trace)  # the viewer's "why"
    emit_report(args, report, text=_text, views=views, explain=explain)
    return 0


def entry(argv: Sequence[str] | None = None) -> int:
    return run_main(main, argv)
