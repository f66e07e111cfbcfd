"""Datasets from traces: targets, the halting fixed point, provenance hashes."""

from __future__ import annotations

import numpy as np
import pytest

from constructions.parity_apmdm import MASK, run_parity
from simulators.errors import UsageError
from simulators.learned.data import apmdm_rows, arm_outcome_rows, mdm_outcome_rows, pack
from tests.learned.helpers import PAD, short_parity_data


def test_content_hash_is_deterministic_and_sensitive() -> None:
    a, b = short_parity_data(4), short_parity_data(4)
    assert a.content_hash == b.content_hash
    assert len(a.content_hash) == 64
    assert short_parity_data(5).content_hash != a.content_hash
    rows = apmdm_rows([run_parity([0, 1, 1])], mask_id=MASK)
    changed = rows[:-1] + [rows[-1].__class__(rows[-1].tokens, rows[-1].y, rows[-1].y_mask,
                                              ~rows[-1].bits, rows[-1].bits_mask)]
    h1 = pack(rows, pad_id=PAD, seed=0, kind="t").content_hash
    h2 = pack(changed, pad_id=PAD, seed=0, kind="t").content_hash
    assert h1 != h2


def test_rows_follow_the_trace_and_end_with_the_fixed_point() -> None:
    tr = run_parity([1, 1, 0])
    rows = apmdm_rows([tr], mask_id=MASK)
    # One row per recorded step plus the explicit halting row (a duplicate of the last step).
    assert len(rows) == tr.num_steps + 1
    last = rows[-1]
    assert np.array_equal(last.tokens, tr.final)
    assert not last.bits.any()
    data = pack(rows, pad_id=PAD, seed=0, kind="t")
    assert len(data) == tr.num_steps  # the duplicate halting row is dropped
    # Each step's control bits are the construction's own decision.
    for canvas, dec, r in zip(tr.canvases[:-1], tr.decisions, rows, strict=False):
        assert np.array_equal(r.tokens, canvas)
        assert np.array_equal(r.bits[:, 0], dec.remask)
        assert np.array_equal(r.bits[:, 2], dec.delete)
        assert not r.y_mask.any()  # parity never unmasks: masks are always deleted


def test_length2_data_is_the_papers_seven_transitions_plus_two_halts() -> None:
    import itertools

    traces = [run_parity(list(b)) for b in itertools.product([0, 1], repeat=2)]
    data = pack(apmdm_rows(traces, mask_id=MASK), pad_id=PAD, seed=0, kind="t")
    halting = [i for i in range(len(data)) if not data.bits[i].any()]
    assert len(data) == 9 and len(halting) == 2


def test_outcome_rows() -> None:
    rng = np.random.default_rng(0)
    rows = mdm_outcome_rows([np.array([0, 1])], [np.array([1, 0, 1])], mask_id=MASK, rng=rng,
                            copies=5)
    for r in rows:
        assert r.y_mask.any() and not r.y_mask[:2].any()
        assert np.array_equal(r.tokens[r.y_mask], np.full(r.y_mask.sum(), MASK))
        assert np.array_equal(r.y, [0, 1, 1, 0, 1])
    (a,) = arm_outcome_rows([np.array([3, 0, 1, 2])], [np.array([1, 5])])
    assert np.array_equal(a.tokens, [3, 0, 1, 2, 1]) and np.array_equal(a.y, [0, 1, 2, 1, 5])
    assert np.array_equal(a.y_mask, [False, False, False, True, True])


def test_empty_data_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        pack([], pad_id=0, seed=0, kind="t")
