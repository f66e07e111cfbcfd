"""The constructions whose compiled-network sizes are tabulated (docs/results/weights_sizes.*),
each as ``n -> encoder program``: the step program a run at size n evaluates.

``n`` is the construction's size parameter: parity's number of bits, Theorem 5's target length,
the PRAM input length for Theorems 1 and 4 (prefix_sum on all-ones inputs). Theorem 1 appears
twice: at the default 26-bit token values the interpreter backend builds, and at the value width
``--backend weights`` derives from the run's own range (:func:`weights_value_bits`); Theorem 3
as the Masked-ARM that simulates Theorem 1's MDM filled one token per step. One
definition, shared by ``benchmarks/weights_sizes.py`` and the tests that re-check its formulas.
"""

from __future__ import annotations

from pathlib import Path

from constructions.dyck_apmdm.process import DyckAPMDM
from constructions.parity_apmdm.process import parity_program
from constructions.pram_apmdm.simulate import build as build_thm4
from constructions.pram_mdm.build import build_pram_mdm
from constructions.value_width import weights_value_bits
from simulators.encoder import Program
from simulators.errors import UsageError
from simulators.pram import load_program

PREFIX_SUM = Path(__file__).resolve().parent.parent / "examples" / "pram" / "prefix_sum.pram"

THEOREM3 = "theorem3 masked-arm (theorem1 prefix_sum, one token per step)"
CONSTRUCTIONS = ("parity", "theorem5 dyck-2 (target n)", "theorem4 prefix_sum",
                 "theorem1 prefix_sum", "theorem1 prefix_sum (weights value bits)", THEOREM3)
#: Largest n compiled per construction where compiling grows out of reach fast: Theorem 3's
#: network at n = 8 took 85 s and holds ~4.4e9 stored weights (n = 4: 35 s, ~5.5e8).
MAX_N = {THEOREM3: 4}


def program(name: str, n: int) -> Program:
    """The step program of construction ``name`` at size ``n``."""
    if name == "parity":
        return parity_program(max_length=n + 1)
    if name == "theorem5 dyck-2 (target n)":
        return DyckAPMDM(2, target_length=n).program
    prefix = load_program(str(PREFIX_SUM))
    inputs = {"A": [1] * n}
    if name == "theorem4 prefix_sum":
        return build_thm4(prefix, inputs).step.program
    if name == "theorem1 prefix_sum":
        return build_pram_mdm(prefix, inputs).program
    if name == "theorem1 prefix_sum (weights value bits)":
        return build_pram_mdm(prefix, inputs,
                              value_bits=weights_value_bits(prefix, inputs)).program
    if name == THEOREM3:  # the Masked-ARM of the one-token-per-step Theorem 1 MDM
        from constructions.masked_arm.construction import Theorem3
        from constructions.pram_mdm.construction import Theorem1

        return Theorem3.of(Theorem1.build(prefix, inputs, one_token_per_step=True)).program
    raise UsageError(f"unknown construction {name!r}; one of {', '.join(CONSTRUCTIONS)}")
