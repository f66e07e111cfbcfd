"""Exact numbers of words of each length (Python big integers, O(L) big-integer operations).

One-sided Dyck-k: a word of length ``2n`` is a Dyck path of semilength ``n`` with one of ``k`` types
per matched pair, so it has ``C_n · k^n`` words (``C_n`` the Catalan number).

Two-sided Dyck-k: words of length ``2n`` that reduce to ε are the closed walks of length ``2n`` at
the root of the Cayley graph of the free group, the ``d``-regular tree with ``d = 2k``. With
``q = d - 1`` and ``x = z²`` the generating function of those walks is (Kesten/McKay)

    G(x) = 2q / (d - 2 + d·s),        s = sqrt(1 - 4qx).

Rationalising the denominator gives ``2(1 - d²x)·G = d·s - (d - 2)``, and since
``s = 1 - 2·Σ_{n≥1} C_{n-1} qⁿ xⁿ`` comparing coefficients of ``xⁿ`` yields the first-order
recurrence used here:

    g_0 = 1,      g_n = d²·g_{n-1} - d·qⁿ·C_{n-1}      (n >= 1).

(k = 1 gives the central binomials ``binom(2n, n)``; k = 2 gives 1, 4, 28, 232, 2092, ...).
The tests check both formulas against brute-force enumeration and against an O(L²) walk-counting DP.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from simulators.errors import LimitExceeded, UsageError
from simulators.grammars.alphabet import check_k

DEFAULT_MAX_COUNT_LENGTH = 50_000
"""Default largest length for which counts are computed (each count has O(L) digits)."""


def _check_length(max_length: int, limit: int) -> int:
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 0:
        raise UsageError(f"length must be a non-negative integer, got {max_length!r}")
    if max_length > limit:
        raise LimitExceeded(
            f"length {max_length} exceeds the limit {limit} (raise it explicitly if intended)"
        )
    return max_length


def counts_by_half_length(
    k: int, max_half: int, *, two_sided: bool, limit: int = DEFAULT_MAX_COUNT_LENGTH
) -> list[int]:
    """``[N_0, N_1, ..., N_max_half]`` where ``N_n`` is the number of members of length ``2n``."""
    k = check_k(k)
    _check_length(2 * max_half, limit)
    return list(_iter_counts(k, max_half, two_sided))


def _iter_counts(k: int, max_half: int, two_sided: bool) -> Iterator[int]:
    """``N_0, N_1, ..., N_max_half`` one at a time (O(1) big integers alive, so a single count
    of a long length needs memory for one number, not for the whole table)."""
    yield 1
    catalan_prev = 1  # C_{n-1}
    if not two_sided:
        kn = 1
        for n in range(1, max_half + 1):
            catalan = catalan_prev * 2 * (2 * n - 1) // (n + 1)  # C_n, exact division
            kn *= k
            yield catalan * kn
            catalan_prev = catalan
        return
    d, q = 2 * k, 2 * k - 1
    d2 = d * d
    term = 1  # C_{n-1} * q^(n-1), updated incrementally to C_{n-1} q^n below
    previous = 1
    for n in range(1, max_half + 1):
        if n > 1:
            # C_{n-1} = C_{n-2} * 2(2n-3) / n  (exact: multiply first, then divide)
            term = term * 2 * (2 * n - 3) // n
        term *= q  # now C_{n-1} q^n
        previous = d2 * previous - d * term
        yield previous


def count(k: int, length: int, *, two_sided: bool, limit: int = DEFAULT_MAX_COUNT_LENGTH) -> int:
    """Number of members of exactly ``length`` (0 for odd lengths)."""
    _check_length(length, limit)
    if length % 2:
        return 0
    k = check_k(k)
    return deque(_iter_counts(k, length // 2, two_sided), maxlen=1)[0]


def counts(
    k: int, max_length: int, *, two_sided: bool, limit: int = DEFAULT_MAX_COUNT_LENGTH
) -> dict[int, int]:
    """``{length: number of members}`` for every even length ``0..max_length``."""
    _check_length(max_length, limit)
    halves = counts_by_half_length(k, max_length // 2, two_sided=two_sided, limit=limit)
    return {2 * n: c for n, c in enumerate(halves)}
