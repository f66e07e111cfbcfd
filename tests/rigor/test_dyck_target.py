"""Theorem 5's target length at its edge: a round starts while the word is *shorter* than the
target (constructions/dyck_apmdm/process.py: "no new round starts once the word has this
length"), so with an odd target t a word of length t - 1 still grows."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from constructions.dyck_apmdm.process import DyckAPMDM
from simulators.grammars import is_member


@pytest.mark.parametrize("target", [3, 5])
def test_a_word_one_shorter_than_an_odd_target_still_grows(target: int) -> None:
    model = DyckAPMDM(1, two_sided=True, target_length=target, insert_prob=Fraction(9, 10))
    rng = np.random.default_rng(target)
    lengths = []
    for _ in range(40):
        word = model.sample(rng)
        assert is_member(word, 1, two_sided=True)
        lengths.append(word.size)
    # A round from length target - 1 (even, < target) adds at least one pair: some word is
    # longer than the target. (If rounds stopped at target - 1, every word would be shorter.)
    assert max(lengths) > target
    # No round starts at or beyond the target: a round on a word of length w inserts at most one
    # pair per slot (w + 1 slots), so from w <= target - 1 the word ends at most 3(t - 1) + 2.
    assert max(lengths) <= 3 * (target - 1) + 2
