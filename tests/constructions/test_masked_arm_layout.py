"""The Masked-ARM canvas layout and vocabulary of the Theorem 3 wrapper."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constructions.masked_arm import MaskedArmLayout, TaggedVocab, mdm_id_range
from simulators.errors import ShapeError, UsageError
from simulators.processes import IntVocab, Vocab


def _layout(context: int = 4, lo: int = 0, hi: int = 3, mask: int = 3, readout: bool = True):
    return MaskedArmLayout(context=context, id_lo=lo, id_hi=hi, mdm_mask=mask, readout=readout)


@given(st.integers(1, 50), st.integers(-5, 5), st.integers(2, 9), st.data())
def test_tag_untag_round_trip_and_ids_are_disjoint(context, lo, size, data):
    lay = _layout(context, lo, lo + size - 1, lo)
    pos = data.draw(st.lists(st.integers(0, context - 1), min_size=1, max_size=20))
    tok = data.draw(st.lists(st.integers(lo, lo + size - 1), min_size=len(pos), max_size=len(pos)))
    ids = lay.tag(pos, tok)
    assert ((ids >= lay.tag_base) & (ids < lay.mask_id)).all()
    back_pos, back_tok = lay.untag(ids)
    assert back_pos.tolist() == pos and back_tok.tolist() == tok
    # the tag is injective: distinct (pos, tok) pairs never share an id
    assert len(set(ids.tolist())) == len(set(zip(pos, tok, strict=True)))
    assert lay.new_vocab_size == size * (context + 1) + 1


def test_initial_canvas_regions_and_lengths():
    lay = _layout(context=5, lo=-1, hi=2, mask=2)          # ids -1..2, mask 2
    x0 = np.array([2, -1, 2, 0, 2])
    k = 3
    canvas = lay.initial_canvas(x0)
    assert lay.log_length(x0) == k and len(canvas) == 5 + k + 5 == lay.total_length(x0)
    assert canvas[:5].tolist() == (x0 + 1).tolist()        # relabelled to 0-based ids
    assert (canvas[5:] == lay.mask_id).all()
    assert not (canvas[:5] == lay.mask_id).any()           # the original region holds no mask
    no_readout = _layout(context=5, lo=-1, hi=2, mask=2, readout=False)
    assert no_readout.total_length(x0) == 5 + k


def test_rebuild_applies_the_log_in_order():
    lay = _layout(context=4, lo=0, hi=3, mask=3)
    x0 = np.array([3, 1, 3, 3])
    canvas = lay.initial_canvas(x0).copy()
    canvas[4] = lay.tag(2, 0)
    canvas[5] = lay.tag(0, 2)
    assert lay.rebuild(canvas).tolist() == [2, 1, 0, 3]
    pos, tok = lay.log_of(canvas)
    assert pos.tolist() == [2, 0] and tok.tolist() == [0, 2]


def test_tagged_vocab_names_round_trip():
    v = Vocab(["a", "b"])
    lo, hi = mdm_id_range(v)
    lay = MaskedArmLayout(context=3, id_lo=lo, id_hi=hi, mdm_mask=v.mask_id)
    tv = TaggedVocab(v, lay)
    for i in range(len(tv)):
        assert tv.id(tv.name(i)) == i
    assert tv.name(lay.mask_id) == "[M*]" and tv.mask_id == lay.mask_id
    assert tv.name(int(lay.tag(2, v.id("b")))) == "2@b"
    assert len(tv.to_dict()["names"]) == len(tv)


def test_int_vocab_with_negative_ids():
    v = IntVocab(-2, 1)
    assert mdm_id_range(v) == (-2, 2)
    lay = MaskedArmLayout(context=2, id_lo=-2, id_hi=2, mdm_mask=v.mask_id)
    tv = TaggedVocab(v, lay)
    assert tv.name(0) == "-2" and tv.name(int(lay.tag(1, -1))) == "1@-1"


def test_bad_inputs_raise_project_errors():
    with pytest.raises(UsageError):
        _layout(context=0)
    with pytest.raises(UsageError):
        _layout(lo=0, hi=3, mask=7)
    lay = _layout()
    with pytest.raises(ShapeError):
        lay.initial_canvas(np.array([0, 1]))              # wrong length
    with pytest.raises(ShapeError):
        lay.initial_canvas(np.array([0, 1, 2, 9]))        # id outside the vocabulary
    with pytest.raises(ShapeError):
        lay.untag(np.array([0]))                          # not a tagged token
