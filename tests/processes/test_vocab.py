"""Vocabularies: ids <-> names, specials, validation, serialisation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulators.errors import UsageError
from simulators.processes import IntVocab, Vocab
from simulators.processes.vocab import BaseVocab


def test_vocab_ids_specials_and_rendering():
    v = Vocab(["x", "y"], bos="[BOS]", eos="[EOS]")
    assert len(v) == 5 and v.names == ("x", "y", "[M]", "[BOS]", "[EOS]")
    assert (v.mask_id, v.bos_id, v.eos_id) == (2, 3, 4)
    assert v.id("y") == 1 and v.name(4) == "[EOS]" and v.mask == "[M]"
    assert v.render(v.encode("[BOS] x [M] y")) == "[BOS] x [M] y"
    assert v.decode(np.array([0, 2])) == ["x", "[M]"]
    assert v.contains(np.array([-1, 0, 4, 5])).tolist() == [False, True, True, False]
    assert Vocab(["[M]", "z"]).mask_id == 0  # an existing mask name keeps its place


@pytest.mark.parametrize("make", [
    lambda: Vocab(["a", "a"]), lambda: Vocab(["a b"]), lambda: Vocab([""]),
    lambda: Vocab(["a"]).id("b"), lambda: Vocab(["a"]).name(7),
    lambda: IntVocab(3, 1), lambda: IntVocab(0, 3, specials=("[BOS]",)),
    lambda: IntVocab(0, 3, specials=("[M]", "12")), lambda: IntVocab(0, 3).id("4"),
    lambda: IntVocab(0, 3).id("1e3"), lambda: IntVocab(0, 3).name(-1),
    lambda: IntVocab(0, 2**63), lambda: IntVocab(0, 3, eos="[EOS]"),
])
def test_bad_vocabularies_and_lookups_are_usage_errors(make):
    with pytest.raises(UsageError):
        make()


def test_int_vocab_values_are_their_own_ids():
    iv = IntVocab(-2, 5, specials=("[M]", "[BOS]", "[EOS]"))
    assert iv.mask_id == 6 and iv.bos_id == 7 and iv.eos_id == 8 and len(iv) == 11
    assert iv.id("-2") == -2 and iv.name(5) == "5" and iv.render([7, -1, 6]) == "[BOS] -1 [M]"
    assert iv.contains(np.array([-3, -2, 8, 9])).tolist() == [False, True, True, False]
    assert IntVocab(0, 1, specials=("[M]", "[EOS]"), eos=None).eos_id == 3  # auto-detected


@given(st.lists(st.integers(0, 4), max_size=20))
def test_encode_render_round_trip(ids):
    v = Vocab(["a", "b", "c"], eos="[EOS]")
    assert v.encode(v.render(ids)).tolist() == ids


@pytest.mark.parametrize("v", [Vocab(["a"], bos="<s>"), IntVocab(0, 4, specials=("[M]", "[EOS]"))])
def test_dict_round_trip(v):
    assert BaseVocab.from_dict(v.to_dict()) == v
