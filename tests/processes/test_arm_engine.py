"""The ARM engine: one token appended per step, EOS and length halting, invalid tokens."""

from __future__ import annotations

import numpy as np
import pytest

from simulators.errors import UsageError
from simulators.processes import HaltReason, IntVocab, run_arm
from tests.processes.policies import VOCAB, M


def count_to(k: int):
    def policy(canvas, rng):
        return VOCAB.eos_id if canvas.shape[0] >= k else int(canvas.shape[0] % 3)
    return policy


def test_appends_one_token_per_step_until_eos():
    t = run_arm(count_to(6), VOCAB.encode("[BOS]"), VOCAB)
    assert t.halt == HaltReason.END_TOKEN
    assert VOCAB.render(t.final) == "[BOS] b c a b c [EOS]"
    assert t.num_steps == 6 and [len(c) for c in t.canvases] == list(range(1, 8))
    for before, after in zip(t.canvases[:-1], t.canvases[1:], strict=True):  # each extends the last
        assert after[:-1].tolist() == before.tolist()
    assert all(s.filled == 1 for s in t.steps) and t.peak_length == 7


def test_length_limit_without_eos():
    iv = IntVocab(0, 9)
    t = run_arm(lambda c, r: int(r.integers(0, 10)), [], iv, max_length=50,
                rng=np.random.default_rng(0))
    assert t.halt == HaltReason.LENGTH_LIMIT and len(t.final) == 50 == t.num_steps
    assert run_arm(lambda c, r: 1, [1, 2], iv, max_length=2).num_steps == 0


@pytest.mark.parametrize("token, why", [(M, "mask"), (99, "not in the vocabulary"),
                                        ("a", "int"), (True, "int"), (1.0, "int")])
def test_invalid_tokens_halt(token, why):
    t = run_arm(lambda c, r: token, VOCAB.encode("a"), VOCAB)
    assert t.halt == HaltReason.INVALID and why in t.message and t.num_steps == 0


def test_numpy_integers_are_accepted_and_canvases_are_read_only():
    seen = []

    def pol(canvas, rng):
        seen.append(canvas.flags.writeable)
        return np.int64(VOCAB.eos_id)

    t = run_arm(pol, VOCAB.encode("a"), VOCAB)
    assert t.halt == HaltReason.END_TOKEN and seen == [False]


def test_record_off_and_usage_errors():
    lean = run_arm(count_to(5), VOCAB.encode("a"), VOCAB, record_canvases=False)
    assert lean.canvases == [] and lean.num_steps == 5 and lean.halt == HaltReason.END_TOKEN
    with pytest.raises(UsageError):
        run_arm(count_to(5), VOCAB.encode("a b"), VOCAB, max_length=1)


def test_canvases_stay_prefixes_across_buffer_growth():
    iv = IntVocab(0, 9)
    t = run_arm(lambda c, r: len(c) % 10, [], iv, max_length=200)
    assert [c.tolist() for c in t.canvases] == [[k % 10 for k in range(n)] for n in range(201)]
    assert run_arm(lambda c, r: 1, [], iv, max_length=200, max_trace_bytes=100).halt == \
        HaltReason.MEMORY_LIMIT


def test_same_seed_same_trace():
    def sample(canvas, rng):
        return VOCAB.eos_id if rng.random() < 0.1 else int(rng.integers(0, 3))

    runs = [run_arm(sample, VOCAB.encode("[BOS]"), VOCAB, rng=np.random.default_rng(s)).to_json()
            for s in (11, 11, 12)]
    assert runs[0] == runs[1] != runs[2]
