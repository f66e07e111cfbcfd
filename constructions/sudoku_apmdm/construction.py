"""The Sudoku AP-MDM for one puzzle through the shared
:class:`~constructions.interface.Construction` interface (``name = "sudoku"``).

``output`` of the report is ``{"solution", "solved"}`` (the solution as a string of ``n^2``
digits, or None when the puzzle has none); ``extra`` holds ``backtracks`` (counted from the
trace's step records), the size and the givens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from constructions.backends import (
    WeightsAPMDMPolicy,
    check_backend,
    compile_weights,
    network_report,
    program_apmdm_policy,
)
from constructions.interface import RunReport
from constructions.sudoku_apmdm.layout import (
    ROLE_COLOUR,
    ROLE_MARKER,
    ROLE_VALUE,
    TOKENS_PER_CELL,
    SudokuLayout,
)
from constructions.sudoku_apmdm.process import (
    DEFAULT_MAX_STEPS,
    MODE_NAMES,
    SudokuAPMDM,
    count_backtracks,
)
from simulators.encoder import Program
from simulators.errors import LimitExceeded, UsageError
from simulators.processes import HaltReason, Vocab, run_apmdm

_MACHINES: dict[int, SudokuAPMDM] = {}


def machine(n: int) -> SudokuAPMDM:
    """The (puzzle-independent) construction for size ``n``, built once per process."""
    if n not in _MACHINES:
        _MACHINES[n] = SudokuAPMDM(n)
    return _MACHINES[n]


def grid_text(grid: np.ndarray) -> str:
    return "".join(str(int(v)) if v else "." for v in np.asarray(grid).reshape(-1))


@dataclass
class SudokuConstruction:
    """The construction on one puzzle (``grid``: ``(n, n)`` ints, 0 = empty)."""

    grid: np.ndarray
    n: int = 9
    name: str = "sudoku"
    machine: SudokuAPMDM = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.machine = machine(self.n)
        self.grid = self.machine.check_puzzle(self.grid)

    @classmethod
    def from_text(cls, n: int, text: str, *, allow_conflicts: bool = False,
                  ) -> SudokuConstruction:
        """Parse a puzzle string; contradictory givens are refused unless ``allow_conflicts``
        (the construction itself answers "no solution" for them)."""
        layout = SudokuLayout(n)
        grid = layout.parse(text)
        bad = layout.conflicts(grid)
        if bad and not allow_conflicts:
            raise UsageError("contradictory givens: " + "; ".join(bad))
        return cls(grid, n)

    @property
    def layout(self) -> SudokuLayout:
        return self.machine.layout

    @property
    def vocab(self) -> Vocab:
        return self.layout.vocab()

    @property
    def program(self) -> Program:
        return self.machine.program

    def initial_canvas(self) -> np.ndarray:
        return self.layout.initial_canvas(self.grid)

    def policy(self, mode: str = "fast", **kw: Any) -> Any:
        return program_apmdm_policy(self.program, mode, device=kw.get("device", "cpu"))

    def decode_state(self, canvas: np.ndarray) -> dict[str, Any]:
        """The solver state: the grid, each cell's depth colour and marker, the current depth
        and the mode of the next step (what ``--show`` draws)."""
        c = np.asarray(canvas, dtype=np.int64).reshape(self.layout.cells, TOKENS_PER_CELL)
        lay = self.layout
        names = self.vocab
        colour = np.where(c[:, ROLE_COLOUR] == lay.mask, -1, c[:, ROLE_COLOUR] - lay.colour0)
        mode = int(self.program.evaluate(np.asarray(canvas, dtype=np.int64))["mode"][0])
        return {"grid": lay.grid(canvas).tolist(), "colour": colour.tolist(),
                "marker": [names.name(int(t)) for t in c[:, ROLE_MARKER]],
                "value_masked": (c[:, ROLE_VALUE] == lay.mask).tolist(),
                "next_step": MODE_NAMES[mode]}

    def run(self, *, max_steps: int | None = None, record_canvases: bool = False,
            rng: np.random.Generator | None = None, backend: str = "interpreter",
            device: str = "cpu") -> RunReport:
        """Decode to the fixed point; exit-3 error if ``max_steps`` is reached first."""
        check_backend(backend, device)
        compiled = compile_weights(self.program, device=device) if backend == "weights" else None
        policy = self.policy("fast") if compiled is None else WeightsAPMDMPolicy(compiled,
                                                                                 self.program)
        limit = DEFAULT_MAX_STEPS if max_steps is None else max_steps
        trace = run_apmdm(policy, self.initial_canvas(), self.vocab, rng=rng, max_steps=limit,
                          max_length=self.layout.length, halt_on_eos=False,
                          record_canvases=record_canvases)
        if trace.halt != HaltReason.FIXED_POINT:
            raise LimitExceeded(f"the solver stopped after {trace.num_steps} decoding steps "
                                f"({trace.halt.value}: {trace.message}); raise --max-steps")
        grid = self.layout.grid(trace.final)
        solved = self.layout.is_solution(grid)
        output = {"solution": grid_text(grid) if solved else None, "solved": solved}
        extra = {"backtracks": count_backtracks(trace.steps), "size": self.n,
                 "givens": int((self.grid > 0).sum()), "puzzle": grid_text(self.grid)}
        return RunReport.from_trace(self.name, backend, trace, output,
                                    network_report(self.program, compiled), extra)
