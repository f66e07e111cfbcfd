"""Hypothesis strategy: random one-token-per-step MDM programs (used by the Theorem 2 and 3 checks).

Arbitrary random encoder programs (every predicate and aggregation mode, from
:mod:`simulators.testing.encoder_programs`) turned into MDM policies: the token is one output
mapped onto the plain tokens, the fill is the masked position of least ``(output * S + index)`` --
unique, so exactly one token per step, in an order decided by an arbitrary program of the canvas.
The content-dependent example programs of the Masked-ARM construction are drawn by
``constructions.masked_arm.cases.example_mdm_cases``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from simulators.encoder import Program, aggregate, ew, indices, select, tokens
from simulators.processes import Vocab
from simulators.testing.encoder_programs import VOCAB_HI, random_programs

#: The vocabulary of the lifted random programs: their tokens(0, VOCAB_HI), the last id the mask.
LIFTED_VOCAB = Vocab([f"t{i}" for i in range(VOCAB_HI)])
assert LIFTED_VOCAB.mask_id == VOCAB_HI


def lift_to_mdm(program: Program, context: int) -> Program:
    """An MDM program (outputs token, fill) on top of an arbitrary program's first two outputs."""
    outs = list(program.outputs.values())
    value, order = outs[0], outs[-1]
    tok = tokens(0, VOCAB_HI)
    idx = indices()
    is_mask = ew("eq", tok, LIFTED_VOCAB.mask_id)
    token = ew("mod", value, VOCAB_HI)  # 0..VOCAB_HI-1: the plain tokens
    prio = ew("add", ew("mul", order, context), idx)
    least = aggregate(select(is_mask, 1, "=="), prio, "min", default=0)
    fill = ew("and", is_mask, ew("eq", prio, least))
    return Program({"token": token, "fill": fill}, max_length=context, name="lifted")


@st.composite
def lifted_mdm_cases(draw: st.DrawFn, max_context: int = 9):
    """(program, vocab, initial canvas) from an arbitrary random encoder program."""
    s = draw(st.integers(1, max_context))
    program = lift_to_mdm(draw(random_programs(max_length=s)), s)
    x0 = draw(st.lists(st.integers(0, VOCAB_HI), min_size=s, max_size=s))
    return program, LIFTED_VOCAB, np.array(x0, dtype=np.int64)
