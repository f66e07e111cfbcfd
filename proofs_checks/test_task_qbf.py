"""PSPACE by backtracking: ``examples/pram/qbf.pram`` evaluates quantified Boolean formulas
depth-first with an explicit stack in O(n + m) memory, and the Theorem 4 AP-MDM runs it in a
canvas that does not grow with the 2^n running time (``docs/theorem4.md``, the separation).

* the program's answer equals a brute-force recursive evaluator (written here, independently)
  on random formulas with n = 0..6 variables and m = 0..8 clauses, and on the worst case for
  the running time (all "forall" over a tautology: no branch is ever cut);
* the declared bounds hold (the machine faults otherwise): time (64m + 64) 2^(n+1) + 20 and
  memory 3m + 2n + 4 -- checked as measured ratios;
* the AP-MDM's output equals the machine's, it takes 2T + 2 decoding steps, and its peak canvas
  minus the memory in use is the same at every n while T grows (n = 1, 2; more with --run-slow).

Default run: 300 formulas, the worst case up to n = 6, the AP-MDM at n = 1, 2; the ``slow`` cases
(``--run-slow`` or ``RUN_SLOW=1``) add 3,000 formulas, the worst case up to n = 8 and the AP-MDM
at n = 1, 2, 3.
"""

from __future__ import annotations

import numpy as np
import pytest

from constructions.pram_apmdm import run as apmdm_run
from proofs_checks.report import record
from simulators.pram import load_program
from simulators.pram import run as pram_run
from simulators.pram.example_inputs import example_path

SLOW = pytest.mark.slow


def brute_force(q: list[int], clauses: list[tuple[int, int, int]], n: int) -> int:
    """Q_1 x_1 ... Q_n x_n . AND of clauses, by recursion over both values of every variable."""
    def matrix(values: list[bool]) -> bool:
        return all(any((lit > 0) == values[abs(lit) - 1] for lit in c) for c in clauses)

    def value(i: int, values: list[bool]) -> bool:
        if i == n:
            return matrix(values)
        branches = [value(i + 1, [*values, b]) for b in (False, True)]
        return any(branches) if q[i] == 0 else all(branches)

    return int(value(0, []))


def _formula(rng: np.random.Generator, n: int, m: int) -> dict[str, list[int]]:
    if n == 0:
        m = 0  # literals need a variable
    lits = rng.integers(1, n + 1, size=(3, m)) * rng.choice([-1, 1], size=(3, m))
    return {"Q": [int(v) for v in rng.integers(0, 2, size=n)], "X": lits[0].tolist(),
            "Y": lits[1].tolist(), "Z": lits[2].tolist()}


@pytest.mark.parametrize("cases", [300, pytest.param(3000, marks=SLOW)])
def test_machine_answers_equal_brute_force(cases: int) -> None:
    prog = load_program(example_path("qbf"))
    rng = np.random.default_rng(2024 + cases)
    seen = {0: 0, 1: 0}
    worst_time = worst_memory = 0.0
    for _ in range(cases):
        n, m = int(rng.integers(0, 7)), int(rng.integers(0, 9))
        inputs = _formula(rng, n, m)
        res = pram_run(prog, inputs, {"n": n})
        m = len(inputs["X"])
        clauses = list(zip(inputs["X"], inputs["Y"], inputs["Z"], strict=True))
        expected = brute_force(inputs["Q"], clauses, n)
        assert res.output["OUT"] == [expected], inputs
        seen[expected] += 1
        worst_time = max(worst_time, res.steps / ((64 * m + 64) * 2 ** (n + 1) + 20))
        worst_memory = max(worst_memory, res.memory_cells / (3 * m + 2 * n + 4))
    assert seen[0] and seen[1]
    record("QBF (task)", claim="qbf.pram = brute-force evaluation", num_formulas=cases,
           num_true=seen[1], max_time_over_bound=worst_time,
           max_memory_over_bound=worst_memory)


@pytest.mark.parametrize(("m", "top"), [(1, 6), (4, 6), pytest.param(1, 8, marks=SLOW),
                                         pytest.param(4, 8, marks=SLOW)])
def test_full_tree_worst_case_stays_in_the_time_bound(m: int, top: int) -> None:
    prog = load_program(example_path("qbf"))
    steps = {}
    for n in range(1, top + 1):
        inputs = {"Q": [1] * n, "X": [1] * m, "Y": [-1] * m, "Z": [1] * m}  # x1 or not x1
        res = pram_run(prog, inputs)
        assert res.output["OUT"] == [1]
        assert res.steps <= (64 * m + 64) * 2 ** (n + 1) + 20
        steps[n] = res.steps
    ratios = [steps[n + 1] / steps[n] for n in range(1, max(steps))]
    assert all(1.9 < r < 2.2 for r in ratios[1:]), steps  # Theta(2^n): the full tree
    record("QBF (task)", claim="time 2^Theta(n) in the worst case", **{f"T_m{m}_by_n": steps})


@pytest.mark.parametrize("sizes", [(1, 2), pytest.param((1, 2, 3), marks=SLOW)])
def test_apmdm_canvas_does_not_grow_with_time(sizes: tuple[int, ...]) -> None:
    prog = load_program(example_path("qbf"))
    rng = np.random.default_rng(5)
    overhead, times = set(), []
    for n in sizes:
        inputs = _formula(rng, n, n + 1)
        machine = pram_run(prog, inputs, {"n": n})
        run = apmdm_run(prog, inputs, {"n": n})
        assert run.output == machine.output
        assert run.decoding_steps == 2 * machine.steps + 2
        overhead.add(run.max_context_length - run.memory_cells)
        times.append(machine.steps)
        record("QBF (task)", claim="Theorem 4 AP-MDM: canvas O(n + m) for 2^n time",
               **{"canvas_by_n": {n: run.max_context_length}, "T_by_n": {n: machine.steps}})
    assert len(overhead) == 1 and times == sorted(times)
