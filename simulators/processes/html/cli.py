"""The ``html`` subcommand of ``python -m simulators.processes``: a trace file -> a page."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulators.errors import SourceLocation, UsageError
from simulators.processes.html import write_trace_html
from simulators.processes.trace import Trace


def add_html_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    page = sub.add_parser("html", help="write a self-contained HTML viewer of a trace JSON file")
    page.add_argument("trace", help="a file written by Trace.to_json()")
    page.add_argument("-o", "--output", required=True, metavar="PAGE",
                      help="the HTML file to write")
    page.add_argument("--title", default=None, help="page title (default: the file name)")


def run_html(args: argparse.Namespace, trace: Trace) -> int:
    if not trace.recorded:
        raise UsageError("the trace has no recorded canvases (recorded: false)",
                         SourceLocation(file=args.trace))
    try:
        write_trace_html(trace, args.output, title=args.title or Path(args.trace).name)
    except OSError as err:
        raise UsageError(f"cannot write {args.output}: {err.strerror}") from None
    return 0
