"""Shared CLI plumbing: turn project errors into ``file:line:col: error: ...`` and an exit code.

Every ``python -m ...`` entry point wraps its ``main`` with :func:`run_main`, so nothing a user
can cause ends in a Python traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from simulators.errors import ProjectError


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
