"""The reference PRAM machine and the ``.pram`` language (docs/pram.md, docs/pram-isa.md).

>>> from simulators.pram import compile_source, run
>>> prog = compile_source('''
... program double
... model EREW
... input A[n]
... output A
... processors n
... time 12
... begin
...   for i in 0 .. n-1 pardo
...     A[i] := 2 * A[i]
...   end
... end''')
>>> run(prog, {"A": [1, 2, 3]}).output
{'A': [2, 4, 6]}
>>> from simulators.pram import run_reference  # the clarity-first interpreter it is tested against
>>> run_reference(prog, {"A": [1, 2, 3]}).output
{'A': [2, 4, 6]}
"""

from simulators.pram.binding import Binding, bind
from simulators.pram.compiler import compile_source, load_program
from simulators.pram.isa import (
    MODE_IDLE,
    MODE_RUN,
    MODE_WAIT,
    ArrayDecl,
    Bounds,
    CompiledProgram,
    Instruction,
    MemoryModel,
)
from simulators.pram.machine import MachineState, RunResult, run
from simulators.pram.parser import parse_source
from simulators.pram.reference import ReferenceResult, run_reference
from simulators.pram.syntax import Expr

__all__ = [
    "MODE_IDLE", "MODE_RUN", "MODE_WAIT", "ArrayDecl", "Binding", "Bounds", "CompiledProgram",
    "Expr", "Instruction", "MachineState", "MemoryModel", "RunResult", "bind", "compile_source",
    "load_program", "parse_source", "ReferenceResult", "run", "run_reference",
]
