"""The vectorised word tokenizer agrees with the exact regex tokenizer on every text (the same ids,
or the fast path declines and the exact one decides), and checks long words in linear time."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulators.errors import ParseError
from simulators.grammars import DyckLanguage

CHARS = "aA~0123456789 \t()[]{}<>x\x1c"


def _exact(lang: DyckLanguage, text: str) -> object:
    try:
        return lang._parse_exact(text).tolist()
    except ParseError as err:
        return err.format()


def _parsed(lang: DyckLanguage, text: str) -> object:
    try:
        return lang.parse(text).tolist()
    except ParseError as err:
        return err.format()


@given(language=st.sampled_from(["dyck", "two-sided-dyck"]), k=st.sampled_from([1, 2, 3, 5, 12]),
       text=st.text(alphabet=CHARS, max_size=30))
def test_fast_tokenizer_agrees_with_exact(language: str, k: int, text: str) -> None:
    lang = DyckLanguage(language, k=k)
    if text.strip() in ("", "ε"):
        return
    fast = lang._parse_fast(text)
    if fast is not None:
        assert fast.tolist() == _exact(lang, text)
    assert _parsed(lang, text) == _exact(lang, text)


@pytest.mark.parametrize("text", ["a1 a2A2 A1", "~a1a1", "a12", "a0002 A2", "a1\tA1\n"])
def test_fast_path_taken_for_well_formed_two_sided(text: str) -> None:
    lang = DyckLanguage("two-sided-dyck", k=12)
    fast = lang._parse_fast(text)
    assert fast is not None and fast.tolist() == lang._parse_exact(text).tolist()


@pytest.mark.parametrize("text", ["([]{})<>", "(1 )1 (3[)3]", "(12)12"])
def test_fast_path_taken_for_well_formed_one_sided(text: str) -> None:
    lang = DyckLanguage("dyck", k=12)
    fast = lang._parse_fast(text)
    assert fast is not None and fast.tolist() == lang._parse_exact(text).tolist()


def test_640k_brackets_checked_well_under_a_second() -> None:
    """The issue's case: 640k brackets took 17 s with a tokenizer that copied the rest of the text
    at every token. CPU time of this process (other processes' load does not count); generous
    bound, typically ~0.2 s."""
    lang = DyckLanguage("dyck", k=2)
    text = "([])" * 160_000
    two = DyckLanguage("two-sided-dyck", k=2)
    text2 = "a1 a2 A2 A1 " * 160_000
    start = time.process_time()
    assert lang.is_member(lang.parse(text))
    assert two.is_member(two.parse(text2))
    assert time.process_time() - start < 2.0


def test_exact_tokenizer_is_linear() -> None:
    """The fallback (an error late in a long word) is linear too: 200k tokens, then a bad one."""
    lang = DyckLanguage("two-sided-dyck", k=2)
    text = "a1 A1 " * 100_000 + "b"
    start = time.process_time()
    with pytest.raises(ParseError) as info:
        lang.parse(text)
    assert time.process_time() - start < 5.0
    assert f":1:{len(text)}:" in info.value.format()
