"""Project-wide pytest configuration.

* Hypothesis profiles: ``default`` (fast; what CI runs) and ``thorough`` (many more examples),
  chosen with ``HYPOTHESIS_PROFILE=thorough``.
* Markers: ``slow`` tests run only with ``--run-slow`` or ``RUN_SLOW=1``; ``gpu`` tests only with
  ``--run-gpu`` and a CUDA device. Both are skipped by default so the default run stays within a
  few minutes on 2 CPU cores.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")
    parser.addoption("--run-gpu", action="store_true", help="also run tests marked gpu")


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
