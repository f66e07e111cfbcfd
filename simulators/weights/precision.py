"""Refuse, before a run, a compiled network whose integers its float format cannot hold.

Why: every realisation in the network is exact on integers (docs/compiler.md, "How each encoder
primitive becomes layers"), but only while each residual dimension's integers are representable:
a float with a ``p``-bit significand holds every integer up to ``2^p`` (float64: 53). Past that a
run does not fail -- it decodes wrong. Measured: Theorem 1 prefix_sum n = 4 at 26-bit token
values declares 56-bit residual ranges, and its float64 run emitted the output tokens 0, 6.5, 7
where the interpreter emits 3, 8, 9 (its last decoding step; docs/compiler.md, "Precision").
So the weights backend checks the declared ranges (:func:`simulators.weights.sizes.
magnitude_bits`, a sound bound from the program's intervals) and stops with a usage error naming
the bits needed. The check is necessary, not sufficient: within 53 bits exactness is what the
tests show (docs/compiler.md, "Exactness, shown"), not a theorem.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from simulators.errors import UsageError
from simulators.weights.sizes import magnitude_bits


def significand_bits(dtype: torch.dtype) -> int:
    """Bits of a float format's significand, the hidden bit included (float64: 53,
    float32: 24, bfloat16: 8): every integer of magnitude up to ``2^p`` is representable."""
    return 1 - round(math.log2(torch.finfo(dtype).eps))  # eps = 2^(1-p)


def require_exact_integers(net: Any, hint: str = "") -> None:
    """Raise :class:`UsageError` when ``net``'s declared residual ranges need more integer bits
    than its dtype's significand holds (the run could differ from the interpreter)."""
    need, have = magnitude_bits(net), significand_bits(net.dtype)
    if need > have:
        dtype = str(net.dtype).replace("torch.", "")
        raise UsageError(f"the compiled network needs {need}-bit integers (its residual ranges) "
                         f"but {dtype} holds only {have}: a run at weight level could differ "
                         f"from the interpreter" + (f"; {hint}" if hint else ""))
