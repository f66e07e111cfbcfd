"""Independent reference computations the grammar code is tested against (test helpers only).

* ``all_words``: every word of a length over ``2k`` letters (mixed-radix, vectorised).
* ``free_group_identity``: two-sided membership through a *faithful matrix representation* of the
  free group (Sanov: ``a = [[1,2],[0,1]]``, ``b = [[1,0],[2,1]]`` generate a free group in SL(2, Z);
  ``x_i = b^i a b^-i``, i = 0..k-1, are a free basis of a free subgroup). A word is in two-sided
  Dyck-k iff its matrix product is the identity -- no cancellation rules involved.
* ``one_sided_batch``: a stack machine run on all words at once (numpy, vectorised over words).
* ``walk_counts``: number of closed walks at the root of the 2k-regular tree, by an O(L^2) DP on
  the distance from the root.
"""

from __future__ import annotations

import numpy as np

_A = np.array([[1, 2], [0, 1]], dtype=np.int64)
_B = np.array([[1, 0], [2, 1]], dtype=np.int64)
_B_INV = np.array([[1, 0], [-2, 1]], dtype=np.int64)
_A_INV = np.array([[1, -2], [0, 1]], dtype=np.int64)


def all_words(k: int, length: int) -> np.ndarray:
    """All (2k)^length words in lexicographic id order, as an (N, length) int8 array."""
    d = 2 * k
    out = np.empty((d**length, length), dtype=np.int8)
    letters = np.arange(d, dtype=np.int8)
    for j in range(length):  # column j cycles through the letters in blocks of d^(length-1-j)
        out[:, j] = np.tile(np.repeat(letters, d ** (length - 1 - j)), d**j)
    return out


def generator_matrices(k: int) -> np.ndarray:
    """(2k, 2, 2): matrices of a_1..a_k then their inverses (for k <= 3 entries stay small)."""
    mats = []
    for i in range(k):
        bi = np.linalg.matrix_power(_B, i)
        bi_inv = np.linalg.matrix_power(_B_INV, i)
        mats.append(bi @ _A @ bi_inv)
    for i in range(k):
        bi = np.linalg.matrix_power(_B, i)
        bi_inv = np.linalg.matrix_power(_B_INV, i)
        mats.append(bi @ _A_INV @ bi_inv)
    return np.stack(mats)


def free_group_identity(words: np.ndarray, k: int) -> np.ndarray:
    """Boolean per row: does the word evaluate to the identity matrix? (k <= 3, length <= 10)."""
    assert k <= 3 and words.shape[1] <= 10, "entries could overflow int64 beyond this"
    mats = generator_matrices(k)
    ones, zeros = np.ones(words.shape[0], np.int64), np.zeros(words.shape[0], np.int64)
    p00, p01, p10, p11 = ones, zeros, zeros, ones
    t00, t01, t10, t11 = (np.ascontiguousarray(mats[:, i, j]) for i in (0, 1) for j in (0, 1))
    for j in range(words.shape[1]):  # prod <- prod @ M[letter], written out for speed
        col = words[:, j]
        m00, m01, m10, m11 = t00[col], t01[col], t10[col], t11[col]
        p00, p01, p10, p11 = (
            p00 * m00 + p01 * m10,
            p00 * m01 + p01 * m11,
            p10 * m00 + p11 * m10,
            p10 * m01 + p11 * m11,
        )
    return (p00 == 1) & (p11 == 1) & (p01 == 0) & (p10 == 0)


def one_sided_batch(words: np.ndarray, k: int) -> np.ndarray:
    """Boolean per row: properly nested (openers 0..k-1, closer of type t is t + k).

    The stack machine runs only on rows whose opener/closer counts balance (a cheap necessary
    condition), which keeps the brute force over 10^6 words fast."""
    words = np.asarray(words, dtype=np.int64)
    result = np.zeros(words.shape[0], dtype=bool)
    balanced = np.flatnonzero((words < k).sum(axis=1) * 2 == words.shape[1])
    result[balanced] = _stack_machine(words[balanced], k)
    return result


def _stack_machine(words: np.ndarray, k: int) -> np.ndarray:
    b, n = words.shape
    stack = np.zeros((b, n + 1), dtype=np.int64)
    height = np.zeros(b, dtype=np.int64)
    ok = np.ones(b, dtype=bool)
    rows = np.arange(b)
    for j in range(n):
        letter = words[:, j]
        opener = letter < k
        top = stack[rows, np.maximum(height - 1, 0)]
        good_close = (~opener) & (height > 0) & (top == letter - k)
        ok &= opener | good_close
        stack[rows[opener], height[opener]] = letter[opener]
        height = np.where(opener, height + 1, np.maximum(height - 1, 0))
    return ok & (height == 0)


def walk_counts(k: int, max_length: int) -> list[int]:
    """Closed walks of length 0..max_length at the root of the 2k-regular tree (all lengths)."""
    d = 2 * k
    vec = [1] + [0] * (max_length + 1)
    out = [1]
    for _ in range(max_length):
        new = [0] * (max_length + 2)
        for r, ways in enumerate(vec):
            if not ways:
                continue
            if r + 1 <= max_length:
                new[r + 1] += ways * (d if r == 0 else d - 1)
            if r > 0:
                new[r - 1] += ways
        vec = new
        out.append(vec[0])
    return out


def edit_distance(a: list[int], b: list[int]) -> int:
    """Levenshtein distance (substitute / insert / delete), plain DP."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]
