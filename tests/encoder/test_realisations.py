"""The documented MLP realisations of the primitives are exact: each ReLU formula of
simulators/encoder/primitives.py, written out with numpy, equals the primitive on every input of
small ranges, and uses the documented number of hidden neurons."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from simulators.encoder.intervals import Interval
from simulators.encoder.primitives import PRIMITIVES


def relu(x):
    return np.maximum(x, 0)


A = np.array([a for a, _ in itertools.product(range(-5, 6), repeat=2)])
B = np.array([b for _, b in itertools.product(range(-5, 6), repeat=2)])
C = (A > 0).astype(np.int64)          # a boolean column
M = 5                                 # big-M >= max |a|, |b|
R = Interval(-5, 5)

# name -> (formula on (a, b), hidden neurons it uses)
FORMULAS = {
    "abs": (lambda a, b: relu(a) + relu(-a), 2),
    "min": (lambda a, b: relu(b) - relu(-b) - relu(b - a), 3),
    "max": (lambda a, b: relu(b) - relu(-b) + relu(a - b), 3),
    "eq": (lambda a, b: relu(a - b + 1) - 2 * relu(a - b) + relu(a - b - 1), 3),
    "ne": (lambda a, b: 1 - (relu(a - b + 1) - 2 * relu(a - b) + relu(a - b - 1)), 3),
    "lt": (lambda a, b: relu(b - a) - relu(b - a - 1), 2),
    "le": (lambda a, b: relu(b - a + 1) - relu(b - a), 2),
    "gt": (lambda a, b: relu(a - b) - relu(a - b - 1), 2),
    "ge": (lambda a, b: relu(a - b + 1) - relu(a - b), 2),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_relu_formula_matches_primitive(name) -> None:
    formula, neurons = FORMULAS[name]
    prim = PRIMITIVES[name]
    args = [A] if prim.arity == 1 else [A, B]
    assert np.array_equal(formula(A, B), prim.compute(args, {}))
    ranges = [R] * prim.arity
    real = prim.realise(ranges, {}, prim.out_range(ranges, {}))
    assert (real.hidden_layers, real.hidden_width) == (1, neurons)


def test_boolean_and_gating_formulas() -> None:
    p, q = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    assert np.array_equal(relu(p + q - 1), PRIMITIVES["and"].compute([p, q], {}))
    assert np.array_equal(1 - relu(1 - p - q), PRIMITIVES["or"].compute([p, q], {}))
    where = relu(A - M * (1 - C)) - relu(-A - M * (1 - C)) + relu(B - M * C) - relu(-B - M * C)
    assert np.array_equal(where, PRIMITIVES["where"].compute([C, A, B], {}))
    gate = relu(A - M * (1 - C)) - relu(-A - M * (1 - C))
    assert np.array_equal(gate, PRIMITIVES["mul"].compute([A, C], {}))
    clip = -2 + relu(A + 2) - relu(A - 3)
    assert np.array_equal(clip, PRIMITIVES["clip"].compute([A], {"lo": -2, "hi": 3}))


@pytest.mark.parametrize("d", [1, 2, 3, -2])
def test_floordiv_by_constant_is_a_staircase(d) -> None:
    a = np.arange(-7, 8)
    lo = int(a.min()) // d
    # floor(a/d) = floor(lo_a/d) + sum over the quotient's change points of a unit step.
    if d > 0:
        thresholds = [t for t in range(-7 + 1, 8) if t % d == 0]
        stairs = lo + sum(relu(a - t + 1) - relu(a - t) for t in thresholds)
    else:
        thresholds = [t for t in range(-7 + 1, 8) if (t - 1) % -d == 0]
        stairs = lo - sum(relu(a - t + 1) - relu(a - t) for t in thresholds)
    assert np.array_equal(stairs, PRIMITIVES["floordiv"].compute([a, np.full_like(a, d)], {}))
    real = PRIMITIVES["floordiv"].realise([Interval(-7, 7), Interval(d, d)], {}, R)
    assert real.hidden_width >= 2 * len(thresholds)


def test_table_is_a_sum_of_spikes() -> None:
    table, default = {-2: 7, 0: 1, 3: -4}, 2
    x = np.arange(-5, 6)
    spikes = sum((v - default) * (relu(x - k + 1) - 2 * relu(x - k) + relu(x - k - 1))
                 for k, v in table.items())
    got = PRIMITIVES["table"].compute([x], {"table": table, "default": default})
    assert np.array_equal(default + spikes, got)
    real = PRIMITIVES["table"].realise([Interval(-5, 5)], {"table": table, "default": default}, R)
    assert (real.hidden_layers, real.hidden_width) == (1, 3 * len(table))
