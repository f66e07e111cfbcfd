"""A readable per-step table of a run (``python -m simulators.pram trace``), drawn with rich."""

from __future__ import annotations

from typing import IO, cast

import numpy as np
from rich.console import Console
from rich.table import Table

from simulators.pram.isa import MODE_RUN, MODE_WAIT, PARAMS_ARRAY, CompiledProgram
from simulators.pram.machine import RunResult

#: Arrays up to this many cells are shown in full after every step.
SMALL_ARRAY = 16
#: Reads / writes listed per step before eliding the rest.
MAX_ACCESSES = 6


def _cell_name(prog: CompiledProgram, res: RunResult, addr: int) -> str:
    for a in prog.arrays:
        base, size = res.binding.base[a.name], res.binding.size[a.name]
        if base <= addr < base + size:
            name = "params" if a.name == PARAMS_ARRAY else a.name
            return f"{name}[{addr - base}]"
    return f"@{addr}"  # pragma: no cover - every address belongs to an array


def _accesses(prog: CompiledProgram, res: RunResult, rows: np.ndarray, with_value: bool) -> str:
    parts = []
    for row in rows[:MAX_ACCESSES].tolist():
        text = f"p{row[0]}:{_cell_name(prog, res, row[1])}"
        parts.append(f"{text}={row[2]}" if with_value else text)
    if len(rows) > MAX_ACCESSES:
        parts.append(f"... +{len(rows) - MAX_ACCESSES}")
    return " ".join(parts)


def _pcs(pc: np.ndarray, mode: np.ndarray) -> str:
    running = pc[mode == MODE_RUN]
    if running.size == 0:
        return "barrier"  # only WAIT processors: processor 0 re-checks its JOIN
    values, counts = np.unique(running, return_counts=True)
    return " ".join(f"{v}" if c == 1 else f"{v}x{c}" for v, c in zip(values.tolist(),
                                                                         counts.tolist(),
                                                                         strict=True))


def render_trace(prog: CompiledProgram, res: RunResult, *, max_rows: int = 200,
                 width: int = 140) -> str:
    """The trace as text: one row per step (the pcs executed, RUN/WAIT counts, accesses)."""
    assert res.trace is not None
    small = [a for a in prog.arrays if a.name != PARAMS_ARRAY
             and 0 < res.binding.size[a.name] <= SMALL_ARRAY]
    table = Table(title=f"{prog.name} ({prog.model.value}) on {res.sizes}", show_lines=False)
    for col in ("step", "pc (xcount)", "run", "wait", "reads", "writes"):
        table.add_column(col, overflow="fold")
    for a in small:
        table.add_column(a.name, overflow="fold")
    states = res.trace
    for t in range(1, len(states)):
        if t > max_rows:
            rest = f"{len(states) - 1 - max_rows} more steps"
            table.add_row("...", rest, *[""] * (4 + len(small)))
            break
        before, after = states[t - 1], states[t]
        cells = []
        for a in small:
            base, size = res.binding.base[a.name], res.binding.size[a.name]
            cells.append(" ".join(str(v) for v in after.memory[base: base + size].tolist()))
        table.add_row(
            str(t), _pcs(before.pc, before.mode), str(int((before.mode == MODE_RUN).sum())),
            str(int((before.mode == MODE_WAIT).sum())),
            _accesses(prog, res, after.reads, False), _accesses(prog, res, after.writes, True),
            *cells,
        )
    console = Console(width=width, record=True, file=cast(IO[str], _Null()), color_system=None,
                      force_terminal=False)
    console.print(table)
    summary = (f"steps {res.steps} (bound {res.bounds['time']})   processors {res.processors} "
               f"(bound {res.bounds['processors']})   work {res.work}   "
               f"memory cells {res.memory_cells}")
    return console.export_text() + summary + "\n"


class _Null:
    """A file that discards writes (the console only records)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None
