"""Membership, counts and enumeration against brute force over all words.

The oracles (``oracles.py``) share no code with the library: two-sided membership is decided by a
faithful matrix representation of the free group, one-sided by a batched stack machine.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulators.grammars import count, enumerate_words, is_member, members_batch, reduce_word
from tests.grammars.oracles import all_words, free_group_identity, one_sided_batch

# (k, largest length) covered by the default run; the rest of "all words up to length 10 for
# k = 1..3" (k = 3, lengths 7..10: 60 million words) runs under --run-slow.
DEFAULT_CASES = [(1, 10), (2, 10), (3, 6)]


def _cases(k: int, max_length: int) -> list[tuple[int, int]]:
    return [(k, n) for n in range(max_length + 1)]


ALL_DEFAULT = [case for k, top in DEFAULT_CASES for case in _cases(k, top)]


@pytest.mark.parametrize(("k", "length"), ALL_DEFAULT)
def test_batch_membership_equals_brute_force(k: int, length: int) -> None:
    words = all_words(k, length)
    two = free_group_identity(words, k)
    one = one_sided_batch(words, k)
    assert np.array_equal(members_batch(words, k, two_sided=True), two)
    assert np.array_equal(members_batch(words, k, two_sided=False), one)
    assert count(k, length, two_sided=True) == int(two.sum())
    assert count(k, length, two_sided=False) == int(one.sum())


@pytest.mark.parametrize(("k", "length"), ALL_DEFAULT)
def test_enumeration_equals_brute_force(k: int, length: int) -> None:
    words = all_words(k, length)  # lexicographic in id order, like the enumeration
    for two_sided, oracle in ((True, free_group_identity), (False, one_sided_batch)):
        expected = words[oracle(words, k)]
        assert np.array_equal(enumerate_words(k, length, two_sided=two_sided), expected)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_per_word_functions_equal_brute_force(k: int) -> None:
    """The per-word stack reduction and the sorting check, on every word up to length 6 (k <= 2)
    or 5 (k = 3) -- a Python call per word, so kept small."""
    for length in range(7 if k < 3 else 6):
        words = all_words(k, length)
        two = free_group_identity(words, k)
        one = one_sided_batch(words, k)
        for w, t, o in zip(words, two, one, strict=True):
            assert is_member(w, k, two_sided=True) == t
            assert is_member(w, k, two_sided=False) == o
            assert (reduce_word(w, k, two_sided=False).size == 0) == o


@pytest.mark.slow
@pytest.mark.parametrize("length", [7, 8, 9, 10])
def test_k3_long_words_equal_brute_force(length: int) -> None:
    k, chunk = 3, 2_000_000
    total = (2 * k) ** length
    found_two = found_one = 0
    d = 2 * k
    powers = d ** np.arange(length - 1, -1, -1, dtype=np.int64)
    for start in range(0, total, chunk):
        codes = np.arange(start, min(start + chunk, total), dtype=np.int64)
        words = (codes[:, None] // powers[None, :]) % d
        two = free_group_identity(words, k)
        one = one_sided_batch(words, k)
        assert np.array_equal(members_batch(words, k, two_sided=True), two)
        assert np.array_equal(members_batch(words, k, two_sided=False), one)
        found_two += int(two.sum())
        found_one += int(one.sum())
    assert count(k, length, two_sided=True) == found_two
    assert count(k, length, two_sided=False) == found_one
