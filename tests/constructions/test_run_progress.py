"""Long construction runs report progress: every engine step reaches the installed observer, and
``--progress`` on a construction CLI installs one (quick runs stay silent: the first line comes
only after two seconds)."""

from __future__ import annotations

import pytest

from constructions.cli_common import run_kwargs
from constructions.pram_apmdm.cli import _build_parser as build_parser
from simulators.processes import recorder


@pytest.fixture(autouse=True)
def _no_observer_left_behind():
    previous = recorder.set_step_observer(None)
    yield
    recorder.set_step_observer(previous)


def test_every_engine_step_reaches_the_observer() -> None:
    from constructions.parity_apmdm import run_parity

    seen: list[tuple[int, int]] = []
    recorder.set_step_observer(lambda steps, length: seen.append((steps, length)))
    trace = run_parity([1, 0, 1, 1, 0])
    assert [s for s, _ in seen] == list(range(1, trace.num_steps + 1))
    assert [length for _, length in seen] == [st.length for st in trace.steps]


def test_progress_flag_installs_an_observer_and_its_absence_does_not() -> None:
    argv = ["run", "examples/pram/prefix_sum.pram", "--input", "A=1,2"]
    run_kwargs(build_parser().parse_args(argv))  # stderr is not a terminal under pytest
    assert recorder._step_observer is None
    run_kwargs(build_parser().parse_args([*argv, "--progress"]))
    assert recorder._step_observer is not None
