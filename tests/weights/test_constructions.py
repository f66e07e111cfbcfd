"""Whole runs at weight level: the compiled network decodes exactly like the interpreter, step
for step (every canvas, the halting reason, the output) -- Theorems 4, 5 and parity in the
default profile, Theorem 1 (slower: its canvas has ~10^3 positions) at the smallest size, the
rest (Theorem 1 up to n = 8, its memory models, Theorem 3) marked slow.

The slow cases carry their own ``timeout`` (SLOW_TIMEOUT_S): under the project's 600 s per-test
default a loaded 2-core machine stops a long weight-level run, and pytest-timeout reports that as
"Failed" -- which is how a Theorem 1 sum n = 8 run was once recorded as a weight-vs-interpreter
mismatch (docs/compiler.md, "Exactness, shown"). A real mismatch is reported by ``same_run`` with
the first differing step and positions, so the two cannot be confused again.
"""

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


#: Per-test limit of the slow weight-level runs (seconds; the project default is 600). Measured on
#: a 2-core machine at load ~10: Theorem 1 sum n = 8 150 s, list_ranking n = 4 120 s, while
#: sort n = 4 and Theorem 3's Masked-ARM passed 600 s (docs/compiler.md, "Exactness, shown").
SLOW_TIMEOUT_S = 3600


def first_difference(ref: list[np.ndarray], got: list[np.ndarray]) -> str | None:
    """Where two recorded runs first differ: ``"step t: positions [...]: ... vs ..."`` (or the
    step count), None when every canvas is identical."""
    for t, (x, y) in enumerate(zip(ref, got, strict=False)):  # lengths compared below
        if x.shape != y.shape:
            return f"step {t}: canvas lengths {x.shape[0]} vs {y.shape[0]}"
        pos = np.flatnonzero(x != y)
        if pos.size:
            return (f"step {t}: positions {pos[:8].tolist()}: interpreter {x[pos[:8]].tolist()} "
                    f"vs weights {y[pos[:8]].tolist()}")
    if len(ref) != len(got):
        return f"{len(ref)} canvases vs {len(got)}"
    return None


def same_run(con, seed: int = 0, **kw) -> None:  # noqa: ANN001
    """Both backends from the same rng seed: identical canvases at every step."""
    a = con.run(record_canvases=True, rng=np.random.default_rng(seed), **kw)
    b = con.run(record_canvases=True, rng=np.random.default_rng(seed), backend="weights", **kw)
    diff = first_difference(list(a.trace.canvases), list(b.trace.canvases))
    assert diff is None, f"weight level differs from the interpreter at {diff}"
    assert a.decoding_steps == b.decoding_steps and a.halt == b.halt
    assert a.output == b.output
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


def test_first_difference_names_the_step():
    """A real mismatch is reported with its step and positions (not as a bare failure)."""
    ref = [np.array([1, 0, 0]), np.array([1, 2, 0]), np.array([1, 2, 3])]
    assert first_difference(ref, [c.copy() for c in ref]) is None
    got = [c.copy() for c in ref]
    got[2][2] = 4
    assert first_difference(ref, got) == "step 2: positions [2]: interpreter [3] vs weights [4]"
    assert first_difference(ref, ref[:2]) == "3 canvases vs 2"


def test_slow_runs_carry_their_own_timeout():
    """Every slow whole run here outlives the project's 600 s default (whose expiry pytest-timeout
    reports as a failure: the origin of the Theorem 1 sum n = 8 "mismatch")."""
    slow = [f for name, f in globals().items() if name.startswith("test_")
            and any(m.name == "slow" for m in getattr(f, "pytestmark", []))]
    assert len(slow) >= 3
    for f in slow:
        limits = [m.args[0] for m in f.pytestmark if m.name == "timeout"]
        assert limits == [SLOW_TIMEOUT_S], f.__name__


# Up to n = 8 for every example, sort included (n^2 = 64 processors, a canvas of 36,881 positions:
# it fits since a sum's (c+1) m is gated per binary digit of c rather than per count value,
# docs/compiler.md "Exactness, shown").
@pytest.mark.slow
@pytest.mark.timeout(SLOW_TIMEOUT_S)
@pytest.mark.parametrize("name,inputs", [
    ("prefix_sum", {"A": [3, 1, 4, 1]}), ("prefix_sum", {"A": [3, 1, 4, 1, 5, 9, 2, 6]}),
    ("sum", {"A": [3, 1, 4, 1, 5, 9, 2, 6]}), ("list_ranking", {"next": [1, 2, 3, 3]}),
    ("list_ranking", {"next": [1, 2, 3, 4, 5, 6, 7, 7]}), ("max_crcw", {"A": [3, 9, 4, 1]}),
    ("max_crcw", {"A": [3, 9, 4, 1, 5, 9, 2, 6]}), ("sort", {"A": [3, 1, 2, 0]}),
    ("sort", {"A": [3, 1, 2, 0, 7, 5, 6, 4]}),
])
def test_theorem1_examples(name, inputs):
    same_run(theorem1(load_program(f"examples/pram/{name}.pram"), inputs))


@pytest.mark.slow
@pytest.mark.timeout(SLOW_TIMEOUT_S)
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
@pytest.mark.timeout(SLOW_TIMEOUT_S)
def test_theorem3_masked_arm():
    """The Masked-ARM of the Theorem 1 MDM of sum at n = 1 (canvas 441, 292 steps)."""
    from constructions.masked_arm.construction import Theorem3

    prog = load_program("examples/pram/sum.pram")
    same_run(Theorem3.of(Theorem1.build(prog, {"A": [2]}, one_token_per_step=True,
                                        value_bits=9)))
