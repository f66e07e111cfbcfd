"""Uniform sampling: every sample is a member, and the distribution is uniform (chi-square)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from simulators.errors import LimitExceeded, UsageError
from simulators.grammars import count, members_batch, sample_word, sample_words, uniform_below
from simulators.grammars.sampling import _dyck_path, _letters_two_sided


def chi_square(samples: np.ndarray, cells: int) -> tuple[float, int]:
    """Pearson statistic against the uniform law on ``cells`` outcomes; unseen cells count too."""
    seen = Counter(map(tuple, samples.tolist()))
    assert len(seen) <= cells
    expected = samples.shape[0] / cells
    observed = np.array(list(seen.values()) + [0] * (cells - len(seen)), dtype=float)
    return float(((observed - expected) ** 2 / expected).sum()), cells - 1


def reject_uniform(stat: float, df: int) -> bool:
    """Reject when the statistic exceeds df + 5·sqrt(2 df): a false-alarm probability of at most
    ~1e-4 for the df used here (Wilson-Hilferty approximation). Seeds are fixed, so the outcome
    is deterministic."""
    return stat > df + 5 * np.sqrt(2 * df)


@pytest.mark.parametrize(
    ("k", "length", "two_sided", "per_cell"),
    [(2, 4, True, 50), (2, 6, True, 25), (3, 4, True, 40), (2, 6, False, 60), (3, 4, False, 150)],
)
def test_sampler_is_uniform_chi_square(k: int, length: int, two_sided: bool, per_cell: int) -> None:
    cells = count(k, length, two_sided=two_sided)
    rng = np.random.default_rng(20260 + length + 10 * k)
    samples = sample_words(k, length, rng, two_sided=two_sided, num=cells * per_cell)
    assert members_batch(samples, k, two_sided=two_sided).all()
    stat, df = chi_square(samples, cells)
    assert len({tuple(s) for s in samples.tolist()}) == cells  # every member shows up
    assert not reject_uniform(stat, df), (stat, df)


def test_chi_square_detects_a_biased_sampler() -> None:
    """The statistical test has power: uniform Dyck path + uniform letters (ignoring that paths
    with more returns to 0 carry more words) is rejected at the same threshold."""
    k, length = 2, 6
    cells = count(k, length, two_sided=True)
    rng = np.random.default_rng(7)
    biased = np.stack(
        [_letters_two_sided(_dyck_path(length // 2, None, rng), k, rng) for _ in range(cells * 25)]
    )
    assert members_batch(biased, k, two_sided=True).all()
    stat, df = chi_square(biased, cells)
    assert reject_uniform(stat, df), (stat, df)


@pytest.mark.parametrize("two_sided", [True, False])
@pytest.mark.parametrize("k", [1, 2, 4])
def test_long_samples_are_members(k: int, two_sided: bool) -> None:
    rng = np.random.default_rng(k)
    words = sample_words(k, 3000, rng, two_sided=two_sided, num=20)
    assert members_batch(words, k, two_sided=two_sided).all()


def test_same_seed_same_samples() -> None:
    a = sample_words(3, 50, np.random.default_rng(5), two_sided=True, num=4)
    b = sample_words(3, 50, np.random.default_rng(5), two_sided=True, num=4)
    c = sample_words(3, 50, np.random.default_rng(6), two_sided=True, num=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_uniform_below_big_bound_is_in_range_and_spread() -> None:
    rng = np.random.default_rng(0)
    bound = 3 * 2**130 + 17
    values = [uniform_below(bound, rng) for _ in range(2000)]
    assert all(0 <= v < bound for v in values)
    thirds = Counter(3 * v // bound for v in values)
    assert all(550 < thirds[i] < 780 for i in range(3)), thirds


def test_bad_requests() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(UsageError):
        sample_word(2, 5, rng, two_sided=True)
    with pytest.raises(LimitExceeded):
        sample_word(2, 40_000, rng, two_sided=True)
    with pytest.raises(UsageError):
        sample_word(2, 4, None, two_sided=True)  # type: ignore[arg-type]
    assert sample_word(2, 0, rng, two_sided=True).size == 0
