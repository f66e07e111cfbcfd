"""The memory estimates that refuse runs before allocating: they follow the machine's limits, and
(slow) they never under-estimate a real run."""

from __future__ import annotations

import json

import pytest

from constructions.pram_mdm.memory import BYTES_PER_POSITION, run_bytes
from tests.robustness.runner import ROOT, Runner

SORT = ROOT / "tests" / "robustness" / "programs" / "odd_even_sort.pram"


def _values(n: int) -> str:
    return "A=" + ",".join(str((i * 7919) % 1000) for i in range(n))


def test_an_address_space_cap_counts_as_available_memory(runner: Runner) -> None:
    """Under a 1.5 GB cap, a Theorem-1 run of ~1M positions (estimated ~1.9 GB) is refused before
    it starts, with the estimate, instead of dying in numpy."""
    res = runner.run("constructions.pram_mdm", "run", str(SORT), "--input", _values(60),
                     timeout=120, address_space=1536 * 1024**2)
    assert res.rc == 3 and "Traceback" not in res.stderr, res.describe()
    assert "would need about" in res.stderr and "available" in res.stderr
    assert res.cpu_seconds < 10, res.describe()


@pytest.mark.slow
def test_theorem1_estimate_covers_a_measured_run(runner: Runner) -> None:
    """Re-measure at two sizes (peak RSS of each run's own process, from wait4): the estimate is
    above the peak and the per-position constant above the marginal cost."""
    rows = []
    for n in (16, 32):
        res = runner.run("constructions.pram_mdm", "run", str(SORT), "--input", _values(n),
                         "--json", timeout=600)
        assert res.rc == 0, res.describe()
        rows.append((json.loads(res.stdout)["context_length"], res.max_rss_bytes))
    (s1, p1), (s2, p2) = rows
    assert p2 <= run_bytes(s2)
    assert 0 < (p2 - p1) / (s2 - s1) <= BYTES_PER_POSITION
