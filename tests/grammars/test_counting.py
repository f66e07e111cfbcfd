"""Exact counts: the O(L) recurrences against independent formulas and an O(L^2) walk DP."""

from __future__ import annotations

from math import comb

import pytest

from simulators.errors import LimitExceeded, UsageError
from simulators.grammars import count, counts, counts_by_half_length
from simulators.grammars.sampling import component_weights
from tests.grammars.oracles import walk_counts


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_two_sided_counts_equal_closed_walks_on_the_tree(k: int) -> None:
    walks = walk_counts(k, 160)
    table = counts(k, 160, two_sided=True)
    assert table == {n: walks[n] for n in range(0, 161, 2)}
    assert all(walks[n] == 0 for n in range(1, 161, 2))


def test_two_sided_k1_counts_are_central_binomials() -> None:
    # free group of rank 1 = Z: a word is trivial iff it has as many a1 as A1
    assert counts_by_half_length(1, 300, two_sided=True) == [comb(2 * n, n) for n in range(301)]


@pytest.mark.parametrize("k", [1, 2, 4])
def test_one_sided_counts_are_catalan_times_k_power(k: int) -> None:
    expected = [comb(2 * n, n) // (n + 1) * k**n for n in range(401)]
    assert counts_by_half_length(k, 400, two_sided=False) == expected


def test_known_values_k2() -> None:
    # closed walks of length 2n on the 4-regular tree (OEIS A035610): 1, 4, 28, 232, 2092, 19864
    assert [count(2, 2 * n, two_sided=True) for n in range(6)] == [1, 4, 28, 232, 2092, 19864]


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("n", [1, 2, 7, 40])
def test_component_weights_sum_to_the_count(k: int, n: int) -> None:
    assert component_weights(k, n)[-1] == count(k, 2 * n, two_sided=True)


def test_odd_lengths_have_no_members() -> None:
    assert count(3, 11, two_sided=True) == 0 and count(3, 11, two_sided=False) == 0


def test_length_10000_is_exact_and_consistent() -> None:
    """The last step of the recurrence at L = 10,000 agrees with the walk DP's last step identity
    g_n = d^2 g_{n-1} - d q^n C_{n-1}, recomputed here with math.comb."""
    k, n = 3, 5000
    d, q = 2 * k, 2 * k - 1
    halves = counts_by_half_length(k, n, two_sided=True)
    catalan = comb(2 * (n - 1), n - 1) // n
    assert halves[n] == d * d * halves[n - 1] - d * q**n * catalan
    assert halves[n] > 0


def test_limits_and_bad_input() -> None:
    with pytest.raises(LimitExceeded):
        count(2, 60_000, two_sided=True)
    with pytest.raises(LimitExceeded):
        count(2, 102, two_sided=True, limit=100)
    assert count(2, 102, two_sided=True, limit=102) > 0
    with pytest.raises(UsageError):
        count(2, -2, two_sided=True)
    with pytest.raises(UsageError):
        counts(0, 4, two_sided=True)
