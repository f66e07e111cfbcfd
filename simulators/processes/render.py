"""Show a trace to a person: each step's canvas, masks visible, the operations highlighted.

Every step is drawn in Algorithm 1's order over the canvas *before* the step, so a student sees
what happened to each position:

====================  =================  ===========================================
operation             plain text         rich style
====================  =================  ===========================================
unchanged token       ``a``              default (masks dim yellow)
mask filled with a    ``[M]→a``          bold green
a remasked            ``a→[M]``          bold red
mask deleted          ``~[M]~``          red strike-through
mask inserted after   ``+[M]``           bold cyan
====================  =================  ===========================================

:func:`render_trace` prints with rich; :func:`trace_to_text` is the plain-text fallback (same
content, no colours) for logs, doctests and terminals without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulators.processes.decisions import APMDMDecision
from simulators.processes.trace import Trace

LEGEND = "legend: [M]→a filled   a→[M] remasked   ~[M]~ deleted   +[M] inserted"


@dataclass(frozen=True)
class Cell:
    """One displayed item of a step: ``op`` in keep / fill / remask / delete / insert."""

    text: str
    op: str
    is_mask: bool = False

    def plain(self) -> str:
        return {"delete": f"~{self.text}~", "insert": f"+{self.text}"}.get(self.op, self.text)


def step_cells(trace: Trace, t: int) -> list[Cell]:
    """The cells of recorded step ``t`` (0-based), from the canvases and the decision."""
    v = trace.vocab
    before, after = trace.canvases[t], trace.canvases[t + 1]
    mask = v.mask_id
    m = v.mask
    if trace.process == "apmdm" and isinstance(trace.decisions[t], APMDMDecision):
        d = trace.decisions[t]
        y, remask = np.asarray(d.y), np.asarray(d.remask, bool)
        insert, delete = np.asarray(d.insert, bool), np.asarray(d.delete, bool)
        cells: list[Cell] = []
        for i, tok in enumerate(before.tolist()):  # display only: not a hot path
            if tok == mask and delete[i]:
                cells.append(Cell(m, "delete", True))
                continue
            if remask[i] and tok != mask:
                cells.append(Cell(f"{v.name(tok)}→{m}", "remask", True))
            elif tok == mask and not remask[i] and y[i] != mask:
                cells.append(Cell(f"{m}→{v.name(int(y[i]))}", "fill"))
            else:
                cells.append(Cell(v.name(tok), "keep", tok == mask))
            if insert[i]:
                cells.append(Cell(m, "insert", True))
        return cells
    cells = []
    for i, tok in enumerate(after.tolist()):
        if i >= before.shape[0]:  # ARM: the appended token
            cells.append(Cell(v.name(tok), "fill"))
        elif before[i] == mask and tok != mask:
            cells.append(Cell(f"{m}→{v.name(tok)}", "fill"))
        else:
            cells.append(Cell(v.name(tok), "keep", tok == mask))
    return cells


def _canvas_cells(trace: Trace, canvas: np.ndarray) -> list[Cell]:
    v = trace.vocab
    return [Cell(v.name(t), "keep", t == v.mask_id) for t in canvas.tolist()]


def _rows(trace: Trace, max_steps: int) -> list[tuple[str, list[Cell]]]:
    """(label, cells) rows: the start canvas, up to ``max_steps`` steps, the final canvas."""
    rows = [("start", _canvas_cells(trace, trace.initial))]
    if trace.recorded:
        shown = min(len(trace.decisions), max_steps)
        for t in range(shown):
            s = trace.steps[t]
            label = (f"step {t + 1} (fill {s.filled}, remask {s.remasked}, "
                     f"ins {s.inserted}, del {s.deleted}, len {s.length})")
            rows.append((label, step_cells(trace, t)))
        if shown < len(trace.decisions):
            rows.append((f"... {len(trace.decisions) - shown} more steps", []))
    rows.append(("final", _canvas_cells(trace, trace.final)))
    return rows


def _summary(trace: Trace) -> str:
    text = (f"{trace.process}: halted ({trace.halt.value}) after {trace.num_steps} steps, "
            f"peak length {trace.peak_length}")
    if trace.serial_cost is not None:
        text += f", serial cost {trace.serial_cost}"
    return text + (f" -- {trace.message}" if trace.message else "")


def _clip(cells: list[Cell], max_positions: int) -> tuple[list[Cell], bool]:
    return cells[:max_positions], len(cells) > max_positions


def trace_to_text(trace: Trace, *, max_steps: int = 50, max_positions: int = 120) -> str:
    """Plain-text rendering (no colours): one line per step plus a summary and a legend."""
    lines = [_summary(trace), LEGEND]
    for label, cells in _rows(trace, max_steps):
        shown, cut = _clip(cells, max_positions)
        body = " ".join(c.plain() for c in shown) + (" …" if cut else "")
        lines.append(f"{label}: {body}" if cells else label)
    if not trace.recorded:
        lines.append("(canvases not recorded: run with record_canvases=True to see each step)")
    return "\n".join(lines)


_STYLE = {"fill": "bold green", "remask": "bold red", "delete": "red strike",
          "insert": "bold cyan"}


def render_trace(trace: Trace, *, console: object | None = None, max_steps: int = 50,
                 max_positions: int = 120) -> None:
    """Print the trace with rich: a summary, a legend, and one coloured line per step."""
    from rich.console import Console
    from rich.text import Text

    con: Any = console if console is not None else Console()  # anything with .print
    con.print(Text(_summary(trace), style="bold"))
    con.print(Text(LEGEND, style="dim"))
    for label, cells in _rows(trace, max_steps):
        line = Text(f"{label}: " if cells else label, style="italic")
        shown, cut = _clip(cells, max_positions)
        for k, c in enumerate(shown):
            if k:
                line.append(" ")
            style = _STYLE.get(c.op, "dim yellow" if c.is_mask else "")
            line.append(c.plain() if c.op in ("delete", "insert") else c.text, style=style)
        if cut:
            line.append(" …")
        con.print(line)
    if not trace.recorded:
        con.print(Text("(canvases not recorded: run with record_canvases=True to see each "
                       "step)", style="dim"))
