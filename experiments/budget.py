"""A wall-clock budget for ``experiments.run_all --budget-s``: stop cleanly, keep finished work.

Phases can be long (one training run, one evaluation sweep), so waiting for a phase to end
before checking the clock could overshoot a lent GPU's time by minutes. Instead an interval
timer (``SIGALRM``) raises :class:`BudgetExhausted` a safety margin before the deadline, wherever
the run is; the phase in progress is abandoned and every phase already written stays on disk.
Writing results is shielded (:meth:`Budget.shield`), so a file is never left half-written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator

#: Seconds between repeated alarms once the deadline is reached (see :meth:`Budget.armed`).
REFIRE_S = 0.25


class BudgetExhausted(Exception):
    """Raised when the run's time budget (minus the margin) is spent."""


def process_age() -> float:
    """Seconds since this process started (Linux ``/proc``; 0 where unavailable), so a budget
    also covers the interpreter and torch start-up that precede ``main``."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = float(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


class Budget:
    """``seconds`` from now, or from the start of the process (None: unlimited), stopping
    ``margin`` seconds early."""

    def __init__(self, seconds: float | None, margin: float | None = None, *,
                 from_process_start: bool = False) -> None:
        self.seconds = seconds
        self.start = time.monotonic() - (process_age() if from_process_start else 0.0)
        # Enough to write the result files of the phases already done (a few seconds).
        self.margin = (min(30.0, 0.1 * seconds) if margin is None else margin) if seconds else 0.0
        self.stopped_in: str | None = None
        self.fired = False  # the timer went off (even if its exception was swallowed)

    @property
    def deadline(self) -> float | None:
        return None if self.seconds is None else self.start + self.seconds - self.margin

    def remaining(self) -> float:
        d = self.deadline
        return float("inf") if d is None else d - time.monotonic()

    def check(self, what: str = "") -> None:
        """Raise now if the budget is spent (used between phases as well as by the timer)."""
        if self.fired or self.remaining() <= 0:
            raise BudgetExhausted(f"time budget of {self.seconds} s reached before {what}")

    @contextlib.contextmanager
    def armed(self) -> Iterator[None]:
        """Arm the interval timer for the block (main thread only; elsewhere: checks only)."""
        if self.seconds is None or threading.current_thread() is not threading.main_thread():
            yield
            return

        active = True

        def fire(signum: int, frame: object) -> None:
            self.fired = True
            if active:
                raise BudgetExhausted(f"time budget of {self.seconds} s reached")

        old = signal.signal(signal.SIGALRM, fire)
        # Repeating: a handler's exception raised while Python runs a weakref callback or a
        # __del__ is printed and dropped ("Exception ignored in ..."), so one alarm can be lost
        # (seen: a parity smoke run under --budget-s 5 ran to completion); the next one, a
        # quarter second later, stops the run.
        signal.setitimer(signal.ITIMER_REAL, max(self.remaining(), 0.001), REFIRE_S)
        try:
            yield
        finally:
            active = False  # an alarm delivered from here on is a no-op
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)

    @contextlib.contextmanager
    def shield(self) -> Iterator[None]:
        """Hold the timer's signal while writing files; it is delivered right after."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
