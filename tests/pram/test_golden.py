"""Golden-output tests for ``compile`` and ``trace`` (stable, readable CLI output).

Regenerate after an intended change with ``PRAM_UPDATE_GOLDEN=1 pytest tests/pram/test_golden.py``
and review the diff: these files are what a student sees.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulators.pram.cli import entry
from tests.pram.conftest import EXAMPLES

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "prefix_sum.compile.txt": ["compile", "examples/pram/prefix_sum.pram"],
    "prefix_sum.trace.txt": ["trace", "examples/pram/prefix_sum.pram", "--input", "A=3,1,4",
                             "--width", "120"],
    "sum.compile.txt": ["compile", "examples/pram/sum.pram"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, capsys: pytest.CaptureFixture[str],
                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES.parents[1])  # paths in the output are repo-relative
    assert entry(CASES[name]) == 0
    out = capsys.readouterr().out
    path = GOLDEN / name
    if os.environ.get("PRAM_UPDATE_GOLDEN") == "1":
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
