"""Theorem 1 at weight level, in lock-step with the PRAM machine (default profile, smallest
sizes): the step program compiled to torch weights (simulators.weights) decides every decoding
step, and after MDM step t block t decodes to the machine's state after t PRAM steps (modes, pcs,
registers, the memory rebuilt from the recorded writes) -- the same check as
proofs_checks/test_thm1_lockstep.py, with the network instead of the interpreter.
The larger weight-level runs are in tests/weights/test_constructions.py (slow)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from constructions.backends import compile_weights  # noqa: E402
from constructions.pram_mdm.construction import Theorem1  # noqa: E402
from constructions.value_width import weights_value_bits  # noqa: E402
from proofs_checks.report import record  # noqa: E402
from proofs_checks.test_thm1_lockstep import assert_lockstep  # noqa: E402
from simulators.pram import load_program  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


# One case keeps the default profile fast (~7 s CPU): max_crcw at n = 2 -- 4 processors, CRCW-common
# concurrent writes of equal values, 30 PRAM steps. proofs_checks/test_weights_level.py compares
# the weight-level canvases of sum (EREW) at n = 2 with the interpreter's.
@pytest.mark.parametrize("source,inputs", [("examples/pram/max_crcw.pram", {"A": [3, 9]})])
def test_thm1_weights_lockstep(source, inputs):
    prog = load_program(source)
    con = Theorem1.build(prog, inputs, value_bits=weights_value_bits(prog, inputs))
    net = compile_weights(con.program)
    steps = assert_lockstep(con.mdm, inputs, policy=con._weights_policy(net))
    assert steps > 0
    record("Theorem 1", claim="lock-step at weight level: block t = PRAM state after t steps",
           num_weights_lockstep_steps=steps, set_weights_lockstep_models=prog.model)
