"""An instruction whose lanes overflow in two ways at once -- some leave int64, others only the
narrow word -- is one overflow fault naming *every* overflowing processor, as the reference and
both constructions say (found by a random faulting program: the machine named only the lanes
that left int64)."""

from __future__ import annotations

import pytest

from constructions.pram_apmdm import run as apmdm_run
from constructions.pram_mdm import simulate as mdm_simulate
from simulators.errors import RuntimeFault
from simulators.pram import compile_source, run, run_reference

TEMPLATE = """program mixed
model CRCW-arbitrary
word 8
input A[n]
output B[n]
processors n
time 14
begin
  for i in 0 .. n - 1 pardo
    B[i] := {expr}
  end
end
"""

# n = 6: (-122)^(6..9) fits int64 but not 8 bits, (-122)^(10, 11) leaves int64. (A product
# cannot do both in one step: its operands already fit the narrow word.)
# (i - 3)^40: lane 0 leaves int64, lanes 1 and 5 only the word, lanes 2..4 fit.
CASES = {"pow": ("((-128) + n) ^ (n + i)", (0, 1, 2, 3, 4, 5)),
         "pow-mixed-signs": ("(i - 3) ^ 40", (0, 1, 5))}


def _record(fn):  # noqa: ANN001, ANN202
    with pytest.raises(RuntimeFault) as info:
        fn()
    rec = info.value.record
    assert rec is not None
    return rec.kind, rec.step, rec.processors, rec.address


@pytest.mark.parametrize("fn", sorted(CASES))
def test_every_overflowing_lane_is_named(fn: str) -> None:
    expr, overflowing = CASES[fn]
    prog = compile_source(TEMPLATE.format(expr=expr))
    inputs = {"A": [1, 2, 3, 4, 5, 6]}
    want = _record(lambda: run_reference(prog, inputs))
    assert want[2] == overflowing
    assert _record(lambda: run(prog, inputs)) == want
    assert _record(lambda: run(prog, inputs, trace=True)) == want
    for construction in (mdm_simulate, apmdm_run):
        assert _record(lambda c=construction: c(prog, inputs))[:3] == want[:3]
