"""Exactly uniform sampling of a member of a given length.

How uniformity is achieved (every step is exact; the only randomness is the caller's
``numpy.random.Generator``):

1. **Shape.** The height profile of a member (its depth for one-sided words; the length of its
   reduced prefix for two-sided words) is a Dyck path of semilength ``n = length / 2``, and the word
   is that path plus a choice of letter at each up-step; down-steps are forced (the partner of the
   letter they cancel).
2. **Letters.** One-sided: each matched pair has ``k`` types, so all Dyck paths carry equally many
   words. Two-sided (``d = 2k``, ``q = d - 1``): an up-step from height 0 may use any of ``d``
   letters, one from a higher level any of ``q`` letters (all but the inverse of the current top).
   A path with ``r`` returns to height 0 therefore carries ``d^r·q^(n-r)`` words.
3. **Number of components.** For two-sided words we first draw ``r`` with probability
   ``ballot(n, r)·d^r·q^(n-r) / g_n`` using exact big-integer weights (``ballot(n, r) =
   r/(2n-r)·binom(2n-r, n)`` Dyck paths have ``r`` components) and an exactly uniform big integer
   below ``g_n`` (rejection sampling on random bits). These weights sum to the count ``g_n``;
   the tests check that identity.
4. **Uniform path with r components** by the cycle lemma: shuffle ``n-r`` up- and ``n``
   down-steps uniformly (``rng.permutation``); exactly ``r`` of the ``2n-r`` rotation offsets of
   any shuffle give a path that first reaches level ``-r`` at its last step; pick one of those
   ``r`` uniformly. Each first-passage path comes from exactly ``2n-r`` (shuffle, offset) pairs,
   each drawn with probability ``1/(#shuffles·r)``, so the result is uniform. Putting an up-step
   in front of each of its ``r`` pieces gives a uniform Dyck path with ``r`` components.
   (One-sided: ``n`` up, ``n+1`` down, then drop the final down-step.)
5. **Letters, vectorised.** Each up-step draws an offset uniformly from its ``d`` or ``q`` choices;
   the letter is the running sum of offsets over the open up-steps, mod ``d`` (a closing step
   subtracts its opener's offset), which equals "parent letter + k + 1 + offset", i.e. any letter
   except the parent's inverse. No Python loop over positions.

So each member of the length is returned with probability exactly ``1 / count``; the tests also
check it statistically (chi-square on small lengths).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate
from math import comb

import numpy as np

from simulators.errors import LimitExceeded, UsageError
from simulators.grammars.alphabet import check_k
from simulators.grammars.reduction import bracket_matching

DEFAULT_MAX_SAMPLE_LENGTH = 20_000
"""Default largest sampled length (two-sided sampling keeps O(L) big integers of O(L) bits)."""

DEFAULT_MAX_SAMPLES = 1_000_000


def uniform_below(bound: int, rng: np.random.Generator) -> int:
    """An exactly uniform integer in ``0..bound-1`` for any positive big integer ``bound``."""
    if bound <= 0:
        raise UsageError(f"bound must be positive, got {bound}")
    bits = (bound - 1).bit_length()
    words = max(1, -(-bits // 64))
    while True:  # rejection: each try succeeds with probability > 1/2
        chunks = rng.integers(0, 2**64, size=words, dtype=np.uint64, endpoint=False)
        value = 0
        for chunk in chunks.tolist():
            value = (value << 64) | int(chunk)
        value &= (1 << bits) - 1
        if value < bound:
            return value


@lru_cache(maxsize=8)
def component_weights(k: int, n: int) -> tuple[int, ...]:
    """Cumulative weights ``W_1, W_1+W_2, ...`` with ``W_r = ballot(n, r)·d^r·q^(n-r)`` (n >= 1)."""
    d, q = 2 * k, 2 * k - 1
    weights = []
    binom = comb(2 * n - 1, n)  # binom(2n - r, n) at r = 1
    power = d * q ** (n - 1)  # d^r q^(n-r) at r = 1
    for r in range(1, n + 1):
        weights.append(r * binom // (2 * n - r) * power)
        if r < n:
            binom = binom * (n - r) // (2 * n - r)
            power = power * d // q
    return tuple(accumulate(weights))


def _first_passage(num_up: int, num_down: int, rng: np.random.Generator) -> np.ndarray:
    """Uniform ±1 path with the given step numbers that first reaches ``num_up - num_down`` at
    its last step (cycle lemma; requires ``num_down > num_up``)."""
    steps = np.concatenate([np.ones(num_up, np.int64), -np.ones(num_down, np.int64)])
    steps = rng.permutation(steps)
    target = num_down - num_up  # the path must end at -target
    partial = np.concatenate([[0], np.cumsum(steps)])
    lowest = int(partial.min())
    level = lowest + int(rng.integers(target))  # one of the `target` good rotations
    start = int(np.argmax(partial == level))
    return np.roll(steps, -start)


def _dyck_path(n: int, components: int | None, rng: np.random.Generator) -> np.ndarray:
    """Uniform Dyck path (±1 steps) of semilength n; with ``components`` = r, uniform among those
    with exactly r returns to height 0."""
    if components is None:
        return _first_passage(n, n + 1, rng)[:-1]
    r = components
    path = _first_passage(n - r, n, rng)
    partial = np.cumsum(path)
    previous_low = np.minimum.accumulate(np.concatenate([[0], partial]))[:-1]
    new_lows = np.flatnonzero(partial < previous_low)  # the r down-steps ending each piece
    return np.insert(path, np.concatenate([[0], new_lows[:-1] + 1]), 1)


def _letters_one_sided(path: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    shape = np.where(path > 0, 0, k)  # opener / closer, type 1 for now
    match = bracket_matching(shape, k)
    assert match is not None  # a Dyck path by construction
    word = np.empty(path.size, dtype=np.int64)
    openers = np.flatnonzero(path > 0)
    types = rng.integers(k, size=openers.size)
    word[openers] = types
    word[match[openers]] = types + k
    return word


def _letters_two_sided(path: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    d = 2 * k
    shape = np.where(path > 0, 0, k)
    match = bracket_matching(shape, k)
    assert match is not None
    ups = np.flatnonzero(path > 0)
    height_before = np.concatenate([[0], np.cumsum(path)[:-1]])
    at_root = height_before[ups] == 0
    # offset: any letter at the root level; elsewhere k + 1 + u (u < q) skips the parent's inverse
    free = rng.integers(d, size=ups.size)
    skip_inverse = k + 1 + rng.integers(d - 1, size=ups.size)
    offset = np.where(at_root, free, skip_inverse)
    signed = np.zeros(path.size, dtype=np.int64)
    signed[ups] = offset
    signed[match[ups]] = -offset
    running = np.cumsum(signed)
    word = np.empty(path.size, dtype=np.int64)
    word[ups] = running[ups] % d
    word[match[ups]] = (word[ups] + k) % d
    return word


def sample_word(
    k: int,
    length: int,
    rng: np.random.Generator,
    *,
    two_sided: bool,
    max_length: int = DEFAULT_MAX_SAMPLE_LENGTH,
) -> np.ndarray:
    """One uniformly random member of exactly ``length`` (must be even)."""
    k = check_k(k)
    if isinstance(length, bool) or not isinstance(length, int) or length < 0 or length % 2:
        raise UsageError(f"members have even length; cannot sample length {length!r}")
    if length > max_length:
        raise LimitExceeded(f"length {length} exceeds the sampling limit {max_length}")
    if not isinstance(rng, np.random.Generator):
        raise UsageError("rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(0))")
    n = length // 2
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if not two_sided:
        return _letters_one_sided(_dyck_path(n, None, rng), k, rng)
    cumulative = component_weights(k, n)
    r = 1 + bisect_right(cumulative, uniform_below(cumulative[-1], rng))
    return _letters_two_sided(_dyck_path(n, r, rng), k, rng)


def sample_words(
    k: int,
    length: int,
    rng: np.random.Generator,
    *,
    two_sided: bool,
    num: int = 1,
    max_length: int = DEFAULT_MAX_SAMPLE_LENGTH,
    max_samples: int = DEFAULT_MAX_SAMPLES,
    on_progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """``num`` independent uniform members of ``length``: an int64 array (num, length).

    ``on_progress(done)`` is called after each sample (a CLI shows progress: a million samples
    take minutes)."""
    if isinstance(num, bool) or not isinstance(num, int) or num < 0:
        raise UsageError(f"num must be a non-negative integer, got {num!r}")
    if isinstance(length, bool) or not isinstance(length, int) or length < 0 or length % 2:
        raise UsageError(f"members have even length; cannot sample length {length!r}")
    if num > max_samples or num * length > 50 * max_samples:
        raise LimitExceeded(f"{num} samples of length {length} exceed the sample limit")
    out = np.empty((num, length), dtype=np.int64)
    for i in range(num):
        out[i] = sample_word(k, length, rng, two_sided=two_sided, max_length=max_length)
        if on_progress is not None:
            on_progress(i + 1)
    return out
