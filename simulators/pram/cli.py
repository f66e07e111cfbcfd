"""``python -m simulators.pram``: run, check, compile and trace ``.pram`` programs.

Exit codes: 0 success, 2 bad program text or usage, 3 runtime fault. Errors are printed as
``file:line:col: error: message`` with the source line and a caret -- never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from simulators.cli_support import run_main
from simulators.errors import SourceLocation, UsageError
from simulators.pram.compiler import load_program
from simulators.pram.listing import format_listing
from simulators.pram.machine import DEFAULT_MAX_STEPS, run

#: Largest --input-file read (bytes): a safety limit.
MAX_INPUT_FILE_BYTES = 256 * 1024 * 1024


class _Parser(argparse.ArgumentParser):
    """argparse that raises the project's UsageError instead of printing and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def _int(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise UsageError(f"{what}: {text.strip()!r} is not an integer") from None


def _parse_inputs(specs: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--input expects NAME=v1,v2,... (got {spec!r})")
        if name in out:
            raise UsageError(f"--input {name} given twice")
        text = values.strip().strip("[]")
        out[name] = [] if not text else [_int(v, f"--input {name}") for v in text.split(",")]
    return out


def _parse_params(specs: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param expects NAME=VALUE (got {spec!r})")
        out[name.strip()] = _int(value, f"--param {name.strip()}")
    return out


def _read_input_file(path: str) -> tuple[dict[str, list[int]], dict[str, int]]:
    """A JSON object ``{"A": [..], ...}``, optionally with ``"params": {"n": 5}``."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(MAX_INPUT_FILE_BYTES + 1)
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read input file: {err}", SourceLocation(path)) from None
    if len(text) > MAX_INPUT_FILE_BYTES:
        raise UsageError("input file too large", SourceLocation(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"invalid JSON: {err.msg}",
                         SourceLocation(path, err.lineno, err.colno)) from None
    except RecursionError:
        raise UsageError("input file nests too deeply", SourceLocation(path)) from None
    if not isinstance(data, dict):
        raise UsageError("the input file must hold a JSON object", SourceLocation(path))
    params = data.pop("params", {})
    if not isinstance(params, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in params.values()):
        raise UsageError("'params' must map names to integers", SourceLocation(path))
    for name, vals in data.items():
        if not isinstance(vals, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in vals):
            raise UsageError(f"'{name}' must be a list of integers", SourceLocation(path))
    return data, params


def _add_run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="a .pram program")
    p.add_argument("--input", action="append", default=[], metavar="NAME=v1,v2,...",
                   help="an input array (repeatable)")
    p.add_argument("--input-file", metavar="F.json",
                   help='inputs as a JSON object {"A": [..], "params": {"n": 5}}')
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a size parameter not determined by the inputs (repeatable)")
    p.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS,
                   help=f"step limit (default {DEFAULT_MAX_STEPS})")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m simulators.pram",
                     description="The reference PRAM machine and its .pram language "
                                 "(docs/pram.md).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    p_run = sub.add_parser("run", help="run a program and print its output and costs")
    _add_run_args(p_run)
    p_run.add_argument("--json", action="store_true", help="print exactly one JSON object")
    p_check = sub.add_parser("check", help="parse and validate a program")
    p_check.add_argument("file")
    p_comp = sub.add_parser("compile", help="show the instruction listing")
    p_comp.add_argument("file")
    p_trace = sub.add_parser("trace", help="run and print a per-step table")
    _add_run_args(p_trace)
    p_trace.add_argument("--max-rows", type=int, default=200, help="steps shown (default 200)")
    p_trace.add_argument("--width", type=int, default=140, help="table width (default 140)")
    return parser


def _inputs(args: argparse.Namespace) -> tuple[dict[str, list[int]], dict[str, int]]:
    inputs: dict[str, list[int]] = {}
    params: dict[str, int] = {}
    if args.input_file:
        inputs, params = _read_input_file(args.input_file)
    for name, vals in _parse_inputs(args.input).items():
        inputs[name] = vals
    params.update(_parse_params(args.param))
    if args.max_steps < 1:
        raise UsageError("--max-steps must be at least 1")
    return inputs, params


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
    inputs, params = _inputs(args)
    if args.command == "trace":
        from simulators.pram.trace_view import render_trace

        if args.max_rows < 1 or not 20 <= args.width <= 1000:
            raise UsageError("--max-rows must be >= 1 and --width in 20..1000")
        res = run(prog, inputs, params, max_steps=args.max_steps, trace=True)
        sys.stdout.write(render_trace(prog, res, max_rows=args.max_rows, width=args.width))
        return 0
    res = run(prog, inputs, params, max_steps=args.max_steps)
    if args.json:
        record = {
            "output": res.output, "steps": res.steps, "processors": res.processors,
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
