"""Prints the verification report: per theorem, what the checks verified (see ``report.py``)."""

from __future__ import annotations

import pytest

from proofs_checks.report import render_lines


@pytest.fixture
def one_torch_thread():  # noqa: ANN201 - on a shared machine extra torch threads only contend
    """One torch intra-op thread for the test (the weight-level checks), restored after."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = render_lines()
    if not lines:
        return
    terminalreporter.section("verification report (proofs_checks)")
    for line in lines:
        terminalreporter.write_line(line)
