"""The runnable examples in the processes package's docstrings."""

from __future__ import annotations

import doctest

import pytest

from simulators.processes import transition, vocab


@pytest.mark.parametrize("module", [transition, vocab], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
