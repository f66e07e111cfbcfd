"""The Sudoku AP-MDM as an object: program, policy, one run on the shared engine, and a
lock-step batch runner (the same program and the same ``g``, many puzzles per evaluation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from constructions.sudoku_apmdm.layout import SudokuLayout
from constructions.sudoku_apmdm.program import build_program
from simulators.encoder import Program, apmdm_policy
from simulators.errors import UsageError
from simulators.processes import HaltReason, Trace, apmdm_transition_batch, run_apmdm

#: Mode codes of the program's ``mode`` output (0: nothing to do -> fixed point).
MODE_NAMES = {0: "done", 1: "finish backtrack", 2: "backtrack", 3: "retry", 4: "fill",
              5: "branch"}
DEFAULT_MAX_STEPS = 1_000_000


@dataclass(frozen=True)
class SudokuResult:
    """What one run found: the grid (or None), and the step accounting."""

    solution: np.ndarray | None
    decoding_steps: int
    backtracks: int
    halt: HaltReason

    @property
    def solved(self) -> bool:
        return self.solution is not None


def count_backtracks(steps: list[Any]) -> int:
    """Backtracks of a run from its step records: the backtrack step is the only one that
    remasks without filling anything (``docs/sudoku.md``)."""
    return sum(1 for s in steps if s.remasked > 0 and s.filled == 0)


@dataclass(frozen=True)
class SudokuAPMDM:
    """The construction for one size ``n`` (4, 6 or 9)."""

    n: int
    layout: SudokuLayout = field(init=False)
    program: Program = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "layout", SudokuLayout(self.n))
        object.__setattr__(self, "program", build_program(self.layout))

    @property
    def vocab(self):  # -> simulators.processes.Vocab
        return self.layout.vocab()

    def policy(self):
        return apmdm_policy(self.program, y="y", remask="remask", insert="insert",
                            delete="delete")

    def check_puzzle(self, grid: np.ndarray) -> np.ndarray:
        """The grid as int64 ``(n, n)``; UsageError for a wrong shape or values."""
        g = np.asarray(grid)
        if g.dtype.kind not in "iu" or g.size != self.layout.cells:
            raise UsageError(f"a {self.n}x{self.n} puzzle is {self.layout.cells} integers "
                             f"0..{self.n}")
        g = g.astype(np.int64).reshape(self.n, self.n)
        if g.min() < 0 or g.max() > self.n:
            raise UsageError(f"puzzle values must lie in 0..{self.n} (0 = empty)")
        return g

    def run(self, grid: np.ndarray, *, max_steps: int = DEFAULT_MAX_STEPS,
            record_canvases: bool = False) -> Trace:
        """One run on the shared AP-MDM engine, from the puzzle's canvas to a fixed point."""
        canvas = self.layout.initial_canvas(self.check_puzzle(grid))
        return run_apmdm(self.policy(), canvas, self.vocab, max_steps=max_steps,
                         max_length=self.layout.length, halt_on_eos=False,
                         record_canvases=record_canvases)

    def result(self, trace: Trace) -> SudokuResult:
        grid = self.layout.grid(trace.final)
        solved = trace.halt == HaltReason.FIXED_POINT and self.layout.is_solution(grid)
        return SudokuResult(grid if solved else None, trace.num_steps,
                            count_backtracks(trace.steps), trace.halt)

    def solve(self, grid: np.ndarray, *, max_steps: int = DEFAULT_MAX_STEPS) -> SudokuResult:
        return self.result(self.run(grid, max_steps=max_steps))

    def solve_batch(self, grids: list[np.ndarray] | np.ndarray, *,
                    max_steps: int = DEFAULT_MAX_STEPS) -> list[SudokuResult]:
        """Many puzzles in lock-step: one batched evaluation of the program per step, ``g``
        applied by the engines' ``apmdm_transition_batch``. A row stops at its fixed point (the
        step that changes nothing is counted, as :func:`run_apmdm` counts it)."""
        canvases = np.stack([self.layout.initial_canvas(self.check_puzzle(g)) for g in grids])
        b = canvases.shape[0]
        steps = np.zeros(b, dtype=np.int64)
        backtracks = np.zeros(b, dtype=np.int64)
        halt = [HaltReason.STEP_LIMIT] * b
        live = np.arange(b)
        while live.size:
            x = canvases[live]
            out = self.program.evaluate(x)
            nxt = np.stack(apmdm_transition_batch(
                x, out["y"], out["remask"].astype(bool), out["insert"].astype(bool),
                out["delete"].astype(bool), mask=self.layout.mask))
            steps[live] += 1
            backtracks[live] += out["mode"][:, 0] == 2
            fixed = (nxt == x).all(axis=1)
            canvases[live] = nxt
            for r in live[fixed]:
                halt[r] = HaltReason.FIXED_POINT
            live = live[~fixed & (steps[live] < max_steps)]
        results = []
        for r in range(b):
            grid = self.layout.grid(canvases[r])
            solved = halt[r] == HaltReason.FIXED_POINT and self.layout.is_solution(grid)
            results.append(SudokuResult(grid if solved else None, int(steps[r]),
                                        int(backtracks[r]), halt[r]))
        return results
