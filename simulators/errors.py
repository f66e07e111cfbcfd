"""The project's error hierarchy.

Every error a *user* can cause (bad program text, bad input, a forbidden memory conflict, a limit
hit, mismatched array lengths handed to ``g``) is a :class:`ProjectError`. CLIs catch exactly this
class and print it as ``file:line:col: error: message`` with the source line and a caret, then exit
with the error's ``exit_code`` -- never a Python traceback (see :mod:`simulators.cli_support`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


@dataclass(frozen=True)
class SourceLocation:
    """A position in a source text (1-based line and column)."""

    file: str = "<input>"
    line: int | None = None
    col: int | None = None
    source_line: str | None = None

    def prefix(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


class ProjectError(Exception):
    """Base class of every error a user can cause. ``exit_code`` is what a CLI exits with."""

    exit_code: int = 2
    kind: str = "error"

    def __init__(self, message: str, location: SourceLocation | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def format(self) -> str:
        """``file:line:col: error: message`` plus the source line and a caret when known."""
        head = f"{self.location.prefix()}: " if self.location else ""
        text = f"{head}{self.kind}: {self.message}"
        loc = self.location
        if loc and loc.source_line is not None:
            line, col = _window(loc.source_line.rstrip("\n"), loc.col)
            text += "\n    " + line
            if col is not None:
                text += "\n    " + " " * max(col - 1, 0) + "^"
        return text

    def __str__(self) -> str:
        return self.format()


#: Longest source line shown under an error; longer lines (a 5,000-digit literal, a generated
#: 1,000-term sum) are cut to a window around the caret, marked with "...".
_MAX_SHOWN = 120


def _window(line: str, col: int | None) -> tuple[str, int | None]:
    """``line`` cut to at most about _MAX_SHOWN characters around ``col`` (1-based), and the
    caret's column in the cut line."""
    if len(line) <= _MAX_SHOWN:
        return line, col
    at = (col or 1) - 1
    start = max(0, min(at - _MAX_SHOWN // 2, len(line) - _MAX_SHOWN))
    end = start + _MAX_SHOWN
    head = "..." if start > 0 else ""
    tail = "..." if end < len(line) else ""
    shown = head + line[start:end] + tail
    return shown, None if col is None else at - start + len(head) + 1


class UsageError(ProjectError):
    """Bad command-line usage or bad input values (exit 2)."""


class ParseError(ProjectError):
    """Program text that does not parse (exit 2)."""


class ValidationError(ProjectError):
    """Program text that parses but is ill-formed (undeclared names, bad nesting, ...; exit 2)."""


class ShapeError(ProjectError):
    """Arrays of mismatched shapes/lengths handed to a library function (exit 2)."""


class EncoderProgramError(ProjectError):
    """An ill-formed encoder program (rejected by the validator before anything runs; exit 2)."""


class FaultKind(IntEnum):
    """What went wrong in a PRAM run (docs/pram-isa.md, "Faults"). The integer values are the
    fault codes every construction uses; :mod:`simulators.pram.semantics` re-exports this."""

    DOMAIN = 1          # division/modulo by zero, log2 of x <= 0, sqrt of x < 0, pow exponent < 0
    OVERFLOW = 2        # a value outside the word (or outside a construction's token range)
    OUT_OF_BOUNDS = 3   # an array index outside 0..size-1
    WRITE_CONFLICT = 4  # concurrent writes the memory model forbids
    READ_CONFLICT = 5   # concurrent reads the memory model (EREW) forbids
    PROCESSORS = 6      # a pardo needs more processors than the declared bound P(n)
    TIME = 7            # the program has not halted after the declared T(n) steps
    MEMORY = 8          # more memory cells used than the declared bound S(n)

    @property
    def title(self) -> str:
        return _FAULT_TITLES[self]


_FAULT_TITLES = {
    FaultKind.DOMAIN: "arithmetic domain error",
    FaultKind.OVERFLOW: "overflow",
    FaultKind.OUT_OF_BOUNDS: "index out of bounds",
    FaultKind.WRITE_CONFLICT: "forbidden concurrent write",
    FaultKind.READ_CONFLICT: "forbidden concurrent read",
    FaultKind.PROCESSORS: "bound exceeded (processors)",
    FaultKind.TIME: "bound exceeded (time)",
    FaultKind.MEMORY: "bound exceeded (memory)",
}


@dataclass(frozen=True)
class FaultRecord:
    """One runtime fault, structured, as the machine and both constructions report it.

    ``step`` is the 1-based PRAM step that faulted; ``processors`` the processor ids involved
    (lowest first: the lowest id is the one the fault is reported for); ``address`` the shared
    cell as ``"A[3]"`` when there is one; ``source_line`` the 1-based line of the ``.pram`` source;
    ``message`` the detail (which instruction, which values).
    """

    kind: FaultKind
    step: int
    processors: tuple[int, ...] = ()
    address: str | None = None
    source_line: int | None = None
    message: str = ""

    def format(self) -> str:
        """``step 5: overflow at A[0] on processor(s) [0]: <message>`` (one line)."""
        text = f"step {self.step}: {self.kind.title}"
        if self.address is not None:
            text += f" at {self.address}"
        if self.processors:
            text += f" on processor(s) {list(self.processors[:8])}"
            if len(self.processors) > 8:
                text += f" (+{len(self.processors) - 8} more)"
        return text + (f": {self.message}" if self.message else "")

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind.name.lower(), "code": int(self.kind), "step": self.step,
                "processors": list(self.processors), "address": self.address,
                "source_line": self.source_line, "message": self.message}


class RuntimeFault(ProjectError):
    """A fault while running a machine or process (exit 3); ``record`` is the structured
    :class:`FaultRecord` when the fault is a PRAM fault (machine or construction)."""

    exit_code = 3
    kind = "runtime error"

    def __init__(self, message: str, location: SourceLocation | None = None,
                 record: FaultRecord | None = None) -> None:
        super().__init__(message, location)
        self.record = record

    @classmethod
    def from_record(cls, record: FaultRecord, location: SourceLocation | None = None,
                    *, by: str = "") -> RuntimeFault:
        """The error for ``record``, its message formatted the same way everywhere (``by``
        names the construction that detected it, if any)."""
        suffix = f" ({by})" if by else ""
        return cls(record.format() + suffix, location, record)


class InternalError(ProjectError):
    """A bug in this project (a construction reached a state it should never reach), never the
    user's program: exit 3 with a message asking for a report."""

    exit_code = 3
    kind = "internal error"

    def __init__(self, message: str, location: SourceLocation | None = None) -> None:
        super().__init__(f"{message} -- this is a bug in the project, please report it "
                         f"(with the command and the program)", location)


class MemoryConflict(RuntimeFault):
    """A concurrent access the memory model forbids."""


class BoundExceeded(RuntimeFault):
    """A declared bound (processors P(n), time T(n), memory S(n)) was exceeded."""


class LimitExceeded(RuntimeFault):
    """An explicit safety limit (steps, length, memory, processors, states) was hit."""
