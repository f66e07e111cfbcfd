"""The runnable examples in the processes package's docstrings and in docs/processes.md."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from simulators.processes import transition, vocab


@pytest.mark.parametrize("module", [transition, vocab], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_docs_processes_md_examples():
    doc = Path(__file__).resolve().parents[2] / "docs" / "processes.md"
    result = doctest.testfile(str(doc), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 10 and result.failed == 0
