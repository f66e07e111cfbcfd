"""``python -m simulators.encoder``: list, dump and explain the library's encoder programs.

Examples::

    python -m simulators.encoder list
    python -m simulators.encoder dump most_recent_write --param addresses=4 --param values=8
    python -m simulators.encoder explain reverse --canvas "3 1 4 1 5"
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Sequence

import numpy as np

from simulators.cli_support import run_main
from simulators.encoder.library import LIBRARY
from simulators.encoder.program import Program
from simulators.errors import UsageError

# Defaults for the library factories' parameters when not given on the command line.
DEFAULTS = {"vocab": 10, "max_length": 32, "lo": -9, "hi": 9, "addresses": 4, "values": 8,
            "block": 4}


def _parse_params(items: Sequence[str]) -> dict[str, int]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--param expects NAME=INT, got {item!r}")
        try:
            out[key.strip()] = int(value)
        except ValueError:
            raise UsageError(f"--param {key}: {value!r} is not an integer") from None
    return out


def build(name: str, params: dict[str, int]) -> Program:
    """The library program ``name`` with ``params`` (missing ones from :data:`DEFAULTS`)."""
    factory = LIBRARY.get(name)
    if factory is None:
        raise UsageError(f"unknown program {name!r}; known: {' '.join(sorted(LIBRARY))}")
    sig = inspect.signature(factory)
    unknown = set(params) - set(sig.parameters)
    if unknown:
        raise UsageError(f"{name} takes no parameter(s) {sorted(unknown)}; "
                         f"it takes: {' '.join(sig.parameters)}")
    kwargs = {p: params.get(p, DEFAULTS.get(p)) for p in sig.parameters
              if p in params or p in DEFAULTS}
    return factory(**kwargs)


def _canvas(text: str) -> np.ndarray:
    try:
        return np.array([int(t) for t in text.replace(",", " ").split()], dtype=np.int64)
    except ValueError:
        raise UsageError(f"--canvas must be integers separated by spaces, got {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.encoder",
                                     description="List, dump and explain library encoder programs.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the library's programs and their parameters")
    for cmd in ("dump", "explain"):
        p = sub.add_parser(cmd, help=f"{cmd} a library program")
        p.add_argument("name")
        p.add_argument("--param", action="append", default=[], metavar="NAME=INT")
        if cmd == "explain":
            p.add_argument("--canvas", required=True, help='token ids, e.g. "3 1 4 1 5"')
            p.add_argument("--max-positions", type=int, default=32)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command == "list":
        for name, factory in sorted(LIBRARY.items()):
            doc = (inspect.getdoc(factory) or "").splitlines()[0]
            print(f"{name:<18} ({', '.join(inspect.signature(factory).parameters)})  {doc}")
        return 0
    prog = build(args.name, _parse_params(args.param))
    if args.command == "dump":
        print(prog.dump())
        return 0
    print(prog.explain(_canvas(args.canvas), max_positions=args.max_positions))
    return 0


def run(argv: Sequence[str] | None = None) -> int:
    return run_main(main, argv)
