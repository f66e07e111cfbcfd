"""Structural properties (hypothesis): one-sided ⊂ two-sided, closure under inserting a cancelling
pair and under cyclic rotation, reduction is a normal form, near misses are non-members."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulators.grammars import (
    enumerate_words,
    is_dyck_vectorised,
    is_member,
    members_batch,
    near_misses,
    reduce_word,
    sample_word,
)
from tests.grammars.oracles import edit_distance

ks = st.integers(1, 4)
seeds = st.integers(0, 2**32 - 1)
half_lengths = st.integers(0, 40)


@st.composite
def members(draw: st.DrawFn, two_sided: bool) -> tuple[int, np.ndarray]:
    k = draw(ks)
    rng = np.random.default_rng(draw(seeds))
    return k, sample_word(k, 2 * draw(half_lengths), rng, two_sided=two_sided)


def test_one_sided_is_a_subset_of_two_sided_exhaustively() -> None:
    for k in (1, 2, 3):
        for length in (0, 2, 4, 6, 8):
            one = enumerate_words(k, length, two_sided=False)
            assert members_batch(one, k, two_sided=True).all()
            two = enumerate_words(k, length, two_sided=True)
            assert len(one) < len(two) or length == 0


@given(members(two_sided=False))
def test_sampled_one_sided_words_are_two_sided_members(case: tuple[int, np.ndarray]) -> None:
    k, word = case
    assert is_member(word, k, two_sided=True)


@given(members(two_sided=True), st.data())
def test_two_sided_closed_under_inserting_a_cancelling_pair(
    case: tuple[int, np.ndarray], data: st.DataObject
) -> None:
    k, word = case
    slot = data.draw(st.integers(0, word.size))
    letter = data.draw(st.integers(0, 2 * k - 1))
    pair = [letter, (letter + k) % (2 * k)]  # a_i ā_i or ā_i a_i
    assert is_member(np.insert(word, slot, pair), k, two_sided=True)


@given(members(two_sided=False), st.data())
def test_one_sided_closed_under_inserting_a_matched_bracket_pair(
    case: tuple[int, np.ndarray], data: st.DataObject
) -> None:
    k, word = case
    slot = data.draw(st.integers(0, word.size))
    t = data.draw(st.integers(0, k - 1))
    assert is_member(np.insert(word, slot, [t, t + k]), k, two_sided=False)
    # the reversed pair (closer first) at a slot of depth 0 is a two-sided member but never a
    # one-sided one (its closer would take the depth below 0)
    depth = np.concatenate([[0], np.cumsum(np.where(word < k, 1, -1))])
    top_slots = np.flatnonzero(depth == 0)
    top = int(top_slots[data.draw(st.integers(0, top_slots.size - 1))])
    reversed_pair = np.insert(word, top, [t + k, t])
    assert is_member(reversed_pair, k, two_sided=True)
    assert not is_member(reversed_pair, k, two_sided=False)


@given(members(two_sided=True), st.integers(0, 10_000))
def test_two_sided_closed_under_cyclic_rotation(case: tuple[int, np.ndarray], shift: int) -> None:
    k, word = case
    assert is_member(np.roll(word, shift), k, two_sided=True)


@given(ks, st.lists(st.integers(0, 7), max_size=30), st.booleans())
def test_reduction_is_a_normal_form(k: int, raw: list[int], two_sided: bool) -> None:
    word = np.asarray([t % (2 * k) for t in raw], dtype=np.int64)
    red = reduce_word(word, k, two_sided=two_sided)
    assert np.array_equal(reduce_word(red, k, two_sided=two_sided), red)  # irreducible
    # membership is unchanged when the word is replaced by its normal form, placed anywhere
    # between members
    assert is_member(word, k, two_sided=two_sided) == (red.size == 0)
    if not two_sided:
        assert is_dyck_vectorised(word, k) == (red.size == 0)
    batch = members_batch(word[None, :], k, two_sided=two_sided)[0]
    assert batch == (red.size == 0)


@given(members(two_sided=True), seeds)
def test_near_misses_are_close_non_members(case: tuple[int, np.ndarray], seed: int) -> None:
    k, word = case
    for two_sided in (True, False):
        base = word if two_sided else sample_word(k, word.size, np.random.default_rng(seed),
                                                  two_sided=False)
        misses = near_misses(base, k, np.random.default_rng(seed), two_sided=two_sided, num=5)
        for miss in misses:
            assert not is_member(miss, k, two_sided=two_sided)
            assert 1 <= edit_distance(base.tolist(), miss.tolist()) <= 2
