"""The encoder-program language: what one pass of an encoder transformer computes.

The paper proves Theorem 1 by writing PRAM steps in a language of encoder operations (E-FASP);
this package is our executable version of that level. See ``docs/encoder.md``.

>>> from simulators.encoder import tokens, indices, const, ew, select, aggregate, Program
>>> tok, idx = tokens(0, 9), indices()
>>> prev = aggregate(select(idx, ew("sub", idx, 1), "=="), tok, "leftmost", default=0)
>>> Program({"prev": prev}, max_length=8).evaluate([3, 1, 4, 1, 5])["prev"].tolist()
[0, 3, 1, 4, 1]
"""

from simulators.encoder.adapters import (
    APMDMProgramPolicy,
    MDMProgramPolicy,
    apmdm_policy,
    mdm_policy,
)
from simulators.encoder.intervals import Interval
from simulators.encoder.layers import Cost
from simulators.encoder.primitives import PRIMITIVES
from simulators.encoder.program import Program
from simulators.encoder.sequences import (
    MODES,
    PREDICATES,
    Aggregate,
    Elementwise,
    Selector,
    Seq,
    Source,
    aggregate,
    const,
    ew,
    indices,
    length,
    noise,
    random_uniform,
    select,
    tokens,
)

__all__ = [
    "APMDMProgramPolicy", "Aggregate", "Cost", "Elementwise", "Interval", "MDMProgramPolicy",
    "MODES", "PREDICATES", "PRIMITIVES", "Program", "Selector", "Seq", "Source", "aggregate",
    "apmdm_policy", "const", "ew", "indices", "length", "mdm_policy", "noise", "random_uniform",
    "select", "tokens",
]
