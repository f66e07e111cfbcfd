"""The AP-MDM engine: every halting reason, recording, Theorem-2 cost hook, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulators.errors import UsageError
from simulators.processes import APMDMDecision, HaltReason, IntVocab, run_apmdm
from tests.processes.policies import VOCAB, M, parity_policy, random_apmdm
from tests.processes.reference_g import g_reference


def _bits(n, *, on=()):
    b = np.zeros(n, dtype=bool)
    b[list(on)] = True
    return b


@given(st.integers(0, 2**32 - 1), st.integers(0, 12), st.integers(1, 40))
def test_recorded_steps_follow_g_and_respect_limits(seed, n0, max_len):
    canvas = np.random.default_rng(seed).integers(0, 4, size=min(n0, max_len))
    canvas[canvas == 3] = M
    t = run_apmdm(random_apmdm(), canvas, VOCAB, rng=np.random.default_rng(seed), max_steps=15,
                  max_length=max_len, halt_on_fixed_point=False)
    assert t.halt in (HaltReason.STEP_LIMIT, HaltReason.LENGTH_LIMIT)
    assert len(t.canvases) == t.num_steps + 1 == len(t.decisions) + 1 == len(t.steps) + 1
    assert t.canvases[-1] is t.final
    for k, d in enumerate(t.decisions):
        x = t.canvases[k].tolist()
        assert t.canvases[k + 1].tolist() == g_reference(
            x, d.y.tolist(), d.remask.tolist(), d.insert.tolist(), d.delete.tolist(), M)
        s = t.steps[k]
        deleted = [d.delete[i] and x[i] == M for i in range(len(x))]
        assert s.deleted == sum(deleted)
        assert s.inserted == sum(d.insert[i] and not deleted[i] for i in range(len(x)))
        assert s.remasked == sum(d.remask[i] and x[i] != M for i in range(len(x)))
        assert s.length == len(t.canvases[k + 1]) <= max_len
    assert t.peak_length == max(len(c) for c in t.canvases)


def test_length_limit_stops_geometric_growth_before_allocating():
    def double(canvas, rng):  # every position spawns a mask: length doubles each step
        n = canvas.shape[0]
        return APMDMDecision(np.zeros(n, np.int64), _bits(n), ~_bits(n), _bits(n))

    t = run_apmdm(double, VOCAB.encode("[M]"), VOCAB, max_length=100)
    assert t.halt == HaltReason.LENGTH_LIMIT
    assert [len(c) for c in t.canvases] == [1, 2, 4, 8, 16, 32, 64]
    assert "128" in t.message and t.peak_length == 64


def test_step_limit():
    t = run_apmdm(random_apmdm(), VOCAB.encode("a [M] b"), VOCAB, max_steps=3,
                  halt_on_fixed_point=False)
    assert t.halt == HaltReason.STEP_LIMIT and t.num_steps == 3
    t0 = run_apmdm(random_apmdm(), VOCAB.encode("a"), VOCAB, max_steps=0)
    assert t0.halt == HaltReason.STEP_LIMIT and t0.num_steps == 0


def test_fixed_point_step_is_recorded_then_halts():
    t = run_apmdm(parity_policy, VOCAB.encode("[BOS] b a b a b"), VOCAB)
    assert t.halt == HaltReason.FIXED_POINT
    assert t.canvases[-1].tolist() == t.canvases[-2].tolist()
    assert VOCAB.render(t.final) == "[BOS] b"


@pytest.mark.parametrize("seed", range(8))
def test_parity_policy_computes_parity_at_any_length(seed):
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=int(rng.integers(0, 60)))
    canvas = np.concatenate([[VOCAB.bos_id], bits])
    t = run_apmdm(parity_policy, canvas, VOCAB)
    assert t.halt == HaltReason.FIXED_POINT
    expected = [VOCAB.bos_id] + ([1] if bits.sum() % 2 else [])
    assert t.final.tolist() == expected


def test_end_token_halts_and_can_be_turned_off():
    def write_eos(canvas, rng):
        n = canvas.shape[0]
        return APMDMDecision(np.full(n, VOCAB.eos_id), _bits(n), _bits(n), _bits(n))

    t = run_apmdm(write_eos, VOCAB.encode("a [M]"), VOCAB)
    assert t.halt == HaltReason.END_TOKEN and t.num_steps == 1
    t2 = run_apmdm(write_eos, VOCAB.encode("a [M]"), VOCAB, halt_on_eos=False)
    assert t2.halt == HaltReason.FIXED_POINT and t2.num_steps == 2


def test_no_fixed_point_halt_when_disabled():
    t = run_apmdm(parity_policy, VOCAB.encode("[BOS] a"), VOCAB, halt_on_fixed_point=False,
                  max_steps=4)
    assert t.halt == HaltReason.STEP_LIMIT and t.num_steps == 4


@pytest.mark.parametrize("bad, why", [
    (lambda n: "not a decision", "APMDMDecision"),
    (lambda n: APMDMDecision(np.zeros(n + 1, np.int64), _bits(n), _bits(n), _bits(n)), "length"),
    (lambda n: APMDMDecision(np.full(n, 99), _bits(n), _bits(n), _bits(n)), "y[1] = 99"),
    (lambda n: APMDMDecision(np.zeros(n, np.int64), np.full(n, 0.5), _bits(n), _bits(n)),
     "remask"),
])
def test_invalid_decisions_halt_with_a_message(bad, why):
    t = run_apmdm(lambda c, r: bad(c.shape[0]), VOCAB.encode("a [M] b"), VOCAB)
    assert t.halt == HaltReason.INVALID and why in t.message and t.num_steps == 0


def test_y_outside_vocab_is_ignored_where_g_does_not_read_it():
    def pol(canvas, rng):
        n = canvas.shape[0]
        y = np.full(n, -7)
        y[canvas == M] = 0
        return APMDMDecision(y, _bits(n), _bits(n), _bits(n))

    t = run_apmdm(pol, VOCAB.encode("b [M]"), VOCAB)
    assert t.halt == HaltReason.FIXED_POINT and VOCAB.render(t.final) == "b a"


def test_policy_cannot_modify_the_canvas():
    def vandal(canvas, rng):
        canvas[0] = 0
    with pytest.raises(ValueError, match="read-only"):
        run_apmdm(vandal, VOCAB.encode("b"), VOCAB)


def test_bad_initial_canvas_and_limits_are_usage_errors():
    with pytest.raises(UsageError):
        run_apmdm(parity_policy, [0, 42], VOCAB)
    with pytest.raises(UsageError, match="max_length"):
        run_apmdm(parity_policy, [0, 1, 2], VOCAB, max_length=2)
    with pytest.raises(UsageError, match="max_steps"):
        run_apmdm(parity_policy, [0], VOCAB, max_steps=-1)
    with pytest.raises(UsageError, match="Generator"):
        run_apmdm(parity_policy, [0], VOCAB, rng=np.random.RandomState(0))


def test_serial_cost_sums_the_policy_cost_over_evaluations():
    class Costed:
        def __call__(self, canvas, rng):
            return parity_policy(canvas, rng)

        def serial_cost(self, length: int) -> int:
            return length * length + 1

    t = run_apmdm(Costed(), VOCAB.encode("[BOS] a b b a b"), VOCAB)
    assert t.serial_cost == sum(len(c) ** 2 + 1 for c in t.canvases[:-1])
    assert run_apmdm(parity_policy, VOCAB.encode("[BOS] a"), VOCAB).serial_cost is None


def test_record_canvases_off_keeps_counts_and_final():
    canvas = VOCAB.encode("[BOS] a b b a b b b a")
    full = run_apmdm(parity_policy, canvas, VOCAB)
    lean = run_apmdm(parity_policy, canvas, VOCAB, record_canvases=False)
    assert lean.canvases == [] and lean.decisions == [] and not lean.recorded
    assert lean.steps == full.steps and lean.halt == full.halt
    assert lean.final.tolist() == full.final.tolist() and lean.peak_length == full.peak_length
    assert lean.initial.tolist() == canvas.tolist()


def test_trace_byte_budget_halts_with_memory_limit():
    t = run_apmdm(parity_policy, VOCAB.encode("[BOS] a b b a b b b a"), VOCAB,
                  max_trace_bytes=300)
    assert t.halt == HaltReason.MEMORY_LIMIT and 0 < t.num_steps < 10


def test_same_seed_same_trace_and_int_vocab():
    iv = IntVocab(0, 2, specials=("[M]", "[EOS]"))
    pol = random_apmdm()
    a = run_apmdm(pol, [0, 3, 1], iv, rng=np.random.default_rng(7), max_steps=30)
    b = run_apmdm(pol, [0, 3, 1], iv, rng=np.random.default_rng(7), max_steps=30)
    c = run_apmdm(pol, [0, 3, 1], iv, rng=np.random.default_rng(8), max_steps=30)
    assert a.to_json() == b.to_json() != c.to_json()


def test_recorded_decisions_are_copies_with_uniform_dtypes():
    y = np.zeros(2, np.int64)
    bits = [0, 1]

    def reusing(canvas, rng):
        y[:] += 1
        n = canvas.shape[0]
        return APMDMDecision(y[:n], [0] * n, [0] * n, bits[:n])

    t = run_apmdm(reusing, VOCAB.encode("[M] [M]"), VOCAB, max_steps=1)
    d = t.decisions[0]
    assert d.y.tolist() == [1, 1] and d.delete.dtype == bool and d.delete.tolist() == [False, True]
    assert VOCAB.render(t.final) == "b"
