"""Membership by reduction, in linear time.

* Two-sided Dyck-k is the word problem of the free group on ``a_1..a_k``: a word is a member iff
  cancelling ``a_i ā_i`` **and** ``ā_i a_i`` repeatedly leaves the empty word.
* One-sided Dyck-k (properly nested brackets of k types) cancels only ``a_i ā_i`` (opener then its
  closer).

Both rewriting systems are length-reducing and confluent, so the normal form is unique and a single
left-to-right pass with a stack computes it (:func:`reduce_word`, O(n)). For one-sided words there
is also a vectorised check (:func:`is_dyck_vectorised`) that matches brackets by sorting on depth;
the tests check that the two agree.
"""

from __future__ import annotations

import numpy as np

from simulators.errors import UsageError
from simulators.grammars.alphabet import check_k


def as_word(word: np.ndarray | list[int], k: int) -> np.ndarray:
    """Validate a word: a 1-D integer array with ids in ``0..2k-1``."""
    arr = np.asarray(word)
    if arr.ndim != 1:
        raise UsageError(f"a word is a 1-D array of token ids, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise UsageError(f"a word holds integer token ids, got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and (arr.min() < 0 or arr.max() >= 2 * k):
        raise UsageError(f"token ids must lie in 0..{2 * k - 1} for k = {k}")
    return arr


def reduce_word(word: np.ndarray | list[int], k: int, *, two_sided: bool) -> np.ndarray:
    """The irreducible normal form of ``word`` (one stack pass, O(len(word))).

    A letter cancels the stack top when it is the top's partner; in the one-sided language only a
    closer may cancel (an opener), never the other way round.
    """
    k = check_k(k)
    ids = as_word(word, k).tolist()
    stack: list[int] = []
    for t in ids:
        if stack and (stack[-1] + k) % (2 * k) == t and (two_sided or t >= k):
            stack.pop()
        else:
            stack.append(t)
    return np.asarray(stack, dtype=np.int64)


def is_member(word: np.ndarray | list[int], k: int, *, two_sided: bool) -> bool:
    """Membership in (two-sided) Dyck-k: the word reduces to the empty word."""
    if not two_sided:
        return is_dyck_vectorised(word, k)
    return reduce_word(word, k, two_sided=True).size == 0


def bracket_matching(word: np.ndarray, k: int) -> np.ndarray | None:
    """For a balanced one-sided bracket *shape* (types ignored), ``match[i]`` = partner position.

    Returns None when the shape is unbalanced (a prefix with more closers than openers, or a
    non-zero final depth). Vectorised: the opener that opens depth level ``d`` and the closer that
    closes it are consecutive once positions are stably sorted by level (an O(n log n) sort instead
    of a Python stack loop).
    """
    arr = np.asarray(word, dtype=np.int64)
    n = arr.size
    if n % 2:
        return None
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    step = np.where(arr < k, 1, -1)
    depth_after = np.cumsum(step)
    if depth_after.min() < 0 or depth_after[-1] != 0:
        return None
    level = np.where(step > 0, depth_after, depth_after + 1)  # the level a bracket opens / closes
    order = np.argsort(level, kind="stable")
    openers, closers = order[0::2], order[1::2]
    match = np.empty(n, dtype=np.int64)
    match[openers] = closers
    match[closers] = openers
    return match


def is_dyck_vectorised(word: np.ndarray | list[int], k: int) -> bool:
    """One-sided Dyck-k membership without a Python loop over positions."""
    k = check_k(k)
    arr = as_word(word, k)
    match = bracket_matching(arr, k)
    if match is None:
        return False
    openers = np.flatnonzero(arr < k)
    return bool(np.all(arr[match[openers]] == arr[openers] + k))


def members_batch(words: np.ndarray, k: int, *, two_sided: bool) -> np.ndarray:
    """Membership of every row of a (B, n) word array at once (vectorised over the rows).

    Two-sided: the stack pass of :func:`reduce_word`, run on all rows together (a Python loop
    over the n columns only). One-sided: the depth-sorting matching of :func:`bracket_matching`,
    row-wise.
    """
    k = check_k(k)
    arr = np.asarray(words)
    if arr.ndim != 2:
        raise UsageError(f"members_batch expects a (B, n) array, got shape {arr.shape}")
    arr = arr.astype(np.int64, copy=False)
    b, n = arr.shape
    if arr.size and (arr.min() < 0 or arr.max() >= 2 * k):
        raise UsageError(f"token ids must lie in 0..{2 * k - 1} for k = {k}")
    if n % 2:
        return np.zeros(b, dtype=bool)
    if n == 0:
        return np.ones(b, dtype=bool)
    if two_sided:
        return _two_sided_batch(arr, k)
    return _one_sided_batch(arr, k)


def _two_sided_batch(arr: np.ndarray, k: int) -> np.ndarray:
    b, n = arr.shape
    rows = np.arange(b)
    stack = np.zeros((b, n), dtype=np.int64)
    height = np.zeros(b, dtype=np.int64)
    for j in range(n):
        letter = arr[:, j]
        top = stack[rows, np.maximum(height - 1, 0)]
        cancels = (height > 0) & ((top + k) % (2 * k) == letter)
        push = ~cancels
        stack[rows[push], height[push]] = letter[push]
        height = np.where(cancels, height - 1, height + 1)
    return height == 0


def _one_sided_batch(arr: np.ndarray, k: int) -> np.ndarray:
    step = np.where(arr < k, 1, -1).astype(np.int32)
    depth_after = np.cumsum(step, axis=1)
    result = (depth_after.min(axis=1) >= 0) & (depth_after[:, -1] == 0)
    rows = np.flatnonzero(result)  # only balanced shapes need the (costlier) type matching
    sub, depth_sub = arr[rows], depth_after[rows]
    level = np.where(step[rows] > 0, depth_sub, depth_sub + 1)
    order = np.argsort(level, axis=1, kind="stable")
    firsts = np.take_along_axis(sub, order[:, 0::2], axis=1)
    seconds = np.take_along_axis(sub, order[:, 1::2], axis=1)
    result[rows] = np.all((firsts < k) & (seconds == firsts + k), axis=1)
    return result
