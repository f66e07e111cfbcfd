"""Small .pram programs that exercise every instruction, memory model and fault of the Theorem 4
AP-MDM, plus a helper that runs one on both the PRAM machine and the AP-MDM and compares them
after every PRAM step."""

from __future__ import annotations

import numpy as np

from constructions.pram_apmdm import run as apmdm_run
from constructions.pram_apmdm.simulate import APMDMRun, machine_mode
from simulators.pram import CompiledProgram, compile_source
from simulators.pram import run as pram_run

WRITE_ALL = """
program write_all
model {model}
input A[n]
output W[2]
processors n
time 30
begin
  for i in 0 .. n-1 pardo
    W[1] := A[i] + 1
  end
end
"""

READ_ALL = """
program read_all
model {model}
input A[n]
output B[n]
processors n
time 30
begin
  for i in 0 .. n-1 pardo
    B[i] := A[0] * i
  end
end
"""

ARITH = """
program arith
model EREW
input A[n]
output R[20]
processors 1
time 200
begin
  a := A[0]
  b := A[1]
  R[0] := a + b
  R[1] := a - b
  R[2] := a * b
  R[3] := a // b
  R[4] := a % b
  R[5] := a ^ 3
  R[6] := min(a, b)
  R[7] := max(a, b)
  R[8] := a == b
  R[9] := a < b
  R[10] := a >= b
  R[11] := (a > 0) and (b > 0)
  R[12] := (a > 0) or (b > 0)
  R[13] := not (a > b)
  R[14] := -a
  R[15] := abs(b)
  R[16] := log2(abs(a) + 1)
  R[17] := sqrt(abs(b))
  R[18] := a != b
  R[19] := b <= a
end
"""

DIVERGENT = """
program divergent
model CREW
input A[n]
output B[n]
processors n
time 40 * n + 40
begin
  for i in 0 .. n-1 pardo
    x := A[i]
    if x % 2 == 0 then
      B[i] := x // 2
    else
      k := 0
      while x > 1 do
        x := x - 2
        k := k + 1
      end
      B[i] := k
    end
  end
  for j in 0 .. n-1 pardo
    B[j] := B[j] + A[0]
  end
end
"""

OUT_OF_BOUNDS = """
program oob
model EREW
input A[n]
output B[n]
processors 1
time 20
begin
  B[n] := 1
end
"""

DIV_ZERO = """
program divzero
model EREW
input A[n]
output B[n]
processors 1
time 20
begin
  B[0] := A[0] // A[1]
end
"""

EMPTY_PARDO = """
program empty_pardo
model EREW
input A[n]
output B[1]
processors n
time 30
begin
  for i in 1 .. 0 pardo
    B[0] := 5
  end
  B[0] := B[0] + 1
end
"""


def program(text: str, **fmt: str) -> CompiledProgram:
    return compile_source(text.format(**fmt) if fmt else text)


def compare_lockstep(prog: CompiledProgram, inputs: dict[str, list[int]],
                     params: dict[str, int] | None = None) -> APMDMRun:
    """Run both; assert equal outputs and equal states after every PRAM step."""
    m = pram_run(prog, inputs, params, trace=True)
    r = apmdm_run(prog, inputs, params, trace=True)
    assert r.output == m.output
    assert r.pram_steps == m.steps
    assert r.states is not None and m.trace is not None
    assert len(r.states) == len(m.trace)
    for t, (ours, ref) in enumerate(zip(r.states, m.trace, strict=True)):
        assert np.array_equal(ours.memory, ref.memory), f"memory differs after step {t}"
        assert np.array_equal(ours.pc, ref.pc), f"pc differs after step {t}"
        assert np.array_equal(machine_mode(ours.mode), ref.mode), f"mode differs after step {t}"
        assert np.array_equal(ours.regs, ref.regs), f"registers differ after step {t}"
    return r
