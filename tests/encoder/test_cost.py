"""Cost accounting: layer assignment, fusion of elementwise chains, heads, width, serial cost."""

from __future__ import annotations

import pytest

from simulators.encoder import Program, aggregate, const, ew, indices, select, tokens
from simulators.encoder.library import LIBRARY


def test_elementwise_chain_is_one_mlp() -> None:
    tok = tokens(0, 9)
    chain = ew("lt", ew("mul", ew("add", tok, 1), 2), 7)   # affine, affine, 1-layer compare
    cost = Program({"o": chain}, 8).cost()
    assert (cost.depth, cost.attention_layers, cost.mlp_layers) == (1, 0, 1)
    assert cost.mlp_depth == 1   # add and mul-by-constant are affine, lt has one ReLU layer
    assert cost.heads == 0


def test_alternating_attention_and_mlp_counts_each_sublayer() -> None:
    tok, idx = tokens(0, 9), indices()
    prev = aggregate(select(idx, ew("sub", idx, 1), "=="), tok, "leftmost", default=0)
    bumped = ew("add", prev, 1)                                   # MLP after the head
    again = aggregate(select(idx, bumped, "=="), tok, "max", default=0)
    prog = Program({"o": again}, 16)
    cost = prog.cost()
    # path: sub (mlp) -> prev (attn) -> add (mlp) -> again (attn)
    assert (cost.attention_layers, cost.mlp_layers, cost.depth) == (2, 2, 4)
    # A block is attention then MLP; sub needs the MLP of block 1 (its attention is empty),
    # prev the attention of block 2, add its MLP, again the attention of block 3.
    assert cost.blocks == 3
    assert [prog.sublayers[s.uid] for s in (prev, bumped, again)] == [3, 4, 5]


def test_heads_in_one_layer_are_counted() -> None:
    tok, idx = tokens(0, 9), indices()
    a = aggregate(select(tok, tok, "=="), 1, "count", default=0)
    b = aggregate(select(idx, idx, "<="), tok, "sum", default=0)
    c = aggregate(select(tok, tok, "<"), 1, "count", default=0)
    cost = Program({"a": a, "b": b, "c": ew("add", c, 0)}, 8).cost()
    assert cost.heads == 3 and cost.total_heads == 3
    assert cost.attention_layers == 1


def test_width_is_the_sum_of_binary_widths_without_constants() -> None:
    tok, idx = tokens(0, 9), indices()                  # 4 bits, 0..7 -> 3 bits
    src = ew("sub", idx, const(1))                      # -1..6 -> 4 bits two's complement
    prev = aggregate(select(idx, src, "=="), tok, "leftmost", default=0)    # 0..9 -> 4 bits
    assert Program({"prev": prev}, 8).cost().width_bits == 4 + 3 + 4 + 4


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_library_depth_constant_and_width_logarithmic_in_length(name) -> None:
    def build(n: int) -> Program:
        factory = LIBRARY[name]
        if name in ("histogram", "sort_distinct", "reverse"):
            return factory(16, n)
        if name == "dyck1":
            return factory(n)
        if name == "prefix_sum":
            return factory(-3, 3, n)
        if name == "most_recent_write":
            return factory(8, 8, n)
        return factory(16, 4, n)

    costs = [build(n).cost() for n in (2**6, 2**12, 2**20)]
    assert len({(c.depth, c.heads, c.total_heads) for c in costs}) == 1
    # Width grows with log n: at most (number of sequences) extra bits per doubling of n.
    for small, big, doublings in ((costs[0], costs[1], 6), (costs[1], costs[2], 8)):
        assert big.width_bits - small.width_bits <= big.sequences * doublings
        # score precision of the heads: a constant number of bits per doubling as well
        assert big.attention_precision_bits - small.attention_precision_bits <= 4 * doublings


def test_serial_cost_is_quadratic_in_length_for_attention() -> None:
    tok = tokens(0, 9)
    prog = Program({"c": aggregate(select(tok, tok, "=="), 1, "count", default=0)}, 4096)
    small, big = prog.serial_cost(1000), prog.serial_cost(2000)
    assert 3.9 < big / small <= 4.0


def test_attention_precision_counts_atoms_and_tie_break() -> None:
    tok, idx = tokens(0, 15), indices()            # 4 bits each at max_length 16
    eq = aggregate(select(tok, tok, "=="), 1, "count", default=0)
    left = aggregate(select(tok, tok, "=="), tok, "leftmost", default=0)
    prog_eq, prog_left = Program({"o": eq}, 16), Program({"o": left}, 16)
    # == atom: 2 * (4 + 1) bits; leftmost adds bit_length(16) + 2 = 7
    assert prog_eq.cost().attention_precision_bits == 10
    assert prog_left.cost().attention_precision_bits == 17
    order = aggregate(select(idx, idx, "<"), tok, "max", default=0)
    assert Program({"o": order}, 16).cost().attention_precision_bits == (4 + 1) + (4 + 2)
