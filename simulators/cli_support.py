"""Shared CLI plumbing: turn project errors into ``file:line:col: error: ...`` and an exit code.

Every ``python -m ...`` entry point wraps its ``main`` with :func:`run_main`, so nothing a user
can cause ends in a Python traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from simulators.errors import ProjectError, UsageError


def run_main(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> int:
    """Run ``main(argv)``; print project errors to stderr and return their exit code."""
    try:
        return main(argv)
    except ProjectError as err:
        print(err.format(), file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


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
