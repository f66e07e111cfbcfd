"""The project's error hierarchy.

Every error a *user* can cause (bad program text, bad input, a forbidden memory conflict, a limit
hit, mismatched array lengths handed to ``g``) is a :class:`ProjectError`. CLIs catch exactly this
class and print it as ``file:line:col: error: message`` with the source line and a caret, then exit
with the error's ``exit_code`` -- never a Python traceback (see :mod:`simulators.cli_support`).
"""

from __future__ import annotations

from dataclasses import dataclass


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
            text += "\n    " + loc.source_line.rstrip("\n")
            if loc.col is not None:
                text += "\n    " + " " * max(loc.col - 1, 0) + "^"
        return text

    def __str__(self) -> str:
        return self.format()


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


class RuntimeFault(ProjectError):
    """A fault while running a machine or process (exit 3)."""

    exit_code = 3
    kind = "runtime error"


class MemoryConflict(RuntimeFault):
    """A concurrent access the memory model forbids."""


class BoundExceeded(RuntimeFault):
    """A declared bound (processors P(n), time T(n), memory S(n)) was exceeded."""


class LimitExceeded(RuntimeFault):
    """An explicit safety limit (steps, length, memory, processors, states) was hit."""
