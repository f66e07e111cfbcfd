"""The token value width a PRAM construction needs for *this* run, for the weights backend.

Why: the constructions default to 26-bit token values whatever the input, so their step programs
bound products of two values by 2^53 and more; a compiled network's big-M gates then need 55
bits, beyond float64 (docs/compiler.md, "Precision"), and Theorem 1 at 26 bits was measured to
diverge on its last step. The width a run needs is set by the positions and addresses the
network must name (the canvas, the memory, the program counter) and by the input values; those
are known before the run (binding only: nothing is executed). A run whose values later outgrow
it stops with the construction's overflow fault (exit 3), never with a wrong answer; pass
``--value-bits`` to choose a width yourself (one whose network needs more than float64's 53 bits
is refused before the run: simulators/weights/precision.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from constructions.pram_mdm.layout import DEFAULT_VALUE_BITS, make_layout
from simulators.pram import bind
from simulators.pram.isa import CompiledProgram

#: Headroom over the inputs: values up to (largest |input|) * (number of input values) fit,
#: so sums of the inputs (prefix sums, reductions) never overflow.
MIN_VALUE_BITS = 4


def weights_value_bits(prog: CompiledProgram, inputs: Mapping[str, Sequence[int] | np.ndarray],
                       params: Mapping[str, int] | None = None) -> int:
    """Bits of token values for the weights backend: enough for every position, address and
    program counter of the Theorem-1 canvas and for sums of all input values, at most 26."""
    b = bind(prog, inputs, params)
    lay = make_layout(prog, b.base, b.size, b.memory_size, b.processors_bound, b.time_bound,
                      value_bits=DEFAULT_VALUE_BITS)
    values = np.asarray(b.initial_memory, dtype=np.int64)
    total = int(np.abs(values).max(initial=0)) * max(1, int(values.size))
    biggest = max(lay.S, b.memory_size, 4 * len(prog.instructions) + 3, total)
    return int(min(DEFAULT_VALUE_BITS, max(MIN_VALUE_BITS, biggest.bit_length() + 1)))
