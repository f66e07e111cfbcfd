"""Compiling refuses, before allocating, a network whose weight matrices the machine cannot hold
(exit 3 through the CLI), instead of being killed by the kernel half-way."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

import simulators.cli_support as cli_support  # noqa: E402
from simulators.encoder.library import most_recent_write_program  # noqa: E402
from simulators.errors import LimitExceeded  # noqa: E402
from simulators.weights import compile_program  # noqa: E402


def test_refused_before_allocating_when_memory_is_short(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    program = most_recent_write_program(addresses=4, values=8, max_length=64)
    compile_program(program)  # fits easily
    monkeypatch.setattr(cli_support, "available_memory_bytes", lambda: 10_000)
    with pytest.raises(LimitExceeded, match=r"weight matrices .*canvas bound S = 64"):
        compile_program(program)
