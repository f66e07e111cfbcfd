"""Hypothesis strategy: the content-dependent example MDM programs of
:mod:`constructions.masked_arm.example_policies`, drawn by seed (Theorem 2 and 3 checks).

It lives beside the programs it draws (``simulators.testing`` may not import constructions);
the arbitrary lifted programs are :func:`simulators.testing.mdm_programs.lifted_mdm_cases`.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from constructions.masked_arm.example_policies import ORDERS, example_vocab, random_mdm_program


@st.composite
def example_mdm_cases(draw: st.DrawFn, max_context: int = 12):
    """(program, vocab, initial canvas) from the content-dependent example programs."""
    s = draw(st.integers(1, max_context))
    ints = draw(st.booleans())
    vocab = example_vocab(draw(st.integers(1, 5)), ints=ints, lo=draw(st.integers(-3, 2)))
    program = random_mdm_program(vocab, s, draw(st.integers(0, 2**31)),
                                 order=draw(st.sampled_from(ORDERS)),
                                 num_features=draw(st.integers(0, 4)))
    lo = vocab.lo if hasattr(vocab, "lo") else 0
    ids = st.integers(lo, lo + len(vocab) - 1)
    x0 = draw(st.lists(ids, min_size=s, max_size=s))
    return program, vocab, np.array(x0, dtype=np.int64)
