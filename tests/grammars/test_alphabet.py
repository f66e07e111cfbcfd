"""Names, ids, parsing (with error locations) and the mapping to a processes.Vocab."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulators.errors import ParseError, UsageError
from simulators.grammars import DyckLanguage, inverse_ids


@given(st.sampled_from(["dyck", "two-sided-dyck"]), st.integers(1, 7), st.data())
def test_render_parse_round_trip(language: str, k: int, data: st.DataObject) -> None:
    lang = DyckLanguage(language, k=k)
    word = np.asarray(data.draw(st.lists(st.integers(0, 2 * k - 1), max_size=20)), dtype=np.int64)
    assert np.array_equal(lang.parse(lang.render(word)), word)


def test_names_and_ids() -> None:
    assert DyckLanguage("two-sided-dyck", k=2).names == ("a1", "a2", "A1", "A2")
    assert DyckLanguage("dyck", k=2).names == ("(", "[", ")", "]")
    assert DyckLanguage("dyck", k=5).names[:2] == ("(1", "(2")
    assert inverse_ids(np.array([0, 1, 2, 3]), 2).tolist() == [2, 3, 0, 1]


def test_synonyms_and_spacing() -> None:
    two = DyckLanguage("two-sided-dyck", k=3)
    assert two.parse("a1 ~a1 A3a3").tolist() == [0, 3, 5, 2]
    one = DyckLanguage("dyck", k=3)
    assert one.parse("( [ ] ) (3 )3").tolist() == [0, 1, 4, 3, 2, 5]
    assert one.parse("ε").size == 0 and one.parse("").size == 0
    assert one.render([]) == "ε"


@pytest.mark.parametrize(
    ("language", "k", "text", "col"),
    [("two-sided-dyck", 2, "a1 a3", 4), ("two-sided-dyck", 2, "a1 b1", 4),
     ("dyck", 2, "([{", 3), ("dyck", 1, "()x", 3), ("dyck", 5, "(1 (9", 4)],
)
def test_parse_errors_point_at_the_bad_token(language: str, k: int, text: str, col: int) -> None:
    with pytest.raises(ParseError) as info:
        DyckLanguage(language, k=k).parse(text)
    assert info.value.location is not None and info.value.location.col == col
    assert "^" in info.value.format()


def test_bad_language_or_k() -> None:
    with pytest.raises(UsageError):
        DyckLanguage("three-sided", k=2)
    with pytest.raises(UsageError):
        DyckLanguage("dyck", k=0)


def test_vocab_keeps_the_grammar_ids() -> None:
    lang = DyckLanguage("two-sided-dyck", k=2)
    vocab = lang.vocab(bos="[BOS]")
    assert [vocab.id(n) for n in lang.names] == [0, 1, 2, 3]
    assert vocab.mask_id == 4 and vocab.bos_id == 5
