"""experiments.budget: the timer's stop must not be lost, whatever Python is running."""

from __future__ import annotations

import time

import pytest

from experiments.budget import Budget, BudgetExhausted


class _SlowToDelete:
    """A destructor that outlives the deadline: the alarm goes off inside ``__del__``, where
    Python prints a raised exception and drops it."""

    def __del__(self) -> None:
        t = time.monotonic()
        while time.monotonic() - t < 0.5:
            pass


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_alarm_swallowed_in_a_destructor_is_raised_again() -> None:
    budget = Budget(0.2, margin=0.0)
    start = time.monotonic()
    with pytest.raises(BudgetExhausted), budget.armed():
        _SlowToDelete()  # freed at once: the deadline passes inside its destructor
        time.sleep(3)
    assert budget.fired
    assert time.monotonic() - start < 2  # stopped by the repeated alarm, not by the sleep


def test_check_raises_once_the_timer_fired() -> None:
    budget = Budget(100.0)
    budget.check("anything")  # plenty left
    budget.fired = True
    with pytest.raises(BudgetExhausted):
        budget.check("the next phase")


def test_no_alarm_after_the_block() -> None:
    budget = Budget(0.3, margin=0.0)
    with budget.armed():
        pass
    time.sleep(0.5)  # a stray alarm here would raise (or kill the process)
