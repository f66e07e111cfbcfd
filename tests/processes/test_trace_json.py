"""Trace JSON export: round trip for every process, schema fields, malformed input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulators.errors import UsageError
from simulators.processes import HaltReason, Threshold, Trace, run_apmdm, run_arm, run_mdm
from tests.processes.policies import VOCAB, parity_policy, random_apmdm, random_mdm


def _traces():
    rng = np.random.default_rng
    return [
        run_arm(lambda c, r: VOCAB.eos_id if len(c) > 4 else 1, VOCAB.encode("[BOS]"), VOCAB),
        run_mdm(random_mdm, VOCAB.encode("[M] a [M] [M]"), VOCAB, fill_rule=Threshold(0.5),
                rng=rng(2)),
        run_mdm(random_mdm, VOCAB.encode("[M] a [M] [M]"), VOCAB, rng=rng(3)),
        run_apmdm(random_apmdm(), VOCAB.encode("a [M]"), VOCAB, rng=rng(4), max_steps=9),
        run_apmdm(parity_policy, VOCAB.encode("[BOS] a b b"), VOCAB, record_canvases=False),
    ]


def _same(a: Trace, b: Trace) -> None:
    assert (a.process, a.halt, a.message, a.num_steps, a.peak_length, a.serial_cost,
            a.recorded, a.config, a.steps, a.vocab) == \
        (b.process, b.halt, b.message, b.num_steps, b.peak_length, b.serial_cost,
         b.recorded, b.config, b.steps, b.vocab)
    assert a.final.tolist() == b.final.tolist() and a.initial.tolist() == b.initial.tolist()
    assert [c.tolist() for c in a.canvases] == [c.tolist() for c in b.canvases]
    for da, db in zip(a.decisions, b.decisions, strict=True):
        if isinstance(da, int):
            assert da == db
            continue
        for key, va in vars(da).items():
            vb = getattr(db, key)
            assert (va is None and vb is None) or np.array_equal(np.asarray(va), vb)


@pytest.mark.parametrize("trace", _traces(), ids=lambda t: f"{t.process}-{t.halt.value}")
def test_round_trip(trace):
    text = trace.to_json()
    back = Trace.from_json(text)
    _same(trace, back)
    assert back.to_json() == text


def test_schema_fields():
    obj = json.loads(_traces()[3].to_json(indent=1))
    assert obj["schema"] == "powerful-ways/trace" and obj["version"] == 1
    assert obj["halt"] == HaltReason.STEP_LIMIT.value == "step_limit"
    assert set(obj["decisions"][0]) == {"y", "remask", "insert", "delete"}
    assert set(obj["decisions"][0]["remask"]) <= {0, 1}
    assert len(obj["steps"][0]) == 5 and obj["canvases"][-1] == obj["final"]


@pytest.mark.parametrize("text, why", [
    ("{not json", "does not parse"), ("[]", "not a trace"),
    ('{"schema": "powerful-ways/trace", "version": 9}', "version"),
    ('{"schema": "powerful-ways/trace", "version": 1, "process": "rnn"}', "process"),
    ('{"schema": "powerful-ways/trace", "version": 1, "process": "arm"}', "malformed"),
])
def test_malformed_json_is_a_usage_error(text, why):
    with pytest.raises(UsageError, match=why):
        Trace.from_json(text)
