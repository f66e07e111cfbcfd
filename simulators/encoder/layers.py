"""Layer assignment and cost accounting of an encoder program.

A transformer block is an attention sublayer followed by an MLP sublayer. Sublayers are numbered
0 (the embedding: sources), 1 (attention of block 1), 2 (MLP of block 1), 3, 4, ... Every node is
placed as early as its inputs allow: an aggregate in the first attention sublayer after all its
inputs; an elementwise op in the first MLP sublayer at or after its inputs -- so a chain of
consecutive elementwise ops is *fused* into one MLP (whose own depth is the sum of the primitives'
hidden layers along the chain). Depth is the number of sublayers on the longest path; the theorem
checks assert it does not grow with ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulators.encoder.intervals import Interval
from simulators.encoder.primitives import PRIMITIVES, Realisation
from simulators.encoder.sequences import Aggregate, Elementwise, Seq, Source


@dataclass(frozen=True)
class Cost:
    """What one evaluation of the program costs as a transformer.

    * ``depth`` = ``attention_layers + mlp_layers``: sublayers on the longest path.
    * ``attention_layers`` / ``mlp_layers``: attention / MLP sublayers on that path (consecutive
      elementwise ops fused into one MLP).
    * ``heads``: the most attention heads (aggregates) sharing one attention sublayer;
      ``total_heads``: all aggregates.
    * ``width_bits``: residual-stream width in bits: every sequence has its own subspace holding
      its value in binary (unsigned, or two's complement when negative values occur); constants
      are biases of the weights and take no width.
    * ``mlp_depth``: the most ReLU layers inside one fused MLP; ``mlp_hidden_width``: the widest
      fused MLP (sum of the widths of the primitives in that sublayer).
    * ``precision_bits``: the most fixed-point bits any primitive's realisation needs.
    * ``attention_precision_bits``: the most score bits any head's hard-attention realisation
      needs (see :func:`head_precision_bits`); O(log n) when ranges are polynomial in n.
    * ``blocks``: transformer blocks (attention + MLP) of the layered stack holding every node.
    """

    depth: int
    attention_layers: int
    mlp_layers: int
    heads: int
    width_bits: int
    total_heads: int = 0
    mlp_depth: int = 0
    mlp_hidden_width: int = 0
    precision_bits: int = 0
    attention_precision_bits: int = 0
    sequences: int = 0
    blocks: int = 0


def realisation(node: Elementwise, ranges: dict[int, Interval]) -> Realisation:
    prim = PRIMITIVES[node.prim]
    return prim.realise([ranges[a.uid] for a in node.args], node.params, ranges[node.uid])


def head_precision_bits(node: Aggregate, ranges: dict[int, Interval], max_length: int) -> int:
    """Score bits of the documented hard-attention realisation of one head (docs/encoder.md §4).

    Each ``==`` atom scores ``-(k-q)^2`` (twice the operands' bits), each order atom a step of
    ``k-q`` (operand bits + 1); atoms add up (+ bits for the count of atoms). The mode's
    tie-break adds the bits of the position (leftmost/rightmost: ``pos/S`` below a unit gap) or
    of the value (max/min), plus 2 guard bits; the selection margin must survive the softmax.
    """
    sel = node.selector
    atom_bits = []
    for k, q, p in zip(sel.keys, sel.queries, sel.predicates, strict=True):
        if p == "true":
            continue
        width = max(ranges[k.uid].bits, ranges[q.uid].bits) + 1
        atom_bits.append(2 * width if p in ("==", "!=") else width)
    score = max(atom_bits, default=1) + max(0, len(atom_bits) - 1).bit_length()
    if node.mode in ("leftmost", "rightmost"):
        score += max(1, int(max_length).bit_length()) + 2
    elif node.mode in ("max", "min"):
        score += ranges[node.values.uid].bits + 2
    return score


def assign_sublayers(nodes: list[Seq]) -> dict[int, int]:
    """Sublayer index of every node (0 = embedding, odd = attention, even >= 2 = MLP)."""
    slot: dict[int, int] = {}
    for node in nodes:
        deps = [slot[c.uid] for c in node.children()]
        top = max(deps, default=0)
        if isinstance(node, Aggregate):
            slot[node.uid] = top + 1 if top % 2 == 0 else top + 2
        elif isinstance(node, Elementwise):
            slot[node.uid] = max(top, 2) if top % 2 == 0 else top + 1
        else:
            slot[node.uid] = 0
    return slot


def compute_cost(nodes: list[Seq], outputs: list[Seq], ranges: dict[int, Interval],
                 max_length: int = 1) -> Cost:
    """The :class:`Cost` of a validated program."""
    slot = assign_sublayers(nodes)
    # (attention, mlp) sublayers on the longest path ending at each node; an elementwise input in
    # the same MLP sublayer is fused (no extra MLP).
    path: dict[int, tuple[int, int]] = {}
    for node in nodes:
        best = (0, 0)
        for c in node.children():
            a, m = path[c.uid]
            if isinstance(node, Elementwise) and not (
                    isinstance(c, Elementwise) and slot[c.uid] == slot[node.uid]):
                m += 1
            if a + m > sum(best):
                best = (a, m)
        if isinstance(node, Aggregate):
            best = (best[0] + 1, best[1])
        elif isinstance(node, Elementwise) and not node.children():  # pragma: no cover
            best = (best[0], best[1] + 1)
        path[node.uid] = best
    attention_layers, mlp_layers = max((path[o.uid] for o in outputs), key=sum, default=(0, 0))
    top = max((slot[o.uid] for o in outputs), default=0)
    per_attn: dict[int, int] = {}
    mlp_width: dict[int, int] = {}
    chain: dict[int, int] = {}
    precision = max((r.bits for r in ranges.values()), default=1)
    for node in nodes:
        s = slot[node.uid]
        if isinstance(node, Aggregate):
            per_attn[s] = per_attn.get(s, 0) + 1
        elif isinstance(node, Elementwise):
            real = realisation(node, ranges)
            inner = [chain[a.uid] for a in node.args if slot[a.uid] == s and a.uid in chain]
            chain[node.uid] = max(inner, default=0) + real.hidden_layers
            mlp_width[s] = mlp_width.get(s, 0) + real.hidden_width
            precision = max(precision, real.precision_bits)
    return Cost(
        depth=attention_layers + mlp_layers,
        attention_layers=attention_layers,
        mlp_layers=mlp_layers,
        heads=max(per_attn.values(), default=0),
        width_bits=sum(ranges[n.uid].bits for n in nodes
                       if not (isinstance(n, Source) and n.kind == "const")),
        total_heads=sum(per_attn.values()),
        mlp_depth=max(chain.values(), default=0),
        mlp_hidden_width=max(mlp_width.values(), default=0),
        precision_bits=precision,
        attention_precision_bits=max(
            (head_precision_bits(n, ranges, max_length) for n in nodes
             if isinstance(n, Aggregate)),
            default=0),
        sequences=len(nodes),
        blocks=(top + 1) // 2,
    )


def serial_cost(nodes: list[Seq], ranges: dict[int, Interval], length: int) -> int:
    """Scalar operations of one *dense* evaluation on a canvas of ``length`` (Theorem 2).

    Per attention head ``L^2 * (atoms + 1)`` (score every pair, then reduce); per elementwise op
    ``L * (hidden width + 1)``; per source ``L``.
    """
    n = int(length)
    total = 0
    for node in nodes:
        if isinstance(node, Aggregate):
            total += n * n * (len(node.selector.predicates) + 1)
        elif isinstance(node, Elementwise):
            total += n * (realisation(node, ranges).hidden_width + 1)
        else:
            total += n
    return total
