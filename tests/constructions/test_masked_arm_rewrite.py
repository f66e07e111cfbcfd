"""Re-targeting a program onto the original region (constructions/masked_arm/rewrite.py).

The claim the Theorem 3 wrapper rests on: after the rewrite, every output at positions 0..S-1
equals the original program's output on the canvas held there -- whatever the rest of the (longer)
canvas holds. Checked on arbitrary random programs (every predicate, mode and source).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constructions.masked_arm import retarget
from simulators.encoder import Program, aggregate, indices, select, tokens
from simulators.errors import EncoderProgramError
from simulators.testing.encoder_programs import VOCAB_HI, random_programs

GARBAGE_HI = 40  # the host canvas holds ids the original program never saw beyond position S


def _host(program: Program, context: int, host_length: int, restrict: bool = True) -> Program:
    outs = retarget(program, canvas=tokens(0, GARBAGE_HI), positions=indices(),
                    context=context, restrict=restrict)
    return Program(outs, max_length=host_length)


@given(st.data())
def test_retargeted_program_agrees_on_the_original_region(data):
    s = data.draw(st.integers(1, 10))
    program = data.draw(random_programs(max_length=s))
    extra = data.draw(st.integers(0, 12))
    canvas = data.draw(st.lists(st.integers(0, VOCAB_HI), min_size=s, max_size=s))
    garbage = data.draw(st.lists(st.integers(0, GARBAGE_HI), min_size=extra, max_size=extra))
    host = _host(program, s, s + extra)
    path = data.draw(st.sampled_from(["fast", "dense"]))
    want = program.evaluate(np.array(canvas), path=path)
    got = host.evaluate(np.array(canvas + garbage), path=path)
    for name, values in want.items():
        assert got[name][:s].tolist() == values.tolist(), name


def test_retarget_adds_no_layer():
    """The extra conjunct compares two sources: depth and layer counts are unchanged."""
    tok, idx = tokens(0, 5), indices()
    prev = aggregate(select(idx, idx, "<"), tok, "rightmost", default=0)
    program = Program({"prev": prev}, max_length=6)
    host = _host(program, 6, 20)
    # the host's clip of its token source is one MLP before the head: +1 MLP, same attention
    assert host.cost().attention_layers == program.cost().attention_layers


def test_without_the_restriction_the_region_sees_the_rest():
    """Ablation: dropping the ``index < S`` conjunct lets garbage leak in (the test can fail)."""
    tok, idx = tokens(0, 5), indices()
    total = aggregate(select(idx, idx, "true"), tok, "sum", default=0)
    program = Program({"total": total}, max_length=3)
    canvas = np.array([1, 2, 3, 7, 7])
    assert _host(program, 3, 5).evaluate(canvas)["total"][:3].tolist() == [6, 6, 6]
    leaked = 1 + 2 + 3 + 5 + 5  # the garbage 7s, clipped to the declared token range 0..5
    assert _host(program, 3, 5, restrict=False).evaluate(canvas)["total"][:3].tolist() == [
        leaked] * 3


def test_context_longer_than_the_program_is_rejected():
    program = Program({"t": tokens(0, 5)}, max_length=4)
    with pytest.raises(EncoderProgramError):
        retarget(program, canvas=tokens(0, 9), positions=indices(), context=5)
