"""Readable listings of a program and of its intermediate values on a canvas."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulators.encoder.layers import realisation
from simulators.encoder.sequences import Aggregate, Elementwise, Source

if TYPE_CHECKING:
    from simulators.encoder.program import Program


def sublayer_name(slot: int) -> str:
    """``embed``, ``L1.attn``, ``L1.mlp``, ``L2.attn``, ..."""
    if slot == 0:
        return "embed"
    block = (slot + 1) // 2
    return f"L{block}.{'attn' if slot % 2 else 'mlp'}"


def dump_program(prog: Program) -> str:
    """One line per sequence: name, sublayer, range, bits, definition; then the cost."""
    outputs = {s.uid: k for k, s in prog.outputs.items()}
    lines = [f"program {prog.name!r}  max_length={prog.max_length}"]
    width = max(len(prog.name_of(n)) for n in prog.nodes)
    for node in prog.nodes:
        r = prog.ranges[node.uid]
        extra = ""
        if isinstance(node, Elementwise):
            real = realisation(node, prog.ranges)
            extra = f"  [mlp: {real.hidden_layers} layer(s), width {real.hidden_width}]"
        elif isinstance(node, Aggregate):
            extra = "  [head]"
        tag = f"  -> output {outputs[node.uid]!r}" if node.uid in outputs else ""
        where = sublayer_name(prog.sublayers[node.uid])
        if isinstance(node, Source) and node.kind == "const":
            where = "bias"  # a constant is a bias of the weights, not a residual subspace
        lines.append(f"  {prog.name_of(node):<{width}}  {where:<8} "
                     f"{str(r):>14} {r.bits:>3}b  {node.describe(prog.name_of)}{extra}{tag}")
    c = prog.cost()
    lines.append(f"cost: depth={c.depth} (attention {c.attention_layers}, mlp {c.mlp_layers}), "
                 f"blocks={c.blocks}, heads/layer={c.heads}, heads={c.total_heads}, "
                 f"width={c.width_bits} bits, mlp depth={c.mlp_depth}, "
                 f"mlp width={c.mlp_hidden_width}, precision={c.precision_bits} bits "
                 f"(attention {c.attention_precision_bits})")
    return "\n".join(lines)


def explain_program(prog: Program, canvas: np.ndarray, *, max_positions: int = 32,
                    rng: np.random.Generator | None = None) -> str:
    """The values of every sequence at the first ``max_positions`` positions of one canvas."""
    arr = np.asarray(canvas)
    if arr.ndim == 2:
        arr = arr[0]
    vals = prog.evaluate_all(arr, rng=rng)
    n = min(arr.shape[-1], max_positions)
    width = max(len(prog.name_of(node)) for node in prog.nodes)
    cell = max([len(str(int(v))) for node in prog.nodes for v in vals[node][:n]] + [1])
    head = " ".join(f"{i:>{cell}}" for i in range(n))
    lines = [f"{'position':<{width}}  {head}" + (" ..." if arr.shape[-1] > n else "")]
    for node in prog.nodes:
        row = " ".join(f"{int(v):>{cell}}" for v in vals[node][:n])
        lines.append(f"{prog.name_of(node):<{width}}  {row}")
    return "\n".join(lines)
