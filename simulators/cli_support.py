"""Shared CLI plumbing: argument validation at the boundary, bounded readers, limits, and turning
project errors into ``file:line:col: error: ...`` plus an exit code.

Every ``python -m ...`` entry point wraps its ``main`` with :func:`run_main`, so nothing a user
can cause ends in a Python traceback: exit 0 success, 2 invalid program or usage, 3 runtime fault.
With ``--json`` on the command line an error is *also* printed on stdout as one JSON object
``{"error": {"kind", "message", "exit_code", ...}}`` so scripts never parse stderr.

The argument types below (:func:`int_arg`, :func:`seed_arg`, :func:`probability_arg`, ...) are
``argparse`` ``type=`` callables: a bad value is reported by argparse as ``argument --NAME: ...``
with the allowed values, and :class:`ArgumentParser` turns that into a :class:`UsageError`.
The readers (:func:`read_text_file`, :func:`load_json`) bound what a user's file can make us do:
its size, its text encoding, its JSON nesting depth and the digits of its numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import enum
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

from simulators.errors import LimitExceeded, ProjectError, SourceLocation, UsageError

#: Largest text file any CLI reads (bytes), unless the caller passes its own cap.
MAX_TEXT_FILE_BYTES = 256 * 1024 * 1024
#: Deepest JSON nesting accepted (the project's own files nest fewer than 10 levels).
MAX_JSON_DEPTH = 64
#: Most decimal digits in an integer a user may type or put in a JSON file: a 64-bit word has at
#: most 20 digits, so anything longer is refused with a clear message before Python's own
#: int-string limit (4300 digits) can raise a ValueError deep inside a parser.
MAX_INT_DIGITS = 40
#: Largest seed (numpy's ``default_rng`` takes any non-negative integer; we keep it to 64 bits).
MAX_SEED = 2**63 - 1


# --------------------------------------------------------------------------------------------
# integers and numbers


def parse_int(text: str, what: str, *, lo: int | None = None, hi: int | None = None) -> int:
    """``text`` as an integer in ``lo..hi`` (either end open when None), else a UsageError that
    names ``what`` and the allowed range. Refuses over-long digit strings before converting."""
    s = str(text).strip()
    digits = s.lstrip("+-")
    if len(digits) > MAX_INT_DIGITS and digits.isdigit():
        raise UsageError(f"{what}: an integer of {len(digits)} digits is too large "
                         f"(at most {MAX_INT_DIGITS} digits{_range_text(lo, hi, ', ')})")
    try:
        value = int(s)
    except ValueError:
        expected = _range_text(lo, hi, " (expected an integer ")
        raise UsageError(f"{what}: {_short(s)!r} is not an integer"
                         f"{expected}{')' if expected else ''}") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise UsageError(f"{what} must be an integer {_range_text(lo, hi)}, got {value}")
    return value


def _range_text(lo: int | None, hi: int | None, lead: str = "") -> str:
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f"{lead}>= {lo}"
    if lo is None:
        return f"{lead}<= {hi}"
    return f"{lead}in {lo}..{hi}"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def int_arg(lo: int | None = None, hi: int | None = None) -> Callable[[str], int]:
    """An argparse ``type=`` for an integer in ``lo..hi``: ``type=int_arg(1, 10**6)``."""

    def convert(text: str) -> int:
        try:
            return parse_int(text, "value", lo=lo, hi=hi)
        except UsageError as err:
            # argparse prefixes "argument --NAME: " itself
            raise argparse.ArgumentTypeError(err.message.removeprefix("value: ")
                                             .removeprefix("value ")) from None

    convert.__name__ = "integer"
    return convert


#: ``--seed``: any integer in 0..2**63-1 (numpy refuses negative seeds with a ValueError).
seed_arg = int_arg(0, MAX_SEED)


def probability_arg(*, open_low: bool = True, open_high: bool = True) -> Callable[[str], Fraction]:
    """An argparse ``type=`` for a probability written ``0.3`` or ``1/3``, kept exact as a
    :class:`~fractions.Fraction`; errors print the number as typed (never ``Fraction(...)``)."""
    if open_low and open_high:
        allowed = "a number strictly between 0 and 1, such as 0.3 or 1/3"
    else:
        low, high = ("(" if open_low else "["), (")" if open_high else "]")
        allowed = f"a number in {low}0, 1{high} such as 0.3 or 1/3"

    def convert(text: str) -> Fraction:
        s = text.strip()
        if len(s) > 2 * MAX_INT_DIGITS:
            raise argparse.ArgumentTypeError(f"expected {allowed}, got a {len(s)}-character value")
        try:
            value = Fraction(s)
        except (ValueError, ZeroDivisionError):
            raise argparse.ArgumentTypeError(f"expected {allowed}, got {s!r}") from None
        too_low = value <= 0 if open_low else value < 0
        too_high = value >= 1 if open_high else value > 1
        if too_low or too_high:
            raise argparse.ArgumentTypeError(f"expected {allowed}, got {s}")
        return value

    convert.__name__ = "probability"
    return convert


# --------------------------------------------------------------------------------------------
# files


def read_text_file(path: str | os.PathLike[str], *, what: str = "file",
                   max_bytes: int = MAX_TEXT_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file, with one clear UsageError (naming the file) for: missing,
    a directory, a device or pipe, larger than ``max_bytes``, not UTF-8 text."""
    p = Path(path)
    where = SourceLocation(file=str(p))
    if "\x00" in str(p):
        raise UsageError(f"{what}: a file name cannot contain a NUL character",
                         SourceLocation(file=repr(str(p))))
    try:
        st = p.stat()
    except FileNotFoundError:
        raise UsageError(f"{what}: cannot read: no such file", where) from None
    except OSError as err:
        raise UsageError(f"{what}: cannot read: {err.strerror or err}", where) from None
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{what}: is a directory, not a file", where)
    if not stat.S_ISREG(st.st_mode):
        kind = ("a character device" if stat.S_ISCHR(st.st_mode) else
                "a pipe" if stat.S_ISFIFO(st.st_mode) else "not a regular file")
        raise UsageError(f"{what}: is {kind}, not a regular file", where)
    if st.st_size > max_bytes:
        raise UsageError(f"{what}: {st.st_size} bytes exceed the limit of {max_bytes} bytes",
                         where)
    try:
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as err:
        raise UsageError(f"{what}: cannot read: {err.strerror or err}", where) from None
    if len(data) > max_bytes:
        raise UsageError(f"{what}: larger than the limit of {max_bytes} bytes", where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UsageError(f"{what}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset "
                         f"{err.start}; is it a binary file?)",
                         SourceLocation(str(p), line)) from None


def output_path_arg(text: str) -> str:
    """An argparse ``type=`` for a file the command will write (``--output``, ``--html``):
    checked before any work starts -- not empty, not a directory, in an existing directory."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a file path to write, got an empty string")
    if "\x00" in text:
        raise argparse.ArgumentTypeError("a file name cannot contain a NUL character")
    p = Path(text)
    if p.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a directory; expected a file path to write")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text}: directory {parent} does not exist")
    return text


def json_depth_error(text: str, max_depth: int) -> int | None:
    """Offset where ``text``'s bracket nesting first exceeds ``max_depth`` (ignoring brackets
    inside strings), or None. Linear scan, run before :func:`json.loads` so deep input is
    refused instead of exhausting the recursion limit."""
    depth = 0
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                return i
        elif ch in "]}":
            depth -= 1
    return None


def _bounded_json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _JSONNumberTooLong(text)
    return int(text)


class _JSONNumberTooLong(ValueError):
    pass


def load_json(text: str, *, file: str = "<input>", max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` with bounds: nesting depth, integer digits; NaN/Infinity refused. Errors are
    UsageErrors located at ``file:line:col``."""
    bad = json_depth_error(text, max_depth)
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        raise UsageError(f"JSON nests deeper than {max_depth} levels",
                         SourceLocation(file, line, col))

    def no_constant(name: str) -> NoReturn:
        raise UsageError(f"JSON value {name} is not allowed", SourceLocation(file))

    try:
        return json.loads(text, parse_int=_bounded_json_int, parse_constant=no_constant)
    except _JSONNumberTooLong as err:
        raise UsageError(f"JSON integer of {len(str(err).lstrip('-'))} digits is too large "
                         f"(at most {MAX_INT_DIGITS} digits)", SourceLocation(file)) from None
    except json.JSONDecodeError as err:
        raise UsageError(f"invalid JSON: {err.msg}",
                         SourceLocation(file, err.lineno, err.colno)) from None
    except RecursionError:  # pragma: no cover - the depth scan refuses this first
        raise UsageError("JSON nests too deeply", SourceLocation(file)) from None


def read_json_file(path: str | os.PathLike[str], *, what: str = "JSON file",
                   max_bytes: int = MAX_TEXT_FILE_BYTES, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """:func:`read_text_file` then :func:`load_json`."""
    return load_json(read_text_file(path, what=what, max_bytes=max_bytes), file=str(path),
                     max_depth=max_depth)


# --------------------------------------------------------------------------------------------
# memory and progress


def available_memory_bytes() -> int | None:
    """``MemAvailable`` from /proc/meminfo (None where unknown), capped by RLIMIT_AS if set."""
    avail: int | None = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        avail = None
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            avail = soft if avail is None else min(avail, soft)
    except (ImportError, ValueError, OSError):  # pragma: no cover - non-POSIX
        pass
    return avail


def format_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    raise AssertionError("unreachable")


def check_memory(estimate: float, *, what: str, limit: float | None = None,
                 flag: str | None = None) -> None:
    """Refuse (LimitExceeded, exit 3) *before allocating* when ``estimate`` bytes exceed ``limit``
    (the caller's configured cap; ``flag`` is how to raise it) or the machine's available memory
    (which no flag can raise)."""
    if limit is not None and estimate > limit:
        how = f"; raise {flag} if intended" if flag else ""
        raise LimitExceeded(f"{what} would need about {format_bytes(estimate)}, over the limit of "
                            f"{format_bytes(limit)}{how}")
    avail = available_memory_bytes()
    if avail is not None and estimate > 0.8 * avail:
        raise LimitExceeded(f"{what} would need about {format_bytes(estimate)}, more than this "
                            f"machine can spare ({format_bytes(avail)} available)")


class Progress:
    """Progress lines on stderr, only when stderr is a terminal or ``enabled=True``
    (``--progress``), at most one every ``interval`` seconds and only after ``delay`` seconds (so
    quick runs stay silent)."""

    def __init__(self, what: str, total: int | None = None, *, enabled: bool | None = None,
                 delay: float = 2.0, interval: float = 1.0) -> None:
        self.what, self.total = what, total
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = time.monotonic()
        self.next = self.start + delay
        self.interval = interval
        self.shown = False

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self.next:
            return
        self.next = now + self.interval
        of = f"/{self.total}" if self.total is not None else ""
        print(f"{self.what}: {done}{of} ({now - self.start:.0f} s)", file=sys.stderr, flush=True)
        self.shown = True

    def done(self) -> None:
        if self.enabled and self.shown:
            print(f"{self.what}: done ({time.monotonic() - self.start:.1f} s)", file=sys.stderr,
                  flush=True)


def add_progress_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--progress", action="store_true", default=None,
                   help="progress lines on stderr (default: only when stderr is a terminal)")


# --------------------------------------------------------------------------------------------
# running a main


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def error_record(err: ProjectError) -> dict[str, Any]:
    """The ``{"error": {...}}`` object printed on stdout with ``--json``: kind, message, exit code,
    location, and the fields of a runtime fault's structured record when it has one."""
    body: dict[str, Any] = {"kind": err.kind, "type": type(err).__name__,
                            "message": err.message, "exit_code": err.exit_code}
    loc = err.location
    if loc is not None:
        body.update(file=loc.file, line=loc.line, col=loc.col)
    for attr in ("record", "fault"):
        rec = getattr(err, attr, None)
        if rec is not None:
            to_json = getattr(rec, "to_json", None)
            fields = to_json() if callable(to_json) else _jsonable(rec)
            body["fault"] = fields
            if isinstance(fields, dict):
                for key, value in fields.items():
                    body.setdefault(key, value)
            break
    return {"error": body}


def _wants_json(argv: Sequence[str] | None) -> bool:
    args = sys.argv[1:] if argv is None else list(argv)
    return "--json" in args[: args.index("--")] if "--" in args else "--json" in args


def run_main(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> int:
    """Run ``main(argv)``; print project errors to stderr (and, with ``--json``, as a JSON object
    on stdout) and return their exit code. Running out of memory is a runtime fault (exit 3)."""
    try:
        return main(argv)
    except ProjectError as err:
        return _report(err, argv)
    except MemoryError:
        return _report(LimitExceeded("out of memory (use smaller inputs or lower limits)"), argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:  # a file or device the user named (unreadable, unwritable, full disk)
        where = SourceLocation(str(err.filename)) if err.filename else None
        return _report(UsageError(f"cannot access: {err.strerror or err}", where), argv)


def _report(err: ProjectError, argv: Sequence[str] | None) -> int:
    if _wants_json(argv):
        with contextlib.suppress(BrokenPipeError):
            print(json.dumps(error_record(err)), flush=True)
    print(err.format(), file=sys.stderr)
    return err.exit_code


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises the project's :class:`UsageError` (exit 2, one-line message)
    instead of printing its own usage block and exiting; sub-parsers inherit it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", type(self))
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")
