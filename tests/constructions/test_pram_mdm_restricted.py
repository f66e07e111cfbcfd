"""The fast restricted evaluation equals the encoder language's own evaluation of the same network.

The Theorem-1 runs at scale use :class:`RestrictedEvaluator` (the network evaluated only where a
fill is possible); these tests pin it to :meth:`Program.evaluate` (the encoder's fast sort-join
path and its dense O(S^2) reference) on real canvases of real runs: every output at every
position, and the fast policy's claim that nothing outside its positions can be filled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings

from constructions.pram_mdm import build_pram_mdm, run_built
from simulators.encoder.restricted import RestrictedEvaluator
from simulators.pram import load_program
from simulators.testing.pram_programs import PramCase, pram_cases


def _examples(default: int) -> int:
    """``default`` under the fast profile; proportionally more under ``thorough``."""
    return max(default, settings().max_examples * default // 25)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "pram"


def _sample_canvases(canvases: list[np.ndarray], k: int = 4) -> list[np.ndarray]:
    picks = sorted({0, 1, len(canvases) // 2, len(canvases) - 2, len(canvases) - 1})
    return [canvases[i] for i in picks[:k + 1] if 0 <= i < len(canvases)]


def _check_agreement(mdm, paths: tuple[str, ...]) -> None:  # noqa: ANN001 - PramMDM
    res = run_built(mdm, record_canvases=True)
    ev = RestrictedEvaluator(mdm.program)
    everywhere = np.arange(mdm.layout.S)
    for canvas in _sample_canvases(res.trace.canvases):
        fast = ev.evaluate(canvas, everywhere)
        for path in paths:
            ref = mdm.program.evaluate(canvas, path=path)
            assert np.array_equal(fast["token"], ref["token"]), f"token differs ({path})"
            assert np.array_equal(fast["fill"], ref["fill"]), f"fill differs ({path})"
        # The fast policy evaluates only a subset: it must contain every fillable position.
        pos = mdm.policy.positions(canvas)
        outside = np.ones(mdm.layout.S, dtype=bool)
        outside[pos] = False
        assert not fast["fill"][outside].any(), "a fillable position lies outside the subset"


def test_restricted_equals_dense_and_fast_on_broadcast() -> None:
    prog = load_program(str(EXAMPLES / "broadcast_erew.pram"))
    _check_agreement(build_pram_mdm(prog, {"x": [7]}, {"n": 2}), ("fast", "dense"))


def test_restricted_equals_fast_path_on_crcw_sum() -> None:
    prog = load_program(str(EXAMPLES / "sort.pram"))
    _check_agreement(build_pram_mdm(prog, {"A": [3, -1, 3]}), ("fast",))


@settings(max_examples=_examples(4))
@given(pram_cases(max_n=3, max_steps=30))
def test_restricted_equals_fast_path_on_random_programs(case: PramCase) -> None:
    _check_agreement(build_pram_mdm(case.program, case.inputs), ("fast",))


def test_restricted_subset_matches_full_evaluation() -> None:
    """Evaluating at a subset gives the same values as evaluating everywhere (no leakage
    between position sets through the per-call memo)."""
    prog = load_program(str(EXAMPLES / "prefix_sum.pram"))
    mdm = build_pram_mdm(prog, {"A": [1, 2, 3, 4]})
    res = run_built(mdm, record_canvases=True)
    ev = RestrictedEvaluator(mdm.program)
    canvas = res.trace.canvases[len(res.trace.canvases) // 2]
    full = ev.evaluate(canvas, np.arange(mdm.layout.S))
    rng = np.random.default_rng(0)
    for _ in range(3):
        sub = np.sort(rng.choice(mdm.layout.S, size=50, replace=False))
        part = ev.evaluate(canvas, sub)
        assert np.array_equal(part["token"], full["token"][sub])
        assert np.array_equal(part["fill"], full["fill"][sub])
