"""Local views: the recorder sees exactly the views of every canvas it is asked about, and a
local model's output really is a function of the view (the receptive field is right)."""

from __future__ import annotations

import numpy as np
import pytest

from constructions.parity_apmdm import PARITY_VOCAB
from simulators.errors import UsageError
from simulators.learned.coverage import LocalViews, coverage, dataset_views, receptive_field
from simulators.learned.local_eval import LocalTableAPMDMPolicy
from simulators.learned.policies import LearnedAPMDMPolicy
from simulators.learned.train import build_model
from tests.learned.helpers import random_canvases, recipe_config, short_parity_data

BASE = len(PARITY_VOCAB)


@pytest.mark.parametrize("window", [1, 2])
def test_table_policy_records_every_view_it_decides(window: int) -> None:
    cfg = recipe_config(window=window)
    model = build_model(cfg, 3)
    views = LocalViews.for_model(cfg, BASE)
    pol = LocalTableAPMDMPolicy(model, PARITY_VOCAB, views=views)
    canvases = random_canvases(np.random.default_rng(window), 40, 1, 60)
    pol.decide_batch(canvases)
    direct = LocalViews.for_model(cfg, BASE)
    for c in canvases:
        direct.add(c)
    assert np.array_equal(pol.record().keys(), direct.keys())  # type: ignore[union-attr]


def test_equal_views_give_equal_outputs() -> None:
    """If the radius or the position key were wrong, two positions with the same code in
    different canvases could get different outputs; this checks they never do."""
    cfg = recipe_config()
    model = build_model(cfg, 11)
    plain = LearnedAPMDMPolicy(model, PARITY_VOCAB)
    views = LocalViews.for_model(cfg, BASE)
    canvases = random_canvases(np.random.default_rng(4), 150, 1, 14)
    out: dict[int, np.ndarray] = {}
    clashes = 0
    for c, (_, _, ctrl) in zip(canvases, plain.forward_batch(canvases), strict=True):
        for code, logits in zip(views.codes(c), ctrl, strict=True):
            if int(code) in out:
                clashes += 1
                assert np.allclose(out[int(code)], logits, atol=1e-4)
            out[int(code)] = logits
    assert clashes > 100  # the check compared many repeated views


def test_smaller_radius_is_detected() -> None:
    """A deliberately wrong receptive field (radius 1 for a radius-2 model) merges positions the
    network tells apart: the equal-view check above would fail for it."""
    cfg = recipe_config()
    model = build_model(cfg, 11)
    plain = LearnedAPMDMPolicy(model, PARITY_VOCAB)
    wrong = LocalViews(1, cfg.clip, BASE)
    canvases = random_canvases(np.random.default_rng(4), 60, 1, 14)
    out: dict[int, np.ndarray] = {}
    differ = False
    for c, (_, _, ctrl) in zip(canvases, plain.forward_batch(canvases), strict=True):
        for code, logits in zip(wrong.codes(c), ctrl, strict=True):
            differ |= int(code) in out and not np.allclose(out[int(code)], logits, atol=1e-4)
            out[int(code)] = logits
    assert differ


def test_coverage_counts() -> None:
    cfg = recipe_config()
    train = dataset_views(*(lambda d: (d.tokens, d.lengths))(short_parity_data(3)),
                          LocalViews.for_model(cfg, BASE))
    test = LocalViews.for_model(cfg, BASE)
    test.add(np.array([3, 0, 1]))            # a training canvas: covered
    assert coverage(test, train)["missing"] == 0
    test.add(np.array([3, 1, 1, 0, 1, 0, 0, 1, 1, 1]))  # far views never seen in length <= 3
    c = coverage(test, train)
    assert c["missing"] > 0 and c["views"] == c["in_training"] + c["missing"]
    assert c["radius"] == 2 and c["clip"] == cfg.clip


def test_receptive_field_only_for_local_translation_invariant_models() -> None:
    assert receptive_field(recipe_config()) == (2, 3)
    assert receptive_field(recipe_config(attention="full", positions=("absolute",))) is None
    with pytest.raises(UsageError):
        LocalViews.for_model(recipe_config(attention="full", positions=("rotary",)), BASE)
