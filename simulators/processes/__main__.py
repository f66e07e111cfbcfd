"""``python -m simulators.processes show TRACE.json [--plain] [--max-steps N]``
and ``python -m simulators.processes html TRACE.json -o PAGE.html`` (the browser viewer).

Shows a saved trace (written with ``trace.to_json()``) step by step, with the operations of each
step highlighted (see docs/processes.md, "Rendering"). Errors are reported as
``file: error: message`` (exit 2), never as a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulators.cli_support import ArgumentParser, int_arg, read_text_file, run_main
from simulators.errors import SourceLocation, UsageError
from simulators.processes.render import render_trace, trace_to_text
from simulators.processes.trace import Trace

MAX_FILE_BYTES = 1 << 30  # refuse to read a trace file larger than this into memory
MAX_SHOWN = 1_000_000  # --max-steps / --max-positions: more than any terminal can show


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m simulators.processes",
                     description="Show a saved generation trace.")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="render a trace JSON file")
    show.add_argument("trace", help="a file written by Trace.to_json()")
    show.add_argument("--plain", action="store_true", help="plain text, no colours")
    show.add_argument("--max-steps", type=int_arg(0, MAX_SHOWN), default=50,
                      help="steps shown (default 50)")
    show.add_argument("--max-positions", type=int_arg(1, MAX_SHOWN), default=120,
                      help="canvas positions shown per step (default 120)")
    from simulators.processes.html.cli import add_html_parser, run_html

    add_html_parser(sub)  # ``html TRACE.json -o PAGE``: the browser viewer
    args = parser.parse_args(argv)
    text = read_text_file(args.trace, what="trace file", max_bytes=MAX_FILE_BYTES)
    try:
        trace = Trace.from_json(text)
    except UsageError as err:
        loc = err.location
        where = SourceLocation(file=args.trace, line=loc.line if loc else None,
                               col=loc.col if loc else None)
        raise UsageError(err.message, where) from None
    if args.command == "html":
        return run_html(args, trace)
    if args.plain:
        print(trace_to_text(trace, max_steps=args.max_steps, max_positions=args.max_positions))
    else:
        render_trace(trace, max_steps=args.max_steps, max_positions=args.max_positions)
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
