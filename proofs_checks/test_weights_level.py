"""The theorems at weight level: the constructions' step networks compiled to torch weights
(simulators.weights) run in lock-step with the PRAM machine / reach the same outputs, for small
n (docs/compiler.md). The report lists each network's sizes."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from constructions.dyck_apmdm.construction import Theorem5  # noqa: E402
from constructions.dyck_apmdm.process import DyckAPMDM  # noqa: E402
from constructions.parity_apmdm.construction import Parity  # noqa: E402
from constructions.pram_apmdm.construction import Theorem4  # noqa: E402
from constructions.pram_mdm.construction import Theorem1  # noqa: E402
from constructions.value_width import weights_value_bits  # noqa: E402
from proofs_checks.report import record  # noqa: E402
from simulators.pram import load_program  # noqa: E402
from simulators.pram import run as pram_run  # noqa: E402

#: The network sizes the report lists per n (the run's ``network`` block: the compiled
#: network's own counts, simulators/weights/sizes.py), and the precision the run needs.
SIZE_KEYS = ("attention_layers", "mlp_layers", "relu_depth", "heads", "d_model",
             "max_hidden_width", "parameters", "magnitude_bits")


def _sizes(theorem: str, net: dict, n: int) -> None:
    record(theorem, claim="weight level (compiled torch network) = interpreter, step for step",
           set_weights_dtype=net["dtype"],
           **{f"weights_{k}_by_n": {n: net[k]} for k in SIZE_KEYS})


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _lockstep(con, theorem: str, n: int, seed: int = 0):  # noqa: ANN001, ANN202
    a = con.run(record_canvases=True, rng=np.random.default_rng(seed))
    b = con.run(record_canvases=True, rng=np.random.default_rng(seed), backend="weights")
    assert a.decoding_steps == b.decoding_steps and a.output == b.output
    assert all(np.array_equal(x, y) for x, y in zip(a.trace.canvases, b.trace.canvases,
                                                   strict=True))
    _sizes(theorem, b.network, n)
    return b


@pytest.mark.parametrize("n", [2])
def test_theorem4_weights_match_pram(n):
    prog = load_program("examples/pram/prefix_sum.pram")
    inputs = {"A": list(range(3, 3 + n))}
    rep = _lockstep(Theorem4.build(prog, inputs), "Theorem 4", n)
    assert rep.output == {k: list(v) for k, v in pram_run(prog, inputs).output.items()}


def test_theorem1_weights_match_pram():
    prog = load_program("examples/pram/sum.pram")
    inputs = {"A": [3, 4]}
    rep = _lockstep(Theorem1.build(prog, inputs, value_bits=weights_value_bits(prog, inputs)),
                    "Theorem 1", 2)
    assert rep.output == {k: list(v) for k, v in pram_run(prog, inputs).output.items()}


@pytest.mark.parametrize("seed", range(3))
def test_theorem5_weights_generate_dyck(seed):
    con = Theorem5(DyckAPMDM(2, target_length=8))
    rep = _lockstep(con, "Theorem 5", 8, seed)
    assert con.decode_state(rep.trace.final)["member"]


def test_parity_weights():
    bits = [1, 0, 1, 1, 0, 1]
    rep = _lockstep(Parity.from_bits(bits), "Parity", len(bits))
    assert rep.output == sum(bits) % 2
