"""``--show``: the Theorem-1 canvas filling block by block, for a student to watch the proof.

One table row per decoding step (the block it filled = the PRAM state after that step), one
column per processor record (its fields labelled: mode, pc, registers by source name, the write
it performed). A final row shows the output cells, filled by the extra step after HALT.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

from constructions.pram_mdm.decode import decode_block
from constructions.pram_mdm.layout import (
    FAULT_BASE,
    MODE_HALTED,
    MODE_IDLE,
    MODE_RUN,
    MODE_WAIT,
    NO_WRITE,
)
from constructions.pram_mdm.simulate import MDMRunResult

MODE_NAMES = {MODE_IDLE: "idle", MODE_RUN: "RUN", MODE_WAIT: "WAIT", MODE_HALTED: "HALT"}


def _address_name(res: MDMRunResult, addr: int) -> str:
    b = res.mdm.binding
    for name, base in b.base.items():
        if base <= addr < base + b.size[name]:
            return f"{name}[{addr - base}]"
    return f"M[{addr}]"


def _cell(res: MDMRunResult, blk, p: int) -> str:  # noqa: ANN001 - BlockState
    mode = int(blk.mode[p])
    if mode == MODE_IDLE:
        return "[dim]idle[/dim]"
    name = MODE_NAMES.get(mode, f"FAULT{mode - FAULT_BASE}")
    regs = res.mdm.prog.register_names
    shown = " ".join(f"{regs[k] if k < len(regs) else f'r{k}'}={int(v)}"
                     for k, v in enumerate(blk.regs[p]) if v != 0)
    text = f"[bold]{name}[/bold] pc={int(blk.pc[p])}\n{shown or '(all 0)'}"
    if blk.write_address[p] != NO_WRITE:
        text += (f"\n[green]{_address_name(res, int(blk.write_address[p]))} := "
                 f"{int(blk.write_value[p])}[/green]")
    return text


def render_run(res: MDMRunResult, *, max_processors: int = 8, console: Console | None = None
               ) -> None:
    """Print the recorded run (needs ``record_canvases=True``) as a table, block by block."""
    console = console or Console()
    lay, trace = res.mdm.layout, res.trace
    shown = min(lay.P, max_processors)
    inputs = " ".join(f"{s.name}={[int(x) for x in trace.canvases[0][s.start:s.start + s.size]]}"
                      for s in lay.inputs)
    table = Table(title=f"Theorem-1 MDM for '{res.mdm.prog.name}': S = {lay.S} "
                        f"(n_in {lay.n_in} + T {lay.T} x P {lay.P} x K {lay.K} + n_out "
                        f"{lay.n_out}); input cells: {inputs}", show_lines=True)
    table.add_column("decoding step\n= block", justify="right")
    for p in range(shown):
        table.add_column(f"processor {p}")
    if shown < lay.P:
        table.add_column(f"... {lay.P - shown} more")
    for t in range(1, res.pram_steps + 1):
        blk = decode_block(lay, trace.canvases[t], t)
        row = [str(t)] + [_cell(res, blk, p) for p in range(shown)]
        if shown < lay.P:
            busy = int(np.count_nonzero(blk.mode[shown:] != MODE_IDLE))
            row.append(f"{busy} active")
        table.add_row(*row)
    outputs = "  ".join(f"{k} = {v}" for k, v in res.output.items())
    rest = (f"blocks {res.pram_steps + 1}..{lay.T} with [FILL] and "
            if res.pram_steps < lay.T else "")
    last = [str(res.decoding_steps), f"fills {rest}the output cells: {outputs}"]
    table.add_row(*(last + [""] * (len(table.columns) - 2)))
    console.print(table)
