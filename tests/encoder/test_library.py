"""Each library program against a plain-Python reference: exhaustive on small vocabularies and
lengths (both evaluation paths), hypothesis on larger inputs (fast path, plus dense where cheap)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulators.encoder.library import (
    dyck1_program,
    histogram_program,
    most_recent_write_program,
    prefix_sum_program,
    previous_block_program,
    reverse_program,
    sort_distinct_program,
)

# ----------------------------------------------------------------------------- references


def ref_histogram(xs: list[int]) -> list[int]:
    return [xs.count(x) for x in xs]


def ref_sort(xs: list[int]) -> list[int]:
    return sorted(xs)


def ref_reverse(xs: list[int]) -> list[int]:
    return xs[::-1]


def ref_dyck1(xs: list[int]) -> tuple[list[int], int]:
    depth, out, ok = 0, [], True
    for x in xs:
        depth += 1 if x == 0 else -1
        ok = ok and depth >= 0
        out.append(depth)
    return out, int(ok and depth == 0)


def ref_prefix_sum(xs: list[int]) -> list[int]:
    out, total = [], 0
    for x in xs:
        total += x
        out.append(total)
    return out


def ref_memory_log(xs: list[int], addresses: int, values: int) -> list[int]:
    memory: dict[int, int] = {}
    out = []
    for t in xs:
        kind, rest = divmod(t, addresses * values)
        addr, val = divmod(rest, values)
        out.append(memory.get(addr, 0))
        if kind == 1:
            memory[addr] = val
    return out


def ref_previous_block(xs: list[int], block: int) -> list[int]:
    return [xs[i - block] if i >= block else 0 for i in range(len(xs))]


def _both_paths(prog, words):
    """Evaluate equally long words as one batch on both paths; per-word output lists."""
    batch = np.array(words, dtype=np.int64).reshape(len(words), -1)
    fast = prog.evaluate(batch, path="join")
    dense = prog.evaluate(batch, path="dense")
    for name in fast:
        assert np.array_equal(fast[name], dense[name]), name
    return [{k: v[i].tolist() for k, v in fast.items()} for i in range(len(words))]


def _batches(vocab: int, max_len: int):
    """All words over ``0..vocab-1`` up to ``max_len``, grouped by length (one batch each)."""
    for n in range(max_len + 1):
        yield [list(w) for w in itertools.product(range(vocab), repeat=n)]


def _check(prog, batches, ref) -> None:
    for words in batches:
        for w, got in zip(words, _both_paths(prog, words), strict=True):
            assert got == ref(w), w


# ----------------------------------------------------------------------------- exhaustive


def test_histogram_exhaustive() -> None:
    _check(histogram_program(3, 7), _batches(3, 7), lambda w: {"count": ref_histogram(w)})


def test_sort_distinct_exhaustive() -> None:
    perms = ([list(p) for p in itertools.permutations(range(6), n)] for n in range(7))
    _check(sort_distinct_program(6, 6), perms, lambda w: {"sorted": ref_sort(w)})


def test_reverse_exhaustive() -> None:
    _check(reverse_program(3, 8), _batches(3, 7), lambda w: {"rev": ref_reverse(w)})


def test_dyck1_exhaustive() -> None:
    def ref(w):
        depth, ok = ref_dyck1(w)
        return {"depth": depth, "balanced": [ok] * len(w)}
    _check(dyck1_program(12), _batches(2, 12), ref)


def test_prefix_sum_exhaustive() -> None:
    prog = prefix_sum_program(-2, 2, 6)
    shifted = ([[x - 2 for x in w] for w in words] for words in _batches(5, 6))
    _check(prog, shifted, lambda w: {"psum": ref_prefix_sum(w)})


def test_most_recent_write_exhaustive() -> None:
    prog = most_recent_write_program(2, 2, 5)
    _check(prog, _batches(8, 5), lambda w: {"read": ref_memory_log(w, 2, 2)})


def test_previous_block_exhaustive() -> None:
    for block in (1, 2, 3):
        _check(previous_block_program(3, block, 8), _batches(3, 7),
               lambda w, b=block: {"carry": ref_previous_block(w, b)})


# ----------------------------------------------------------------------------- hypothesis

words = st.lists(st.integers(0, 49), max_size=300)


@given(words)
def test_histogram_random(xs) -> None:
    assert histogram_program(50, 300).evaluate(xs)["count"].tolist() == ref_histogram(xs)


@given(st.lists(st.integers(0, 999), unique=True, max_size=300))
def test_sort_distinct_random(xs) -> None:
    assert sort_distinct_program(1000, 300).evaluate(xs)["sorted"].tolist() == ref_sort(xs)


@given(words)
def test_reverse_random(xs) -> None:
    assert reverse_program(50, 300).evaluate(xs)["rev"].tolist() == ref_reverse(xs)


@given(st.lists(st.integers(0, 1), max_size=300))
def test_dyck1_random(xs) -> None:
    got = dyck1_program(300).evaluate(xs)
    depth, ok = ref_dyck1(xs)
    assert got["depth"].tolist() == depth and got["balanced"].tolist() == [ok] * len(xs)


@given(st.integers(0, 60).flatmap(
    lambda n: st.lists(st.sampled_from([0, 1]), min_size=2 * n, max_size=2 * n)))
def test_dyck1_balanced_words_accepted_when_nested(bits) -> None:
    # Build a balanced word from a random bit string: push on 0, pop on 1 when possible.
    word, depth = [], 0
    for b in bits:
        if b == 0 or depth == 0:
            word.append(0)
            depth += 1
        else:
            word.append(1)
            depth -= 1
    word += [1] * depth
    assert set(dyck1_program(300).evaluate(word)["balanced"].tolist()) <= {1}


@given(st.lists(st.integers(-1000, 1000), max_size=300))
def test_prefix_sum_random(xs) -> None:
    assert prefix_sum_program(-1000, 1000, 300).evaluate(xs)["psum"].tolist() == ref_prefix_sum(xs)


@given(st.lists(st.integers(0, 2 * 7 * 5 - 1), max_size=300))
def test_most_recent_write_random(xs) -> None:
    prog = most_recent_write_program(7, 5, 300)
    got = prog.evaluate(xs)["read"].tolist()
    assert got == ref_memory_log(xs, 7, 5)
    assert got == prog.evaluate(xs, path="dense")["read"].tolist()


@given(st.integers(1, 20), st.lists(st.integers(0, 9), max_size=300))
def test_previous_block_random(block, xs) -> None:
    got = previous_block_program(10, block, 300).evaluate(xs)["carry"].tolist()
    assert got == ref_previous_block(xs, block)
