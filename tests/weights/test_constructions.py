"""Whole runs at weight level: the compiled network decodes exactly like the interpreter, step
for step (every canvas, the halting reason, the output) -- Theorems 3, 4, 5 and parity in the
default profile, Theorem 1 (slower: its canvas has ~10^3 positions) at the smallest sizes, the
rest marked slow."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from constructions.dyck_apmdm.construction import Theorem5  # noqa: E402
from constructions.dyck_apmdm.process import DyckAPMDM  # noqa: E402
from constructions.parity_apmdm.construction import Parity  # noqa: E402
from constructions.pram_apmdm.construction import Theorem4  # noqa: E402
from constructions.pram_mdm.construction import Theorem1  # noqa: E402
from constructions.value_width import weights_value_bits  # noqa: E402
from simulators.pram import compile_source, load_program  # noqa: E402

MODELS = ("EREW", "CREW", "CRCW-common", "CRCW-arbitrary", "CRCW-priority", "CRCW-sum",
          "CRCW-min", "CRCW-max")

# Concurrent writes of distinct values to one cell: each memory model resolves them its own way
# (EREW/CREW fault at the first step -- the run must stop identically on both backends).
WRITE_ONE = """
program write_one
model {model}
input A[n]
output W[2]
processors n
time 12
begin
  for i in 0 .. n-1 pardo
    W[1] := A[i] + 1
  end
end
"""


def same_run(con, seed: int = 0, **kw) -> None:  # noqa: ANN001
    """Both backends from the same rng seed: identical canvases at every step."""
    a = con.run(record_canvases=True, rng=np.random.default_rng(seed), **kw)
    b = con.run(record_canvases=True, rng=np.random.default_rng(seed), backend="weights", **kw)
    assert a.decoding_steps == b.decoding_steps and a.halt == b.halt
    assert a.output == b.output
    for x, y in zip(a.trace.canvases, b.trace.canvases, strict=True):
        assert np.array_equal(x, y)
    for key in ("relu_depth", "d_model", "max_hidden_width", "parameters"):
        assert b.network[key] > 0
    assert b.backend == "weights" and b.network["dtype"] == "float64"


@pytest.mark.parametrize("bits", [[1, 0, 1, 1, 0, 0, 1], [0, 0, 0], [1], [1, 1, 0, 1, 0, 1, 1, 1]])
def test_parity(bits):
    same_run(Parity.from_bits(bits))


@pytest.mark.parametrize("seed", range(4))
def test_theorem5_same_random_draws(seed):
    same_run(Theorem5(DyckAPMDM(2, target_length=10)), seed=seed)


def test_theorem4_prefix_sum():
    same_run(Theorem4.build(load_program("examples/pram/prefix_sum.pram"), {"A": [3, 1, 4, 1]}))


@pytest.mark.parametrize("model", MODELS)
def test_theorem4_memory_models(model):
    prog = compile_source(WRITE_ONE.format(model=model))
    try:
        same_run(Theorem4.build(prog, {"A": [5, 9, 2]}))
    except Exception as exc:  # a faulting model: both backends must fault the same way
        with pytest.raises(type(exc)) as info:
            Theorem4.build(prog, {"A": [5, 9, 2]}).run(backend="weights")
        assert str(info.value) == str(exc)


def theorem1(prog, inputs):  # noqa: ANN001, ANN201
    """Theorem 1 at the value width the weights backend uses (its CLI's choice)."""
    return Theorem1.build(prog, inputs, value_bits=weights_value_bits(prog, inputs))


def test_theorem1_smallest():
    same_run(theorem1(load_program("examples/pram/sum.pram"), {"A": [3, 4]}))


@pytest.mark.slow
@pytest.mark.parametrize("name,inputs", [
    ("prefix_sum", {"A": [3, 1, 4, 1]}), ("sum", {"A": [3, 1, 4, 1, 5, 9, 2, 6]}),
    ("list_ranking", {"next": [1, 2, 3, 3]}), ("max_crcw", {"A": [3, 9, 4, 1]}),
    ("sort", {"A": [3, 1, 2, 0]}),
])
def test_theorem1_examples(name, inputs):
    same_run(theorem1(load_program(f"examples/pram/{name}.pram"), inputs))


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS)
def test_theorem1_memory_models(model):
    prog = compile_source(WRITE_ONE.format(model=model))
    try:
        same_run(theorem1(prog, {"A": [5, 9]}))
    except Exception as exc:
        with pytest.raises(type(exc)) as info:
            theorem1(prog, {"A": [5, 9]}).run(backend="weights")
        assert str(info.value) == str(exc)


@pytest.mark.slow
def test_theorem3_masked_arm():
    """The Masked-ARM of the Theorem 1 MDM of sum at n = 1 (canvas 441, 292 steps)."""
    from constructions.masked_arm.construction import Theorem3

    prog = load_program("examples/pram/sum.pram")
    same_run(Theorem3.of(Theorem1.build(prog, {"A": [2]}, one_token_per_step=True,
                                        value_bits=9)))
