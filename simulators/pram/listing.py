"""Readable instruction listings (``python -m simulators.pram compile``)."""

from __future__ import annotations

from simulators.pram.isa import PARAMS_ARRAY, CompiledProgram, Instruction

_BIN_SYMBOL = {
    "add": "+", "sub": "-", "mul": "*", "div": "//", "mod": "%", "pow": "^",
    "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "and": "and", "or": "or",
}


def format_instruction(prog: CompiledProgram, ins: Instruction) -> str:
    """One instruction as ``OP  operands   -- meaning`` with register names."""
    r = prog.register_names

    def n(k: int | None) -> str:
        return "?" if k is None else f"r{k}({r[k]})"

    op = ins.op
    if op == "CONST":
        return f"CONST {n(ins.d)}, {ins.imm}"
    if op == "MOV":
        return f"MOV   {n(ins.d)}, {n(ins.a)}"
    if op == "UN":
        return f"UN    {n(ins.d)} := {ins.fn}({n(ins.a)})"
    if op == "BIN":
        if ins.fn in ("min", "max"):
            return f"BIN   {n(ins.d)} := {ins.fn}({n(ins.a)}, {n(ins.b)})"
        return f"BIN   {n(ins.d)} := {n(ins.a)} {_BIN_SYMBOL[ins.fn or '']} {n(ins.b)}"
    if op == "LOAD":
        return f"LOAD  {n(ins.d)} := {ins.array}[{n(ins.a)}]"
    if op == "STORE":
        return f"STORE {ins.array}[{n(ins.a)}] := {n(ins.b)}"
    if op == "JMP":
        return f"JMP   {ins.target}"
    if op == "JZ":
        return f"JZ    {n(ins.a)}, {ins.target}"
    if op == "FORK":
        return f"FORK  {n(ins.v)} in {n(ins.a)} .. {n(ins.b)}, skip to {ins.target}"
    return op


def format_listing(prog: CompiledProgram) -> str:
    """The whole program: header facts, memory layout, then one numbered line per instruction."""
    out = [
        f"program {prog.name}   model {prog.model.value}   word {prog.word_bits} bits",
        f"processors {_show(prog.bounds.processors)}   time {_show(prog.bounds.time)}"
        + (f"   memory {_show(prog.bounds.memory)}" if prog.bounds.memory is not None else ""),
        "arrays (in memory order): " + ", ".join(
            f"{a.role} {a.name}[{_show(a.size)}]" for a in prog.arrays),
        f"registers ({prog.n_registers}): " + ", ".join(
            f"r{k}={name}" for k, name in enumerate(prog.register_names)),
        "",
    ]
    lines = prog.source.splitlines()
    width = max((len(format_instruction(prog, i)) for i in prog.instructions), default=10)
    for pc, ins in enumerate(prog.instructions):
        text = format_instruction(prog, ins)
        if ins.line and ins.line <= len(lines):
            note = f"{ins.line}: {lines[ins.line - 1].strip()}"
        elif ins.array == PARAMS_ARRAY:
            note = "prelude: load a size parameter"
        else:
            note = ""
        out.append(f"{pc:4d}  {text:<{width}}  # {note}".rstrip(" #"))
    return "\n".join(out) + "\n"


def _show(e: object) -> str:
    """A bound expression printed through sympy (built node by node, so this is safe)."""
    try:
        return str(e.to_sympy())  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - display only; fall back to the dataclass repr
        return repr(e)
