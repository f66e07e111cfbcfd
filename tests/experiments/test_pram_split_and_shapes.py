"""PRAM-by-MDM: train/test disjointness is enforced; every full-scale dataset fits the caps
(shapes computed without building or training), and the shape formulas match real datasets."""

from __future__ import annotations

import numpy as np
import pytest

from experiments import parity
from experiments.pram_mdm import (
    SCALES,
    check_disjoint,
    dataset_shapes,
    outcome_data,
    outcome_shape,
    outcome_split,
    process_data,
    process_shape,
    programs,
    split_inputs,
)
from simulators.errors import InternalError
from simulators.learned.data import MAX_DATASET_CELLS


def test_split_is_disjoint_and_distinct() -> None:
    for n, tests in ((2, 16), (2, 500), (5, 40)):
        train, test = split_inputs(np.random.default_rng(n), n, tests, 300)
        keys = {a.tobytes() for a in test}
        assert len(keys) == len(test) == min(tests, 8**n // 4)
        assert not keys & {a.tobytes() for a in train}
        assert train.shape == (300, n)


def test_overlap_is_refused() -> None:
    a = np.array([[1, 2], [3, 4]])
    with pytest.raises(InternalError):
        check_disjoint(a, np.array([[3, 4]]))
    check_disjoint(a, np.array([[4, 3]]))


def test_full_scale_datasets_fit_the_caps() -> None:
    shapes = dataset_shapes("full")
    assert {s["dataset"] for s in shapes} >= {"prefix_sum-mdm-outcome", "sum-mdm-outcome",
                                              "prefix_sum-mdm-process-n8"}
    for s in shapes:
        assert s["rows"] * s["width"] * 6 <= MAX_DATASET_CELLS, s
    for spec, data in parity.specs(parity.SCALES["full"], 0):  # small: built for real
        assert len(data) * int(data.lengths.max()) * 6 <= MAX_DATASET_CELLS, spec


def test_shape_formulas_match_built_datasets() -> None:
    scale = SCALES["smoke"]
    prog = programs()["prefix_sum"]
    for name in ("prefix_sum", "sum"):
        data = outcome_data(name, scale, 0, outcome_split(name, scale, 0))
        assert (len(data), data.tokens.shape[1]) == outcome_shape(name, scale)
    train_in = np.random.default_rng(0).integers(0, 8, size=(2, 2))
    data = process_data("prefix_sum", prog, 2, train_in, 0)[0]
    assert (len(data), data.tokens.shape[1]) == process_shape(prog, 2, 2)


@pytest.mark.slow  # runs the Dyck construction 4,000 times (minutes on a loaded CPU)
def test_full_scale_dyck_dataset_fits_the_cap() -> None:
    from experiments import dyck
    from simulators.learned.data import apmdm_rows

    scale = dyck.SCALES["full"]
    cons = dyck.construction()
    rng = np.random.default_rng([0, 2])
    traces = [t for t in (cons.run(rng) for _ in range(scale.train_runs))
              if len(t.final) - 1 <= scale.train_max_len]
    rows = apmdm_rows(traces, mask_id=cons.vocab.mask_id)
    width = max(len(r.tokens) for r in rows)
    assert len(rows) * width * 6 <= MAX_DATASET_CELLS
