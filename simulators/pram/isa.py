"""The PRAM instruction set and the compiled-program record (the contract in docs/pram-isa.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The UN / BIN function names are defined in simulators.pram.semantics (re-exported here).
from simulators.pram.semantics import BIN_FNS as BIN_FNS
from simulators.pram.semantics import UN_FNS as UN_FNS
from simulators.pram.syntax import Expr

MODE_IDLE = 0
MODE_RUN = 1
MODE_WAIT = 2

OPS = ("CONST", "MOV", "UN", "BIN", "LOAD", "STORE", "JMP", "JZ", "FORK", "JOIN", "HALT")
#: Opcode numbers shared by both constructions' instruction tables (the order of OPS).
OP_CODES: dict[str, int] = {op: i for i, op in enumerate(OPS)}

#: The hidden input array holding the size parameters' values (loaded by processor 0's prelude,
#: because the ISA has no other way to get a run-time ``n`` into a register).
PARAMS_ARRAY = "__params"


class MemoryModel(StrEnum):
    """How concurrent accesses to one address in one step are treated (docs/pram-isa.md)."""

    EREW = "EREW"
    CREW = "CREW"
    CRCW_COMMON = "CRCW-common"
    CRCW_ARBITRARY = "CRCW-arbitrary"
    CRCW_PRIORITY = "CRCW-priority"
    CRCW_SUM = "CRCW-sum"
    CRCW_MIN = "CRCW-min"
    CRCW_MAX = "CRCW-max"

    @property
    def exclusive_read(self) -> bool:
        return self is MemoryModel.EREW

    @property
    def exclusive_write(self) -> bool:
        return self in (MemoryModel.EREW, MemoryModel.CREW)


@dataclass(frozen=True)
class Instruction:
    """One instruction; unused fields are None. ``line`` is the source line it came from."""

    op: str
    d: int | None = None
    a: int | None = None
    b: int | None = None
    imm: int | None = None
    array: str | None = None
    target: int | None = None
    fn: str | None = None
    v: int | None = None
    line: int = 0


@dataclass(frozen=True)
class ArrayDecl:
    """A shared array: ``role`` in {"input", "output", "inout", "shared"}; ``size`` an Expr."""

    name: str
    role: str
    size: Expr


@dataclass(frozen=True)
class Bounds:
    """The declared bounds P(n), T(n) and optionally S(n)."""

    processors: Expr
    time: Expr
    memory: Expr | None = None


@dataclass(frozen=True)
class CompiledProgram:
    """A compiled ``.pram`` program: instructions plus everything a run needs to bind inputs."""

    name: str
    instructions: tuple[Instruction, ...]
    n_registers: int
    register_names: tuple[str, ...]
    model: MemoryModel
    word_bits: int
    arrays: tuple[ArrayDecl, ...]
    params: tuple[str, ...]
    bounds: Bounds
    source: str = ""
    file: str = "<input>"

    def source_line(self, line: int) -> str | None:
        """The text of a 1-based source line (for error carets), if known."""
        lines = self.source.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None

    @property
    def output_arrays(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.arrays if a.role in ("output", "inout"))
