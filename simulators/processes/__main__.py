"""``python -m simulators.processes show TRACE.json [--plain] [--max-steps N]``

Shows a saved trace (written with ``trace.to_json()``) step by step, with the operations of each
step highlighted (see docs/processes.md, "Rendering"). Errors are reported as
``file: error: message`` (exit 2), never as a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from simulators.cli_support import ArgumentParser, run_main
from simulators.errors import SourceLocation, UsageError
from simulators.processes.render import render_trace, trace_to_text
from simulators.processes.trace import Trace

MAX_FILE_BYTES = 1 << 30  # refuse to read a trace file larger than this into memory


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m simulators.processes",
                     description="Show a saved generation trace.")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="render a trace JSON file")
    show.add_argument("trace", help="a file written by Trace.to_json()")
    show.add_argument("--plain", action="store_true", help="plain text, no colours")
    show.add_argument("--max-steps", type=int, default=50)
    show.add_argument("--max-positions", type=int, default=120)
    args = parser.parse_args(argv)
    path = Path(args.trace)
    where = SourceLocation(file=str(path))
    if not path.is_file():
        raise UsageError("no such file", where)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UsageError(f"file larger than {MAX_FILE_BYTES} bytes", where)
    try:
        trace = Trace.from_json(path.read_text(encoding="utf-8"))
    except UsageError as err:
        raise UsageError(err.message, where) from None
    except UnicodeDecodeError:
        raise UsageError("not a UTF-8 text file", where) from None
    if args.max_steps < 0 or args.max_positions < 1:
        raise UsageError("--max-steps must be >= 0 and --max-positions >= 1")
    if args.plain:
        print(trace_to_text(trace, max_steps=args.max_steps, max_positions=args.max_positions))
    else:
        render_trace(trace, max_steps=args.max_steps, max_positions=args.max_positions)
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
