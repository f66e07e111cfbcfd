"""Theorem 1, step by step: after MDM decoding step t the newly filled cells are exactly block t,
and block t decodes to the PRAM machine's state after t steps -- every processor's mode, pc and
registers -- while the writes recorded in blocks 1..t rebuild the machine's shared memory after
step t. The last decoding step fills everything left (remaining blocks and the output cells).
The hypothesis state machine driving Theorems 1, 3 and 4 one step at a time is the generic one
in proofs_checks/lockstep.py (proofs_checks/test_lockstep.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings

from constructions.pram_mdm import PramMDM, build_pram_mdm, decode_block, run_built
from constructions.pram_mdm.layout import MODE_HALTED, MODE_RUN, NO_WRITE
from proofs_checks.report import record
from simulators.pram import compile_source, load_program, run
from simulators.testing.pram_programs import PramCase, pram_cases


def _examples(default: int) -> int:
    """``default`` under the fast profile; proportionally more under ``thorough``."""
    return max(default, settings().max_examples * default // 25)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "pram"
# Small enough that filling one token per step (S - n_in steps) stays quick; T(n) is tight.
TINY = """program tiny
model CREW
input A[n]
output A
processors n
time 14
begin
  for i in 0 .. n - 1 pardo
    A[i] := A[i] + A[(i + 1) % n]
  end
end
"""


def assert_lockstep(mdm: PramMDM, inputs: dict, params: dict | None = None,
                    policy: Any = None) -> int:
    """Run both machines and compare after every step; returns the number of steps compared.
    ``policy``: the MDM's decisions from elsewhere (e.g. the compiled weights); default its own."""
    ref = run(mdm.prog, inputs, params, trace=True)
    res = run_built(mdm, record_canvases=True, policy=policy)
    lay = mdm.layout
    canvases = res.trace.canvases
    memory = mdm.binding.initial_memory.copy()
    for t in range(1, ref.steps + 1):
        filled = np.flatnonzero(canvases[t] != canvases[t - 1])
        block = np.arange(lay.block_start(t), lay.block_start(t + 1))
        assert np.array_equal(filled, block), f"step {t} filled {filled[:5]}..., not block {t}"
        got, want = decode_block(lay, canvases[t], t), ref.trace[t]
        mode = np.where(got.mode == MODE_HALTED, MODE_RUN, got.mode)  # HALT is explicit here
        assert np.array_equal(mode, want.mode), f"step {t}: modes {got.mode} vs {want.mode}"
        assert np.array_equal(got.pc, want.pc), f"step {t}: pcs {got.pc} vs {want.pc}"
        assert np.array_equal(got.regs, want.regs), f"step {t}: registers differ"
        writes = got.write_address != NO_WRITE
        memory[got.write_address[writes]] = got.write_value[writes]
        assert np.array_equal(memory, want.memory), f"step {t}: rebuilt memory differs"
    # The final step fills what is left: later blocks with [FILL], outputs with the memory.
    assert res.decoding_steps == ref.steps + 1
    last = np.flatnonzero(canvases[-1] != canvases[-2])
    assert last.min() >= lay.block_start(ref.steps + 1) and last.max() == lay.S - 1
    assert (canvases[-1] != lay.mask_id).all()
    return ref.steps


def test_thm1_lockstep_prefix_sum() -> None:
    prog = load_program(str(EXAMPLES / "prefix_sum.pram"))
    inputs = {"A": [5, -2, 7, 0, 3]}
    steps = assert_lockstep(build_pram_mdm(prog, inputs), inputs)
    record("Theorem 1", claim="lock-step: block t = PRAM state after t steps",
           num_lockstep_steps=steps)


def test_thm1_lockstep_sum_erew() -> None:
    prog = load_program(str(EXAMPLES / "sum.pram"))
    inputs = {"A": [4, 8, 15, 16, 23, 42]}
    record("Theorem 1", num_lockstep_steps=assert_lockstep(build_pram_mdm(prog, inputs), inputs))


@settings(max_examples=_examples(6))
@given(pram_cases(max_n=4, max_steps=50))
def test_thm1_lockstep_random_programs(case: PramCase) -> None:
    steps = assert_lockstep(build_pram_mdm(case.program, case.inputs), case.inputs)
    record("Theorem 1", num_lockstep_steps=steps, set_lockstep_models=case.model)


def test_thm1_one_token_per_step_gives_the_same_canvas() -> None:
    """The one-token-per-step option (for Theorem 3) fills one position per step, in order, and
    ends on the same canvas as the block-parallel MDM."""
    prog = compile_source(TINY, "<tiny>")
    inputs = {"A": [3]}
    block = run_built(build_pram_mdm(prog, inputs))
    single = build_pram_mdm(prog, inputs, one_token_per_step=True)
    res = run_built(single)
    assert np.array_equal(res.trace.final, block.trace.final)
    assert res.decoding_steps == single.layout.S - single.layout.n_in
    assert all(s.filled == 1 for s in res.trace.steps)
    arm = run_built(single, masked_arm=True)  # the engine's leftmost-1 rule: a Masked-ARM
    assert np.array_equal(arm.trace.final, block.trace.final)
