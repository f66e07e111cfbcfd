"""Edit tracking (``docs/edit_tracking.md``; the task behind Theorem 6): the AP-MDM of
``constructions/edit_apmdm`` applies a log of inserts and deletes *in place*.

Checked against plain Python list editing (``list.insert`` / ``del``) on random instances:

* the final sequence equals the list's;
* in place, edit by edit: after the second step of edit ``j`` the canvas between ``[BOS]`` and
  ``[SEP]`` *is* the list after edits ``1..j`` (so at no point must anything replay the history);
* a constant number of steps per edit: exactly ``2E + 2`` decoding steps (``1`` with no edits);
* context: never more than ``[BOS]`` + the longest list + ``[SEP]`` + the remaining log + 1.

Default run: 30 instances per alphabet and logs of 10 and 100 edits; ``--run-slow`` (or
``RUN_SLOW=1``) adds 2,000 instances per alphabet and logs of 300 and 1,000 edits.
"""

from __future__ import annotations

import numpy as np
import pytest

from constructions.edit_apmdm import EditConstruction, random_instance
from proofs_checks.report import record

SLOW = pytest.mark.slow


def _apply(seq: list[int], edits: list[tuple[str, int, int]]) -> list[list[int]]:
    """The list after each prefix of the edit log (index 0: before any edit)."""
    s, out = list(seq), [list(seq)]
    for op, p, x in edits:
        if op == "ins":
            s.insert(p, x)
        else:
            del s[p]
        out.append(list(s))
    return out


@pytest.mark.parametrize(("k", "cases"), [(2, 30), (5, 30), pytest.param(2, 2000, marks=SLOW),
                                           pytest.param(5, 2000, marks=SLOW)])
def test_edits_applied_in_place_in_two_steps_each(k: int, cases: int) -> None:
    rng = np.random.default_rng(60 + k + cases)
    max_steps = 0
    for _ in range(cases):
        seq, edits = random_instance(rng, int(rng.integers(0, 16)), int(rng.integers(0, 20)), k)
        con = EditConstruction(seq, edits, k)
        rep = con.run(record_canvases=True)
        expected = _apply(seq, edits)
        trace = rep.trace
        assert trace is not None and rep.halt == "fixed_point"
        assert con.layout.sequence(trace.final) == expected[-1]
        assert rep.decoding_steps == (2 * len(edits) + 2 if edits else 1)
        for j in range(1, len(edits) + 1):  # after phase B of edit j
            assert con.layout.sequence(trace.canvases[2 * j]) == expected[j]
        for t, canvas in enumerate(trace.canvases):
            remaining = len(edits) - min(t // 2, len(edits))
            assert canvas.shape[0] <= 2 + max(map(len, expected)) + 3 * (remaining + 1) + 1
        max_steps = max(max_steps, rep.decoding_steps)
    record("Edit tracking (task)", claim="final sequence = list editing; in place after every "
           "edit; 2E + 2 steps", num_instances=cases, max_decoding_steps=max_steps, set_k=k)


@pytest.mark.parametrize("logs", [(10, 100), pytest.param((300, 1000), marks=SLOW)])
def test_long_logs_scale_linearly(logs: tuple[int, ...]) -> None:
    rng = np.random.default_rng(5)
    steps = {}
    for num in logs:
        seq, edits = random_instance(rng, 50, num, 3)
        rep = EditConstruction(seq, edits, 3).run()
        assert rep.output == "".join("abc"[x] for x in _apply(seq, edits)[-1])
        steps[num] = rep.decoding_steps
    assert steps == {e: 2 * e + 2 for e in steps}
    record("Edit tracking (task)", claim="steps per edit constant (2) for long logs",
           steps_by_edits=steps)
