"""Run a :class:`~simulators.testing.PramCase` through both PRAM constructions and compare
their outcomes with the reference machine's (same output, or same fault kind in the same step)."""

from __future__ import annotations

from constructions.pram_apmdm import run as apmdm_run
from constructions.pram_mdm import simulate as mdm_simulate
from simulators.testing import Outcome, PramCase, outcome


def theorem1(case: PramCase) -> Outcome:
    return outcome(lambda: mdm_simulate(case.program, case.inputs), lambda r: r.output)


def theorem4(case: PramCase) -> Outcome:
    return outcome(lambda: apmdm_run(case.program, case.inputs), lambda r: r.output)


def _show(o: Outcome) -> str:
    return repr(o.output) if o.fault is None else f"{o.fault} in step {o.step} ({o.message})"


def check_agrees(case: PramCase) -> None:
    """Theorem 1 and Theorem 4 both reproduce the machine's outcome on ``case``."""
    for who, got in (("Theorem 1 MDM", theorem1(case)), ("Theorem 4 AP-MDM", theorem4(case))):
        assert got.same_as(case.outcome), (
            f"{who} disagrees with the machine on\n{case.source}\ninputs {case.inputs}\n"
            f"machine: {_show(case.outcome)}\n{who}: {_show(got)}")
