"""Sudoku by remask backtracking (``docs/sudoku.md``): the AP-MDM of
``constructions/sudoku_apmdm`` against an independent exact-cover solver (``simulators.sudoku``).

* soundness and completeness -- on generated puzzles of every size (some with no solution, some
  with several), the construction returns a valid grid that keeps every given exactly when the
  exact solver finds a solution, and "no solution" exactly when it finds none; on
  unique-solution puzzles (minimal ones: the hard end for a propagating solver, and a well-known
  hard 9x9) it returns *the* solution;
* context -- the canvas is ``4 n^2`` tokens at every step (no insert/delete ever happens);
* step accounting -- every decoding step is one of the program's modes and the counts obey the
  search's bookkeeping: each backtrack is followed by exactly one "finish backtrack" step, every
  branch opened either failed (a backtrack) or is still open at the end, and
  ``steps = fills + branches + retries + 2 * backtracks + 1``;
* the lock-step batch runner equals the shared engine ``run_apmdm`` (same steps, same grid).

Two profiles, the same checks (``docs/sudoku.md`` states the counts): the default run takes a
representative sample (each outcome, backtracks, a minimal and a hard 9x9 puzzle) so the task
checks together stay well under a minute; the ``slow`` cases (``--run-slow`` or ``RUN_SLOW=1``)
add thousands of puzzles per size, 200 minimal 9x9 puzzles and the 2012 "hardest" puzzle
(~9,500 decoding steps).
"""

from __future__ import annotations

import numpy as np
import pytest

from constructions.sudoku_apmdm import SudokuAPMDM
from constructions.sudoku_apmdm.process import MODE_NAMES
from proofs_checks.report import record
from simulators.processes import HaltReason
from simulators.sudoku import minimal_puzzle, random_puzzle, solve_exact
from simulators.sudoku.exact import count_solutions

SLOW = pytest.mark.slow
#: The 9x9 sweeps need minutes of CPU each (1,000 puzzles; 200 minimal ones and Inkala's 2012
#: puzzle, ~9,500 steps): on the loaded shared machine both hit the suite's 600 s per-test limit
#: before finishing (docs/sudoku.md), so they get an hour.
LONG = [SLOW, pytest.mark.timeout(3600)]
#: (size, puzzles): the default sample, then the thorough sweep (slow)
SIZES = [(4, 200), (6, 60), (9, 6), pytest.param(4, 4000, marks=SLOW),
         pytest.param(6, 3000, marks=SLOW), pytest.param(9, 1000, marks=LONG)]
#: Two well-known hard 9x9 puzzles (each has exactly one solution: asserted below).
AI_ESCARGOT = ("1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3..")
INKALA_2012 = ("8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..")


#: Far above any run of the default sets (a few hundred steps) and above the longest run of the
#: 9x9 sweep (puzzle 624 of seed 1009 halts solved after 127,108 steps: only naked singles are
#: propagated; docs/sudoku.md): a policy that loops fails here.
STEP_BOUND = 200_000


def _check_batch(model: SudokuAPMDM, puzzles: list[np.ndarray]) -> dict[str, int]:
    results = model.solve_batch(puzzles, max_steps=STEP_BOUND)
    stats = {"solved": 0, "unsolvable": 0, "unsolvable_by_search": 0, "max_steps": 0,
             "max_backtracks": 0}
    for puzzle, res in zip(puzzles, results, strict=True):
        assert res.halt == HaltReason.FIXED_POINT
        reference = solve_exact(puzzle)
        if reference is None:
            assert res.solution is None, puzzle
            stats["unsolvable"] += 1
            # no two givens clash: only the search can find out that there is no solution
            stats["unsolvable_by_search"] += not model.layout.conflicts(puzzle)
        else:
            assert res.solution is not None, puzzle
            assert model.layout.is_solution(res.solution)
            assert ((puzzle == 0) | (res.solution == puzzle)).all()
            stats["solved"] += 1
        stats["max_steps"] = max(stats["max_steps"], res.decoding_steps)
        stats["max_backtracks"] = max(stats["max_backtracks"], res.backtracks)
    return stats


@pytest.mark.parametrize(("n", "count"), SIZES)
def test_sound_and_complete_on_generated_puzzles(n: int, count: int) -> None:
    rng = np.random.default_rng(1000 + n)
    model = SudokuAPMDM(n)
    # a mix: sparse (several solutions), dense, corrupted givens (often clashing: no solution at
    # depth 0), and corrupted givens that do not clash (unsolvable ones need the search)
    puzzles: list[np.ndarray] = []
    while len(puzzles) < count:
        keep, corrupt = [(0.25 if n < 9 else 0.3, 0.0), (0.45, 0.0), (0.4, 0.08),
                         (0.4, 0.08)][len(puzzles) % 4]
        p = random_puzzle(n, rng, keep=keep, corrupt=corrupt)
        if len(puzzles) % 4 < 3 or not model.layout.conflicts(p):
            puzzles.append(p)
    stats = _check_batch(model, puzzles)
    assert stats["solved"] and stats["unsolvable"]  # both outcomes were exercised
    if n < 9 or count > 100:  # a handful of 9x9 puzzles may all clash or all solve
        assert stats["unsolvable_by_search"]
    record("Sudoku (task)", claim="valid solution keeping the givens iff one exists",
           set_size=f"{n}x{n}", num_puzzles=count, num_unsolvable=stats["unsolvable"],
           num_unsolvable_without_clashing_givens=stats["unsolvable_by_search"],
           max_backtracks=stats["max_backtracks"])


@pytest.mark.parametrize(("minimal", "hard"), [(0, (AI_ESCARGOT,)),
                                               pytest.param(200, (AI_ESCARGOT, INKALA_2012),
                                                            marks=LONG)])
def test_unique_and_hard_puzzles_get_their_solution(minimal: int, hard: tuple[str, ...]) -> None:
    rng = np.random.default_rng(7)
    model = SudokuAPMDM(9)
    puzzles = [minimal_puzzle(9, rng) for _ in range(minimal)]
    puzzles += [model.layout.parse(h) for h in hard]
    for p in puzzles:
        assert count_solutions(p, 2) == 1
    results = model.solve_batch(puzzles, max_steps=STEP_BOUND)
    for p, res in zip(puzzles, results, strict=True):
        assert res.solution is not None
        assert (res.solution == solve_exact(p)).all()
    record("Sudoku (task)", claim="unique puzzles: the solution (minimal 9x9, hard 9x9)",
           num_hard_puzzles=len(puzzles),
           max_hard_steps=max(r.decoding_steps for r in results),
           max_hard_backtracks=max(r.backtracks for r in results))


#: Puzzles whose search backtracks (found by sampling; generated 4x4/6x6 ones rarely do): a 4x4
#: one with no solution refuted after 2 backtracks, a 6x6 one with several solutions, 3 backtracks.
BACKTRACKING = {4: "...1.3......1..3", 6: ".6.....5.4.2..36......2......3......"}
#: (size, generated puzzles, with AI Escargot): 9x9 runs cost ~10 ms a step, so by default only
#: one generated 9x9 puzzle (with backtracks) goes through the engine
ENGINE_RUNS = [(4, 8, False), (6, 4, False), (9, 2, False),
               pytest.param(6, 8, False, marks=SLOW), pytest.param(9, 8, True, marks=SLOW)]


@pytest.mark.parametrize(("n", "count", "escargot"), ENGINE_RUNS)
def test_engine_runs_match_and_accounting_holds(n: int, count: int, escargot: bool) -> None:
    """Through ``run_apmdm`` with every canvas recorded: the context never changes, the modes
    add up, and the batch runner agrees."""
    rng = np.random.default_rng(50 + n)
    model = SudokuAPMDM(n)
    mix = [(0.2, 0.0), (0.3, 0.0), (0.45, 0.1), (0.35, 0.05)] * 2
    puzzles = [random_puzzle(n, rng, keep=k, corrupt=c) for k, c in mix[:count]]
    if n == 9 and count == 2:
        puzzles = puzzles[1:]  # seed 59's second puzzle: 44 steps, 2 backtracks
    if n in BACKTRACKING:
        puzzles.append(model.layout.parse(BACKTRACKING[n]))
    if escargot:
        puzzles.append(model.layout.parse(AI_ESCARGOT))
    batch = model.solve_batch(puzzles)
    assert sum(r.backtracks for r in batch)  # the backtrack bookkeeping is exercised
    for p, res in zip(puzzles, batch, strict=True):
        trace = model.run(p, record_canvases=True)
        single = model.result(trace)
        assert (single.decoding_steps, single.backtracks) == (res.decoding_steps,
                                                              res.backtracks)
        assert (single.solution is None) == (res.solution is None)
        if res.solution is not None:
            assert (single.solution == res.solution).all()
        assert {c.shape[0] for c in trace.canvases} == {model.layout.length}
        modes = model.program.evaluate(np.stack(trace.canvases[:-1]))["mode"][:, 0].tolist()
        counts = {name: modes.count(code) for code, name in MODE_NAMES.items()}
        assert counts["finish backtrack"] == counts["backtrack"] == single.backtracks
        final_depth = int(model.program.evaluate(trace.final)["top_depth"][0])
        opened = counts["branch"] + counts["retry"]
        if single.solution is None:
            assert opened == counts["backtrack"]
        else:
            assert opened >= counts["backtrack"]
            assert opened == counts["backtrack"] + final_depth
        assert trace.num_steps == (counts["fill"] + counts["branch"] + counts["retry"]
                                   + 2 * counts["backtrack"] + 1)
        assert modes[-1] == 0 and modes.count(0) == 1  # the fixed-point step ends the run
        record("Sudoku (task)", claim="context fixed at 4 n^2; steps = fills + branches + "
               "retries + 2 backtracks + 1", set_context=model.layout.length,
               num_engine_runs=1)


def test_network_depth_does_not_depend_on_the_size() -> None:
    depths = {n: SudokuAPMDM(n).program.cost().depth for n in (4, 6, 9)}
    assert len(set(depths.values())) == 1, depths
    record("Sudoku (task)", claim="one constant-depth network per step",
           depth_by_n=depths)
