"""Which registers a ``pardo`` body can read before writing them (backward liveness).

The contract says FORK copies *all* of processor 0's registers to every new processor. When no
trace is requested the machine copies only the registers live at the body's entry: the others
are written before any read, so the run's outputs and counts are identical, and a FORK at
n = 2^20 no longer spends most of its time copying dead temporaries.
"""

from __future__ import annotations

from simulators.pram.isa import Instruction


def uses(ins: Instruction) -> tuple[int, ...]:
    """Registers an instruction reads."""
    if ins.op in ("BIN", "STORE"):
        return (ins.a, ins.b)  # type: ignore[return-value]
    if ins.op in ("UN", "MOV", "LOAD", "JZ"):
        return (ins.a,)  # type: ignore[return-value]
    if ins.op == "FORK":
        return (ins.a, ins.b)  # type: ignore[return-value]
    return ()


def defines(ins: Instruction) -> int | None:
    """The register an instruction writes, if any."""
    return ins.d if ins.op in ("CONST", "MOV", "UN", "BIN", "LOAD") else None


def live_at_body_entry(code: tuple[Instruction, ...], fork_pc: int) -> tuple[int, ...]:
    """Registers live at ``fork_pc + 1`` within the body (the JOIN ends every path)."""
    join_pc = code[fork_pc].target - 1  # type: ignore[operator]
    body = range(fork_pc + 1, join_pc)
    live: dict[int, frozenset[int]] = {pc: frozenset() for pc in range(fork_pc + 1, join_pc + 1)}
    changed = True
    while changed:  # a few passes over a short body; runs once per FORK instruction
        changed = False
        for pc in reversed(body):
            ins = code[pc]
            succ: list[int] = []
            if ins.op == "JMP":
                succ = [ins.target]  # type: ignore[list-item]
            elif ins.op == "JZ":
                succ = [ins.target, pc + 1]  # type: ignore[list-item]
            else:
                succ = [pc + 1]
            out: frozenset[int] = frozenset().union(*(live.get(s, frozenset()) for s in succ))
            d = defines(ins)
            new = (out - {d}) | frozenset(uses(ins))
            if new != live[pc]:
                live[pc] = new
                changed = True
    return tuple(sorted(live.get(fork_pc + 1, frozenset())))
