"""Reading a PRAM program's inputs from the command line: ``--input NAME=v1,v2,...``,
``--param NAME=VALUE`` and ``--input-file F.json``. Shared by every CLI that runs a ``.pram``
program (the machine, the Theorem 1 MDM, the Theorem 4 AP-MDM) so they accept the same inputs
and report the same errors.
"""

from __future__ import annotations

import argparse

from simulators.cli_support import parse_int, read_json_file
from simulators.errors import SourceLocation, UsageError

#: Largest --input-file read (bytes): a safety limit.
MAX_INPUT_FILE_BYTES = 256 * 1024 * 1024
#: Every input value and parameter is a machine word: at most 64 bits (a program's narrower
#: ``word`` is checked when the inputs are bound to it).
WORD_MIN, WORD_MAX = -(2**63), 2**63 - 1


def _int(text: str, what: str) -> int:
    return parse_int(text, what, lo=WORD_MIN, hi=WORD_MAX)


def _word(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)
            and WORD_MIN <= value <= WORD_MAX)


def parse_inputs(specs: list[str]) -> dict[str, list[int]]:
    """``["A=3,1,4", "B="]`` -> ``{"A": [3, 1, 4], "B": []}``."""
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


def parse_params(specs: list[str]) -> dict[str, int]:
    """``["n=5"]`` -> ``{"n": 5}``."""
    out: dict[str, int] = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param expects NAME=VALUE (got {spec!r})")
        out[name.strip()] = _int(value, f"--param {name.strip()}")
    return out


def read_input_file(path: str) -> tuple[dict[str, list[int]], dict[str, int]]:
    """A JSON object ``{"A": [..], ...}``, optionally with ``"params": {"n": 5}``."""
    data = read_json_file(path, what="input file", max_bytes=MAX_INPUT_FILE_BYTES)
    if not isinstance(data, dict):
        raise UsageError("the input file must hold a JSON object", SourceLocation(path))
    return checked_inputs(data, path)


def checked_inputs(data: dict, path: str) -> tuple[dict[str, list[int]], dict[str, int]]:
    """One input object read from ``path`` (``{"A": [..], "params": {..}}``), validated."""
    data = dict(data)
    params = data.pop("params", {})
    if not isinstance(params, dict) or not all(_word(v) for v in params.values()):
        raise UsageError("'params' must map names to 64-bit integers", SourceLocation(path))
    for name, vals in data.items():
        if not isinstance(vals, list) or not all(_word(v) for v in vals):
            raise UsageError(f"'{name}' must be a list of 64-bit integers", SourceLocation(path))
    return data, params


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """The positional FILE plus ``--input``, ``--input-file`` and ``--param``."""
    p.add_argument("file", help="a .pram program")
    p.add_argument("--input", action="append", default=[], metavar="NAME=v1,v2,...",
                   help="an input array (repeatable)")
    p.add_argument("--input-file", metavar="F.json",
                   help='inputs as a JSON object {"A": [..], "params": {"n": 5}}')
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a size parameter not determined by the inputs (repeatable)")


def inputs_from_args(args: argparse.Namespace) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Input arrays and size parameters from the arguments of :func:`add_input_arguments`
    (``--input`` / ``--param`` override what the input file gives)."""
    inputs: dict[str, list[int]] = {}
    params: dict[str, int] = {}
    if args.input_file:
        inputs, params = read_input_file(args.input_file)
    inputs.update(parse_inputs(args.input))
    params.update(parse_params(args.param))
    return inputs, params
