"""The learned-AP-MDM diagnostics of the Sudoku experiment: teacher-forced scoring, and the
record-and-replay that counts a batched run's backtracks the construction's way."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from constructions.sudoku_apmdm import SudokuAPMDM
from experiments.sudoku_diagnostics import RecordingPolicy, replay_traces, teacher_forced
from simulators.learned.batched import run_apmdm_batched
from simulators.learned.data import apmdm_rows, pack
from simulators.learned.model import ModelOutput
from simulators.sudoku import unique_puzzle


class _Oracle(torch.nn.Module):
    """Answers every row of a dataset with its own targets (one-hot logits, +-10 bits)."""

    def __init__(self, data, vocab_size: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.answers = {data.tokens[i, : data.lengths[i]].tobytes(): i for i in range(len(data))}
        self.data, self.v = data, vocab_size

    def forward(self, tokens: torch.Tensor, valid: torch.Tensor) -> ModelOutput:
        b, width = tokens.shape
        logits = torch.zeros(b, width, self.v)
        ctrl = torch.full((b, width, 3), -10.0)
        for r in range(b):
            i = self.answers[tokens[r, : int(valid[r].sum())].numpy().tobytes()]
            y = torch.from_numpy(self.data.y[i, :width]).clamp(max=self.v - 1)
            logits[r, torch.arange(width), y] = 10.0
            ctrl[r][torch.from_numpy(self.data.bits[i, :width])] = 10.0
        return ModelOutput(token_logits=logits, control_logits=ctrl)


def _rows(n: int, count: int, seed: int):  # type: ignore[no-untyped-def]
    m = SudokuAPMDM(n)
    rng = np.random.default_rng(seed)
    traces = [m.run(unique_puzzle(n, rng), record_canvases=True) for _ in range(count)]
    return m, pack(apmdm_rows(traces, mask_id=m.vocab.mask_id), pad_id=len(m.vocab), seed=0,
                   kind="t")


def test_teacher_forced_scores_the_construction_itself_exact_and_a_wrong_value_not() -> None:
    m, data = _rows(4, 6, 1)
    v = len(m.vocab) + 1
    right = teacher_forced(_Oracle(data, v), data, 4)
    assert right["rows"] == len(data)
    assert right["step_exact"] == right["value_acc"] == right["bit_acc"] == 1.0
    assert right["step_exact_moving"] == 1.0
    # every trajectory ends in one "change nothing" row (dedup keeps one per final grid)
    finals = {data.tokens[i].tobytes() for i in range(len(data)) if not data.bits[i].any()
              and not (data.y_mask[i] & (data.y[i] != data.tokens[i])).any()}
    assert right["moving_rows"] == len(data) - len(finals) > 0
    # one wrong value write in one row: that row is no longer exact, value accuracy drops
    oracle = _Oracle(data, v)
    r, pos = next((r, int(p)) for r in range(len(data))
                  for p in np.flatnonzero(data.y_mask[r] & (data.y[r] < 4)))
    oracle.data = type(data)(**{**data.__dict__, "y": data.y.copy()})
    oracle.data.y[r, pos] = (data.y[r, pos] + 1) % 4
    wrong = teacher_forced(oracle, data, 4)
    assert wrong["step_exact"] == pytest.approx(1 - 1 / len(data))
    assert wrong["step_exact_moving"] == pytest.approx(1 - 1 / right["moving_rows"])
    assert 0 < wrong["value_acc"] < 1 and wrong["bit_acc"] == 1.0


class _Batched:
    """The construction's (deterministic) policy behind the lock-step runner's interface."""

    def __init__(self, policy) -> None:  # type: ignore[no-untyped-def]
        self.policy = policy

    def decide_batch(self, canvases, rng=None):  # type: ignore[no-untyped-def]
        return [self.policy(c, rng) for c in canvases]


def test_replay_counts_the_constructions_backtracks_on_a_batched_run() -> None:
    m = SudokuAPMDM(6)
    rng = np.random.default_rng(3)
    puzzles = [unique_puzzle(6, rng) for _ in range(8)]
    want = m.solve_batch(puzzles)
    assert sum(r.backtracks for r in want) > 0  # the check means something only with some
    rec = RecordingPolicy(_Batched(m.policy()))
    starts = [m.layout.initial_canvas(p) for p in puzzles]
    outs = run_apmdm_batched(rec, starts, m.vocab, max_steps=10_000, max_length=m.layout.length,
                             halt_on_eos=False)
    traces = replay_traces(rec, starts, m.vocab, outs, max_steps=10_000,
                           max_length=m.layout.length)
    from constructions.sudoku_apmdm.process import count_backtracks

    assert [count_backtracks(t.steps) for t in traces] == [r.backtracks for r in want]
    assert [t.num_steps for t in traces] == [r.decoding_steps for r in want]
    # a replay that does not end where the batched run ended is refused
    with pytest.raises(AssertionError, match="replay ended"):
        replay_traces(rec, starts, m.vocab, outs[1:] + outs[:1], max_steps=10_000,
                      max_length=m.layout.length)


def test_a_sampling_policy_is_not_recorded() -> None:
    class Sampling:
        sample = True

    with pytest.raises(Exception, match="greedy"):
        RecordingPolicy(Sampling())
