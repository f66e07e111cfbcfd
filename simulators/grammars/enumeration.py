"""Exhaustive enumeration of all members of a given length (small lengths), vectorised.

All prefixes are extended one letter at a time, carrying each prefix's reduced stack; a prefix whose
reduced length exceeds the number of letters still to come can never return to ε and is dropped.
The number of words is known in advance (:mod:`counting`), so a request that would not fit under
``max_words`` is refused before anything is allocated.
"""

from __future__ import annotations

import numpy as np

from simulators.cli_support import check_memory
from simulators.errors import LimitExceeded, UsageError
from simulators.grammars.alphabet import check_k
from simulators.grammars.counting import count

DEFAULT_MAX_WORDS = 2_000_000
#: Peak bytes per letter of the result (count x length): 40-60 measured with tracemalloc for
#: k = 2..4 (benchmarks/memory_estimates.py), rounded up to leave room for the CLI's rendering.
#: Checked against the machine's available memory before enumerating, whatever max_words says.
BYTES_PER_LETTER = 100


def enumerate_words(
    k: int, length: int, *, two_sided: bool, max_words: int = DEFAULT_MAX_WORDS
) -> np.ndarray:
    """Every member of exactly ``length``, as an int64 array (count, length) in lexicographic id
    order (row 0 is the smallest word in id order)."""
    k = check_k(k)
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise UsageError(f"length must be a non-negative integer, got {length!r}")
    total = count(k, length, two_sided=two_sided)
    if total > max_words:
        raise LimitExceeded(f"{total} words of length {length} exceed max_words = {max_words}")
    check_memory(total * max(length, 1) * BYTES_PER_LETTER,
                 what=f"enumerating {total} words of length {length}")
    if length % 2:
        return np.zeros((0, length), dtype=np.int64)
    d = 2 * k
    half = length // 2
    words = np.zeros((1, 0), dtype=np.int64)
    stack = np.zeros((1, half + 1), dtype=np.int64)  # reduced prefix, top at height - 1
    height = np.zeros(1, dtype=np.int64)
    for step in range(length):
        remaining = length - step - 1
        rows = np.repeat(np.arange(words.shape[0]), d)
        letter = np.tile(np.arange(d), words.shape[0])
        h = height[rows]
        top = stack[rows, np.maximum(h - 1, 0)]
        cancels = (h > 0) & ((top + k) % d == letter)
        if not two_sided:
            cancels &= letter >= k
            # a closer that does not cancel can never be cancelled later: drop it
            keep_letter = cancels | (letter < k)
        else:
            keep_letter = np.ones(letter.size, dtype=bool)
        new_h = np.where(cancels, h - 1, h + 1)
        keep = keep_letter & (new_h <= remaining)
        rows, letter, new_h, cancels = rows[keep], letter[keep], new_h[keep], cancels[keep]
        new_stack = stack[rows]
        pushed = np.flatnonzero(~cancels)
        new_stack[pushed, new_h[pushed] - 1] = letter[pushed]
        words = np.concatenate([words[rows], letter[:, None]], axis=1)
        stack, height = new_stack, new_h
    assert words.shape[0] == total, "enumeration disagrees with the count"
    return words
