"""Project-wide pytest configuration.

* Hypothesis profiles: ``default`` (fast; what CI runs) and ``thorough`` (many more examples),
  chosen with ``HYPOTHESIS_PROFILE=thorough``. Neither is derandomised: every run draws new
  inputs from a fresh seed, which is printed in the session header and again in the summary
  (``hypothesis seed: N``), so a failure found by one run is replayed with
  ``pytest --hypothesis-seed=N`` (or ``HYPOTHESIS_SEED=N``).
* Markers: ``slow`` tests run only with ``--run-slow`` or ``RUN_SLOW=1``; ``gpu`` tests only with
  ``--run-gpu`` and a CUDA device. Both are skipped by default so the default run stays within a
  few minutes on 2 CPU cores.
"""

from __future__ import annotations

import os
import secrets

import pytest
from hypothesis import HealthCheck, settings

# derandomize=False is explicit: with CI set, Hypothesis bases new profiles on its own "ci"
# profile, which is derandomised (every CI run would draw the same inputs).
settings.register_profile(
    "default",
    max_examples=25,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=500,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: The dest under which Hypothesis' pytest plugin stores ``--hypothesis-seed``.
_SEED_DEST = "hypothesis_seed"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")
    parser.addoption("--run-gpu", action="store_true", help="also run tests marked gpu")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Runs before Hypothesis' own pytest_configure, which forces the seed it finds in the option:
    # so a seed we draw here (or take from HYPOTHESIS_SEED) governs every Hypothesis test.
    seed = getattr(config.option, _SEED_DEST, None) or os.environ.get("HYPOTHESIS_SEED")
    if seed is None:
        seed = str(secrets.randbelow(2**32))
    setattr(config.option, _SEED_DEST, str(seed))


def _seed_line(config: pytest.Config) -> str:
    seed = getattr(config.option, _SEED_DEST, None)
    return (f"hypothesis seed: {seed} (profile {settings.get_current_profile_name()!r}; "
            f"replay with --hypothesis-seed={seed})")


def pytest_report_header(config: pytest.Config) -> str:
    return _seed_line(config)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # The header is hidden under -q (what `make test` uses): repeat the seed at the end.
    terminalreporter.write_line(_seed_line(terminalreporter.config))


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run_slow = config.getoption("--run-slow") or os.environ.get("RUN_SLOW") == "1"
    run_gpu = config.getoption("--run-gpu") and _cuda_available()
    skip_slow = pytest.mark.skip(reason="slow: use --run-slow or RUN_SLOW=1")
    skip_gpu = pytest.mark.skip(reason="gpu: use --run-gpu on a machine with CUDA")
    for item in items:
        if "slow" in item.keywords and not run_slow:
            item.add_marker(skip_slow)
        if "gpu" in item.keywords and not run_gpu:
            item.add_marker(skip_gpu)
