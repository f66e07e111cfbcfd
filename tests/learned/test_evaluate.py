"""The evaluator scores hand-written policies correctly."""

from __future__ import annotations

import numpy as np

from constructions.parity_apmdm import (
    PARITY_VOCAB,
    ParityPolicy,
    decode_parity,
    parity_canvas,
)
from simulators.learned.batched import run_apmdm_batched
from simulators.learned.evaluate import score_outcomes, wilson_interval
from simulators.processes import APMDMDecision


class EraseEverything:
    """A wrong hand-written policy: remask every bit, then delete every mask -> always [BOS]."""

    def decide_batch(self, canvases, rng=None):  # type: ignore[no-untyped-def]
        out = []
        for c in canvases:
            bits = c < 2
            out.append(APMDMDecision(y=c.copy(), remask=bits, insert=np.zeros(len(c), bool),
                                     delete=c == PARITY_VOCAB.mask_id))
        return out


def test_scores_the_construction_and_a_wrong_policy() -> None:
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, size=(40, 9))
    want = bits.sum(1) % 2
    canvases = [parity_canvas(b) for b in bits]

    def correct(k: int, f: np.ndarray) -> bool:
        return decode_parity(f) == want[k]

    good = score_outcomes(run_apmdm_batched(ParityPolicy(), canvases, PARITY_VOCAB), correct)
    assert good["accuracy"] == 1.0 and good["halts"] == {"fixed_point": 40}
    bad = score_outcomes(run_apmdm_batched(EraseEverything(), canvases, PARITY_VOCAB), correct)
    # Always ending at [BOS] is right exactly on the even-parity inputs.
    assert bad["correct"] == int((want == 0).sum())
    assert bad["mean_steps"] == 3.0  # remask, delete, fixed point


def test_wilson_interval() -> None:
    lo, hi = wilson_interval(16, 16)
    assert hi == 1.0 and 0.79 < lo < 0.81
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and 0.27 < hi < 0.29


def test_training_fit_counts_rows_the_model_gets_wrong() -> None:
    import torch

    from simulators.learned.evaluate import training_fit
    from simulators.learned.train import build_model
    from tests.learned.helpers import recipe_config, short_parity_data

    data = short_parity_data(3)
    model = build_model(recipe_config(), 0)
    with torch.no_grad():  # every bit predicted 0: wrong exactly on rows with a 1 bit
        model.control_head.weight.zero_()
        model.control_head.bias.fill_(-5.0)
    want = int(sum(data.bits[i, : data.lengths[i]].any() for i in range(len(data))))
    assert training_fit(model, data) == {"train_rows": len(data), "train_rows_wrong": want}
