"""``python -m simulators.encoder``: list, dump and explain the library's encoder programs.

Examples::

    python -m simulators.encoder list
    python -m simulators.encoder dump most_recent_write --param addresses=4 --param values=8
    python -m simulators.encoder explain reverse --canvas "3 1 4 1 5"
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from simulators.cli_support import ArgumentParser, int_arg, parse_int, run_main
from simulators.encoder.library import LIBRARY
from simulators.encoder.program import Program
from simulators.errors import UsageError

# Defaults for the library factories' parameters when not given on the command line.
DEFAULTS = {"vocab": 10, "max_length": 32, "lo": -9, "hi": 9, "addresses": 4, "values": 8,
            "block": 4}
#: Every --param value lies in -PARAM_BOUND..PARAM_BOUND (the library's programs are small
#: teaching examples; a larger size would only make a listing nobody can read).
PARAM_BOUND = 1_000_000
#: Longest --canvas accepted.
MAX_CANVAS = 100_000


def _parse_params(items: Sequence[str]) -> dict[str, int]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param expects NAME=INT, got {item!r}")
        out[key.strip()] = parse_int(value, f"--param {key.strip()}", lo=-PARAM_BOUND,
                                     hi=PARAM_BOUND)
    return out


def build(name: str, params: dict[str, int]) -> Program:
    """The library program ``name`` with ``params`` (missing ones from :data:`DEFAULTS`)."""
    factory = cast(Callable[..., Program] | None, LIBRARY.get(name))
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


def _canvas(text: str, prog: Program) -> np.ndarray:
    """The token ids of ``--canvas``: 64-bit integers, at most the program's ``max_length`` of
    them (the program itself then checks them against its declared token range)."""
    items = text.replace(",", " ").split()
    if len(items) > MAX_CANVAS:
        raise UsageError(f"--canvas has {len(items)} tokens, more than {MAX_CANVAS}")
    tokens = [parse_int(t, f"--canvas token {i + 1}", lo=-(2**63), hi=2**63 - 1)
              for i, t in enumerate(items)]
    max_length = prog.max_length
    if len(tokens) > max_length:
        raise UsageError(f"--canvas has {len(tokens)} tokens but {prog.name} takes at most "
                         f"max_length = {max_length} (set --param max_length=N)")
    return np.array(tokens, dtype=np.int64)


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m simulators.encoder",
                            description="List, dump and explain library encoder programs.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", help="the library's programs and their parameters")
    for cmd in ("dump", "explain"):
        p = sub.add_parser(cmd, help=f"{cmd} a library program")
        p.add_argument("name")
        p.add_argument("--param", action="append", default=[], metavar="NAME=INT",
                       help=f"a factory parameter, |INT| <= {PARAM_BOUND} (repeatable)")
        if cmd == "explain":
            p.add_argument("--canvas", required=True, help='token ids, e.g. "3 1 4 1 5"')
            p.add_argument("--max-positions", type=int_arg(1, MAX_CANVAS), default=32,
                           help="positions shown (default 32)")
    args = parser.parse_args(argv)
    if args.command == "list":
        for name, factory_obj in sorted(LIBRARY.items()):
            factory = cast(Callable[..., Any], factory_obj)
            doc = (inspect.getdoc(factory) or "").splitlines()[0]
            print(f"{name:<18} ({', '.join(inspect.signature(factory).parameters)})  {doc}")
        return 0
    prog = build(args.name, _parse_params(args.param))
    if args.command == "dump":
        print(prog.dump())
        return 0
    print(prog.explain(_canvas(args.canvas, prog), max_positions=args.max_positions))
    return 0


def run(argv: Sequence[str] | None = None) -> int:
    return run_main(main, argv)
