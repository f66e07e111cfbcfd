"""Every PRAM construction in lock-step with the machine (the generic driver of
:mod:`proofs_checks.lockstep`), plus the same comparison on every example program."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from proofs_checks.lockstep import PramLockStep
from proofs_checks.report import record


def _examples(default: int) -> int:
    """``default`` under the fast profile; proportionally more under ``thorough``."""
    return max(default, settings().max_examples * default // 25)


TestPramLockStep = PramLockStep.TestCase
# pram_cases rejects (assume) the draws that run longer than max_steps; in a state machine's
# initialize rule hypothesis counts those rejections against the whole machine.
TestPramLockStep.settings = settings(max_examples=_examples(9), stateful_step_count=80,
                                     deadline=None,
                                     suppress_health_check=[HealthCheck.filter_too_much,
                                                            HealthCheck.too_slow])


def teardown_module() -> None:
    compared = PramLockStep.compared
    for which in sorted({w for w, _ in compared}):
        record({"theorem1": "Theorem 1", "theorem3": "Theorem 3", "theorem4": "Theorem 4"}[which],
               claim="generic lock-step driver (proofs_checks/lockstep.py)",
               num_lockstep_states=sum(1 for w, _ in compared if w == which))
