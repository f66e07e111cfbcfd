"""The weights backend refuses a network whose integers its float format cannot hold
(simulators/weights/precision.py; docs/compiler.md, "Precision"): Theorem 1 at 26-bit token
values declares 56-bit residual ranges (its big-M gates bound products of two 26-bit values), and
such a float64 run was measured to emit wrong output tokens on its last step -- a silent wrong
answer, so the backend stops it with a usage error naming the bits; at the width the backend
derives from the run (constructions/value_width.py) it compiles and runs."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from constructions.backends import compile_weights  # noqa: E402
from constructions.pram_mdm.construction import Theorem1  # noqa: E402
from constructions.value_width import weights_value_bits  # noqa: E402
from simulators.errors import UsageError  # noqa: E402
from simulators.pram import load_program  # noqa: E402
from simulators.weights.precision import require_exact_integers, significand_bits  # noqa: E402


def test_significand_bits() -> None:
    assert [significand_bits(d) for d in (torch.float64, torch.float32, torch.bfloat16)] == [
        53, 24, 8]


@pytest.mark.parametrize("top,ok", [(2**53 - 1, True), (2**53, False), (-(2**53) + 1, True),
                                    (-(2**53), False)])
def test_threshold_is_the_significand(top, ok) -> None:  # noqa: ANN001
    class Net:
        dtype = torch.float64
        residual_lo = [0.0, float(min(top, 0))]
        residual_hi = [1.0, float(max(top, 0))]

    if ok:
        require_exact_integers(Net())
    else:
        with pytest.raises(UsageError, match="needs 54-bit integers .* float64 holds only 53"):
            require_exact_integers(Net())


def test_theorem1_at_26_bits_is_refused_at_the_derived_width_accepted() -> None:
    prog, inputs = load_program("examples/pram/prefix_sum.pram"), {"A": [3, 1]}
    with pytest.raises(UsageError, match=r"needs 5[4-9]-bit integers .* --value-bits"):
        compile_weights(Theorem1.build(prog, inputs, value_bits=26).program)
    compile_weights(Theorem1.build(prog, inputs,
                                   value_bits=weights_value_bits(prog, inputs)).program)
