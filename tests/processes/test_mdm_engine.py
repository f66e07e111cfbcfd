"""The MDM engine and fill rules: irreversibility, halting within S steps, the Masked-ARM's
left-to-right order, invalid decisions, determinism (Theorem 2's premise, Theorem 3's setting)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulators.errors import UsageError
from simulators.processes import (
    HaltReason,
    InvalidDecision,
    LeftmostK,
    MDMDecision,
    PolicyChosen,
    RandomK,
    Threshold,
    TopK,
    run_masked_arm,
    run_mdm,
)
from tests.processes.policies import VOCAB, M, random_mdm

RULES = [PolicyChosen(), TopK(1), TopK(3), Threshold(0.7), RandomK(2), LeftmostK(1), LeftmostK(4)]


def _canvas(seed: int, size: int) -> np.ndarray:
    c = np.random.default_rng(seed).integers(0, 4, size=size)
    c[c == 3] = M
    return c


@pytest.mark.parametrize("rule", RULES, ids=repr)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(0, 40))
def test_mdm_never_rewrites_a_filled_token_and_halts_within_s_steps(rule, seed, size):
    start = _canvas(seed, size)
    t = run_mdm(random_mdm, start, VOCAB, fill_rule=rule, rng=np.random.default_rng(seed))
    assert t.halt == HaltReason.NO_MASKS
    assert t.num_steps <= size
    assert not (t.final == M).any()
    for before, after, s in zip(t.canvases[:-1], t.canvases[1:], t.steps, strict=True):
        filled = before != M
        assert (after[filled] == before[filled]).all()          # irreversibility
        newly = (before == M) & (after != M)
        assert newly.sum() == s.filled >= 1                     # progress every step
        assert ((before != after) == newly).all()
    assert t.num_steps == 0 or t.steps[-1].length == size


@given(seed=st.integers(0, 2**32 - 1), size=st.integers(1, 40))
def test_masked_arm_fills_strictly_left_to_right_one_per_step(seed, size):
    start = _canvas(seed, size)
    t = run_masked_arm(random_mdm, start, VOCAB, rng=np.random.default_rng(seed))
    pairs = zip(t.canvases[:-1], t.canvases[1:], strict=True)
    order = [int(np.flatnonzero(b != a)[0]) for b, a in pairs]
    assert order == np.flatnonzero(start == M).tolist()
    assert all(s.filled == 1 for s in t.steps)


def test_top_k_and_threshold_follow_confidence():
    start = VOCAB.encode("[M] a [M] [M] [M]")
    conf = np.array([0.5, 0.99, 0.9, 0.1, 0.9])

    def pol(c, r):
        return MDMDecision(tokens=np.array([0, 0, 1, 2, 0]), confidence=conf)

    top = run_mdm(pol, start, VOCAB, fill_rule=TopK(2))
    # position 1 (0.99) is not a mask, so the two 0.9s win
    assert VOCAB.render(top.canvases[1]) == "[M] a b [M] a"
    top1 = run_mdm(pol, start, VOCAB, fill_rule=TopK(1))
    # 0.9 at positions 2 and 4 tie: the leftmost wins (deterministic)
    assert VOCAB.render(top1.canvases[1]) == "[M] a b [M] [M]"
    thr = run_mdm(pol, start, VOCAB, fill_rule=Threshold(0.95))
    # nothing reaches 0.95 among masks: the single most confident mask is filled (progress)
    assert thr.steps[0].filled == 1 and VOCAB.render(thr.canvases[1]) == "[M] a b [M] [M]"
    thr2 = run_mdm(pol, start, VOCAB, fill_rule=Threshold(0.5))
    assert VOCAB.render(thr2.canvases[1]) == "a a b [M] a"


@pytest.mark.parametrize("decision, why", [
    (lambda c: MDMDecision(np.zeros(c.size, np.int64), fill=np.zeros(c.size, bool)), "no position"),
    (lambda c: MDMDecision(np.zeros(c.size, np.int64), fill=c != M), "already filled"),
    (lambda c: MDMDecision(np.full(c.size, M), fill=c == M), "non-mask token"),
    (lambda c: MDMDecision(np.full(c.size, 77), fill=c == M), "non-mask token"),
    (lambda c: MDMDecision(np.zeros(c.size + 1, np.int64), fill=c == M), "shape"),
    (lambda c: MDMDecision(np.zeros(c.size, np.int64)), "fill"),
    (lambda c: 3, "MDMDecision"),
])
def test_invalid_decisions_halt_with_invalid(decision, why):
    t = run_mdm(lambda c, r: decision(c), VOCAB.encode("a [M] [M]"), VOCAB)
    assert t.halt == HaltReason.INVALID and why in t.message
    assert t.num_steps == 0 and t.final.tolist() == VOCAB.encode("a [M] [M]").tolist()


def test_confidence_rules_need_confidence():
    t = run_mdm(lambda c, r: MDMDecision(np.zeros(c.size, np.int64)), VOCAB.encode("[M]"), VOCAB,
                fill_rule=TopK(1))
    assert t.halt == HaltReason.INVALID and "confidence" in t.message
    with pytest.raises(InvalidDecision):
        Threshold(0.5).select(MDMDecision(np.zeros(1, np.int64)), np.ones(1, bool),
                              np.random.default_rng(0))


def test_step_limit_and_default_is_canvas_length():
    start = VOCAB.encode("[M] [M] [M] [M]")
    t = run_masked_arm(random_mdm, start, VOCAB, max_steps=2)
    assert t.halt == HaltReason.STEP_LIMIT and t.num_steps == 2
    assert t.config["max_steps"] == 2
    assert run_masked_arm(random_mdm, start, VOCAB).config["max_steps"] == 4


def test_bad_arguments_are_usage_errors():
    for make in (lambda: TopK(0), lambda: RandomK(-1), lambda: LeftmostK(1.5),
                 lambda: Threshold(float("nan"))):
        with pytest.raises(UsageError):
            make()
    with pytest.raises(UsageError, match="FillRule"):
        run_mdm(random_mdm, [M], VOCAB, fill_rule="top1")
    with pytest.raises(UsageError, match="not a token"):
        run_mdm(random_mdm, [M, 99], VOCAB)


def test_same_seed_same_trace():
    start = _canvas(1, 30)
    runs = [run_mdm(random_mdm, start, VOCAB, fill_rule=RandomK(3),
                    rng=np.random.default_rng(s)).to_json() for s in (5, 5, 6)]
    assert runs[0] == runs[1] != runs[2]


@given(conf=st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=1, max_size=30),
       masked=st.lists(st.booleans(), min_size=30, max_size=30), k=st.integers(1, 35))
def test_top_k_equals_a_stable_sort_reference(conf, masked, k):
    # reference: sort masked positions by (-confidence, position) and take the first k
    c = np.array(conf)
    is_mask = np.array(masked[: c.size])
    ref = sorted(np.flatnonzero(is_mask).tolist(), key=lambda i: (-c[i], i))[:k]
    got = TopK(k).select(MDMDecision(np.zeros(c.size, np.int64), confidence=c), is_mask,
                         np.random.default_rng(0))
    assert np.flatnonzero(got).tolist() == sorted(ref)


def test_recorded_fill_is_the_set_actually_filled_and_copies_are_kept():
    tokens = np.zeros(4, np.int64)
    conf = np.array([0.1, 0.9, 0.5, 0.7])

    def reusing(canvas, rng):  # returns the same arrays every step, mutating them
        tokens[:] += 1
        return MDMDecision(tokens=tokens, confidence=conf)

    t = run_mdm(reusing, VOCAB.encode("[M] [M] [M] [M]"), VOCAB, fill_rule=TopK(2))
    assert [np.flatnonzero(d.fill).tolist() for d in t.decisions] == [[1, 3], [0, 2]]
    assert [d.tokens[0] for d in t.decisions] == [1, 2]
    assert VOCAB.render(t.final) == "c b c b"


def test_memory_limit_when_recording():
    t = run_masked_arm(random_mdm, np.full(50, M), VOCAB, max_trace_bytes=5_000)
    assert t.halt == HaltReason.MEMORY_LIMIT and 0 < t.num_steps < 50
    lean = run_masked_arm(random_mdm, np.full(50, M), VOCAB, max_trace_bytes=5_000,
                          record_canvases=False)
    assert lean.halt == HaltReason.NO_MASKS and lean.num_steps == 50
