"""Prints the verification report: per theorem, what the checks verified (see ``report.py``)."""

from __future__ import annotations

import pytest

from proofs_checks.report import render_lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = render_lines()
    if not lines:
        return
    terminalreporter.section("verification report (proofs_checks)")
    for line in lines:
        terminalreporter.write_line(line)
