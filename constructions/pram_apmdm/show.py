"""Readable canvases of the Theorem 4 AP-MDM (for ``--show`` and docs/theorem4.md).

A token is shown by what it *is* (decoded from its code), not by its raw id::

    clk=1  H0  pc0=12:RUN  r0[s]=4  ...  A[3]=7  [M]
"""

from __future__ import annotations

import numpy as np

from constructions.pram_apmdm.layout import (
    CLOCK_CODE,
    FIELD_CTRL,
    FIELD_HEAD,
    FIELD_REG0,
    MODE_NAMES,
    Layout,
)
from simulators.pram import Binding, CompiledProgram


class TokenNamer:
    """Turns packed token ids into short readable names."""

    def __init__(self, prog: CompiledProgram, binding: Binding, layout: Layout) -> None:
        self.layout = layout
        self.regs = prog.register_names
        self.arrays = sorted(((binding.base[a.name], a.name) for a in prog.arrays),
                             key=lambda t: t[0])

    def _cell(self, address: int) -> str:
        name, base = "?", 0
        for b, n in self.arrays:
            if b <= address:
                name, base = n, b
        return f"{name}[{address - base}]"

    def name(self, token: int) -> str:
        L = self.layout
        if token == L.mask_id:
            return "[M]"
        code, value = (int(v[0]) for v in L.unpack(np.array([token])))
        if code == CLOCK_CODE:
            return f"clk={value}"
        if code >= L.cell_base:
            return f"{self._cell(code - L.cell_base)}={value}"
        p, f = divmod(code - 1, L.record)
        if f == FIELD_HEAD:
            return f"H{p}"
        if f == FIELD_CTRL:
            return f"pc{p}={value // 4}:{MODE_NAMES.get(value % 4, '?')}"
        j = f - FIELD_REG0
        reg = self.regs[j] if j < len(self.regs) else str(j)
        return f"r{p}[{reg}]={value}"

    def render(self, canvas: np.ndarray) -> list[str]:
        return [self.name(int(t)) for t in canvas]


def render_run(namer: TokenNamer, canvases: list[np.ndarray], *, max_rows: int = 60,
               width: int = 160) -> str:
    """One row per AP-MDM step: the phase and the canvas; changed/new tokens in colour."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Theorem 4 AP-MDM: the canvas after each decoding step", show_lines=False)
    table.add_column("step", justify="right")
    table.add_column("len", justify="right")
    table.add_column("canvas")
    prev: set[str] = set()
    for step, cv in enumerate(canvases[:max_rows]):
        names = namer.render(cv)
        text = Text()
        for i, nm in enumerate(names):
            style = "dim" if nm == "[M]" else ("bold yellow" if step and nm not in prev else "")
            text.append(nm, style=style)
            if i + 1 < len(names):
                text.append(" ")
        prev = set(names)
        table.add_row(str(step), str(len(cv)), text)
    if len(canvases) > max_rows:
        table.caption = f"... {len(canvases) - max_rows} more canvases not shown (--max-rows)"
    console = Console(width=width, record=True, force_terminal=False)
    with console.capture() as cap:
        console.print(table)
    return cap.get()
