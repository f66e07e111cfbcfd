"""Theorem 4, space: the AP-MDM's canvas is O(S(n) + P(n)) at every step and does not grow with
the running time T -- asserted on the long-running examples, where T >> S -- while the Theorem-1
MDM's context (one block per PRAM step) grows with T. The per-step network's depth is the same
for every n."""

from __future__ import annotations

import pytest

from constructions.pram_apmdm import build
from constructions.pram_mdm import make_layout
from proofs_checks.report import record
from proofs_checks.test_thm4_simulation import canvas_bound, check_run
from proofs_checks.thm4_examples import EXAMPLE_INPUTS, LONG_RUNNING, example_path, example_run
from simulators.pram import load_program


def theorem1_context(name: str, n: int) -> int:
    """Context length of the Theorem-1 MDM for the same program and input (its own layout)."""
    r, m = example_run(name, n, False)
    prog, b = r.construction.program, r.construction.binding
    return make_layout(prog, b.base, b.size, b.memory_size, b.processors_bound, b.time_bound,
                       max_context=1 << 40).S


@pytest.mark.parametrize("name", sorted(LONG_RUNNING))
def test_peak_canvas_does_not_grow_with_running_time(name: str) -> None:
    sizes = LONG_RUNNING[name]
    runs = [example_run(name, n, False) for n in sizes]
    for r, m in runs:
        check_run(r, m, lockstep=False)
        assert r.max_context_length <= canvas_bound(r)
    # The canvas beyond the memory in use (records + clock + scratch masks) is the same at
    # every size: nothing on it is proportional to T.
    overhead = {r.max_context_length - r.memory_cells for r, _ in runs}
    assert len(overhead) == 1, f"canvas overhead varies with n: {overhead}"
    steps = [m.steps for _, m in runs]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    for n, (r, m) in zip(sizes, runs, strict=True):
        thm1 = theorem1_context(name, n)
        assert r.max_context_length < thm1
        record("Theorem 4", program=name, claim="canvas independent of T", num_inputs=1,
               max_T_over_canvas=m.steps / r.max_context_length,
               max_thm1_context_over_canvas=thm1 / r.max_context_length,
               **{f"canvas_{name}_by_n": {n: r.max_context_length},
                  f"T_{name}_by_n": {n: m.steps}})


def test_canvas_constant_while_time_grows() -> None:
    """Iterated squaring: S is constant, T = Theta(n^2): the peak canvas is identical."""
    runs = [example_run("iterated_squaring", n, False) for n in LONG_RUNNING["iterated_squaring"]]
    assert len({r.max_context_length for r, _ in runs}) == 1
    assert runs[-1][1].steps >= 5 * runs[0][1].steps


@pytest.mark.parametrize("name, sizes", [
    ("prefix_sum", (2, 8, 32, 128, 512)),
    ("binary_counter", (2, 4, 8, 16)),
    ("sat_backtrack", (1, 3, 6)),
    ("matvec", (2, 4, 8)),
])
def test_depth_is_the_same_for_every_n(name: str, sizes: tuple[int, ...]) -> None:
    import numpy as np

    prog = load_program(example_path(name))
    depths = {}
    for n in sizes:
        inputs, params = EXAMPLE_INPUTS[name](n, np.random.default_rng(n))
        depths[n] = build(prog, inputs, params).step.program.cost().depth
    assert len(set(depths.values())) == 1, depths
    record("Theorem 4", program=name, claim="depth independent of n", depth_by_n=depths)
