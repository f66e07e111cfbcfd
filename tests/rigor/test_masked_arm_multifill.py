"""Theorem 3 outside its precondition, as documented (constructions/masked_arm/program.py): when
the wrapped MDM marks several positions at once, the Masked-ARM follows the *leftmost* one,
with that position's token. An MDM whose tokens depend only on the position fills every mask
in one step; the Masked-ARM then fills them one by one, left to right, each with its own token,
so both end on the same canvas."""

from __future__ import annotations

import numpy as np

from constructions.masked_arm.example_policies import example_vocab
from constructions.masked_arm.simulate import simulate
from simulators.encoder import Program, ew, indices, tokens


def test_several_fills_are_followed_leftmost_first_with_their_own_tokens() -> None:
    vocab = example_vocab(3)  # a b c [M]; the mask id is 3
    s = 7
    tok, idx = tokens(0, vocab.mask_id), indices()
    program = Program({"token": ew("mod", ew("mul", idx, 2), 3),   # 0 2 1 0 2 1 0: position-only
                       "fill": ew("eq", tok, vocab.mask_id)}, max_length=s)
    x0 = np.array([3, 1, 3, 3, 0, 3, 3], dtype=np.int64)
    result = simulate(program, vocab, x0)
    assert not result.one_token_per_step  # outside the precondition, on purpose
    want = np.where(x0 == vocab.mask_id, (2 * np.arange(s)) % 3, x0)
    assert np.array_equal(result.mdm_final, want)
    assert np.array_equal(result.masked_arm_final, want)
