"""Lesson 3, exercise count-left: at every position, how many 1-tokens lie strictly to its left.

One attention head: each query selects the keys at smaller positions and sums the indicator
``token == 1`` there (an MLP computes the indicator before the head).
"""

from simulators.encoder import Program
from simulators.encoder.sequences import aggregate, ew, indices, select, tokens


def build(max_length: int) -> Program:
    tok = tokens(0, 2)
    idx = indices(max_length)
    is_one = ew("eq", tok, 1)
    count = aggregate(select(idx, idx, "<"), is_one, "sum", default=0)
    return Program({"count": count}, max_length, name="count_left")
