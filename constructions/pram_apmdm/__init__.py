"""Theorem 4 made executable: an AP-MDM that simulates any compiled ``.pram`` program in place.

The canvas holds the memory cells in use and one constant-size record per processor; a PRAM step
overwrites the tokens that change (insert a scratch mask, unmask the new value into it, remask
the old token, delete the stale mask), so the context stays O(S(n) + P(n)) while the number of
decoding steps is 2*T(n) + 2. See docs/theorem4.md.

>>> from simulators.pram import compile_source
>>> from constructions.pram_apmdm import run
>>> prog = compile_source('''
... program count
... model EREW
... input A[n]
... output A
... processors 1
... time 20
... begin
...   A[0] := A[0] + 1
... end''')
>>> r = run(prog, {"A": [41, 0]})
>>> r.output["A"], r.decoding_steps == 2 * r.pram_steps + 2
([42, 0], True)
"""

from constructions.pram_apmdm.construction import Theorem4
from constructions.pram_apmdm.layout import DecodedState, Layout, decode
from constructions.pram_apmdm.simulate import APMDMRun, Construction, build, policy_for, run

__all__ = ["APMDMRun", "Construction", "DecodedState", "Layout", "build", "decode", "policy_for",
           "run",
           "Theorem4"]
