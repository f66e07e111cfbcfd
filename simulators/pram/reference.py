"""A clarity-first reference interpreter of the PRAM instruction set (docs/pram-isa.md).

One processor at a time, plain Python integers, no shortcuts: it is slow (a Python loop over the
processors of every step) and meant to be obviously right. The vectorised machine
(:mod:`simulators.pram.machine`) and its sequential fast path are tested against it on every
example and on random programs (``tests/pram/test_reference.py``). The functions themselves
come from :mod:`simulators.pram.semantics`.

The order of one step, as the contract states it:

1. every ``RUN`` processor, in processor order, executes the instruction at its ``pc`` against
   the registers and the memory *as they were at the start of the step* (reads are recorded,
   writes are collected, nothing is written yet);
2. the step's reads and writes are checked against the memory model, then the writes are
   committed (a combined value is checked against the word);
3. if anything faulted, the fault of the lowest processor id involved is the one reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from simulators.errors import (
    BoundExceeded,
    FaultKind,
    FaultRecord,
    LimitExceeded,
    MemoryConflict,
    RuntimeFault,
    SourceLocation,
)
from simulators.pram.binding import Binding, bind
from simulators.pram.isa import (
    MODE_IDLE,
    MODE_RUN,
    MODE_WAIT,
    PARAMS_ARRAY,
    CompiledProgram,
    Instruction,
    MemoryModel,
)
from simulators.pram.semantics import InstructionFault, binary, check_word, unary, word_range


@dataclass
class Processor:
    """One processor: program counter, registers, mode (docs/pram-isa.md)."""

    pc: int
    regs: list[int]
    mode: int = MODE_IDLE


@dataclass(frozen=True)
class Snapshot:
    """The machine after a step: per processor pc / registers / mode, and the memory."""

    pc: list[int]
    regs: list[list[int]]
    mode: list[int]
    memory: list[int]


@dataclass(frozen=True)
class ReferenceResult:
    """What the reference run produced: the same numbers as the machine's ``RunResult``."""

    output: dict[str, list[int]]
    steps: int
    processors: int
    work: int
    memory_cells: int
    states: list[Snapshot] = field(default_factory=list, repr=False)


class _Fault(Exception):
    """A fault found during a step (collected, then the lowest processor's is raised)."""

    def __init__(self, record: FaultRecord, cls: type[RuntimeFault] = RuntimeFault,
                 pc: int | None = None) -> None:
        super().__init__(record.message)
        self.record = record
        self.cls = cls
        self.pc = pc  # the instruction that faulted (None: a memory-model fault)


class _Reference:
    def __init__(self, prog: CompiledProgram, b: Binding) -> None:
        self.prog = prog
        self.b = b
        self.lo, self.hi = word_range(prog.word_bits)
        self.procs = [Processor(pc=0, regs=[0] * prog.n_registers)
                      for _ in range(b.processors_bound)]
        self.procs[0].mode = MODE_RUN
        self.memory = [int(v) for v in b.initial_memory]
        self.used = {b.base[a.name] + i for a in prog.arrays if a.role in ("input", "inout")
                     for i in range(b.size[a.name])}
        self.allocated = 1   # processors 0..allocated-1 belong to the current pardo
        self.peak = 1
        self.steps = 0
        self.work = 0
        self.halted = False

    # ----------------------------------------------------------------- helpers
    def address_name(self, addr: int) -> str:
        name = max((a.name for a in self.prog.arrays if self.b.base[a.name] <= addr
                    and self.b.size[a.name] > 0), key=lambda n: self.b.base[n], default="?")
        return f"{name}[{addr - self.b.base.get(name, 0)}]"

    def record(self, kind: FaultKind, pids: Sequence[int], ins: Instruction | None,
               message: str, addr: int | None = None) -> FaultRecord:
        return FaultRecord(kind, self.steps, tuple(sorted(pids))[:16],
                           self.address_name(addr) if addr is not None else None,
                           (ins.line or None) if ins is not None else None, message)

    def global_address(self, pid: int, ins: Instruction) -> int:
        index = self.procs[pid].regs[ins.a]  # type: ignore[index]
        size = self.b.size[ins.array]  # type: ignore[index]
        if not 0 <= index < size:
            name = "the size parameters" if ins.array == PARAMS_ARRAY else ins.array
            raise _Fault(self.record(FaultKind.OUT_OF_BOUNDS, [pid], ins,
                                     f"index {index} out of bounds for {name}[{size}]"))
        return self.b.base[ins.array] + index  # type: ignore[index]

    # ----------------------------------------------------------------- one instruction
    def execute(self, pid: int, waiting_at_start: int, reads: list, writes: list) -> None:
        """Processor ``pid`` executes the instruction at its pc (it is RUN, or a WAIT
        processor 0 re-executing its JOIN)."""
        p = self.procs[pid]
        try:
            self.execute_instruction(pid, self.prog.instructions[p.pc], waiting_at_start,
                                     reads, writes)
        except _Fault as f:
            f.pc = p.pc  # an instruction fault (the pc is left unchanged)
            raise

    def execute_instruction(self, pid: int, ins: Instruction, waiting_at_start: int,
                            reads: list, writes: list) -> None:
        p = self.procs[pid]
        r = p.regs
        next_pc = p.pc + 1
        try:
            if ins.op == "CONST":
                r[ins.d] = check_word(ins.imm, self.lo, self.hi)  # type: ignore[arg-type,index]
            elif ins.op == "MOV":
                r[ins.d] = r[ins.a]  # type: ignore[index]
            elif ins.op == "UN":
                r[ins.d] = check_word(unary(ins.fn, r[ins.a]),  # type: ignore[arg-type,index]
                                      self.lo, self.hi)
            elif ins.op == "BIN":
                r[ins.d] = check_word(binary(ins.fn, r[ins.a], r[ins.b]),  # type: ignore[arg-type,index]
                                      self.lo, self.hi)
            elif ins.op == "LOAD":
                addr = self.global_address(pid, ins)
                reads.append((pid, addr, ins))
                r[ins.d] = self.memory[addr]  # type: ignore[index]
            elif ins.op == "STORE":
                addr = self.global_address(pid, ins)
                writes.append((pid, addr, r[ins.b], ins))  # type: ignore[index]
            elif ins.op == "JMP":
                next_pc = ins.target  # type: ignore[assignment]
            elif ins.op == "JZ":
                next_pc = ins.target if r[ins.a] == 0 else next_pc  # type: ignore[assignment,index]
            elif ins.op == "FORK":
                next_pc = self.fork(ins, next_pc)
            elif ins.op == "JOIN":
                next_pc = self.join(pid, waiting_at_start)
            elif ins.op == "HALT":
                self.halted = True
                next_pc = p.pc
        except InstructionFault as f:
            what = ins.op if ins.fn is None else f"{ins.op} {ins.fn}"
            reason = (f"overflow of the {self.prog.word_bits}-bit word"
                      if f.kind is FaultKind.OVERFLOW else f.reason)
            raise _Fault(self.record(f.kind, [pid], ins, f"{reason} in {what} (pc {p.pc})"),
                         pc=p.pc) from None
        p.pc = next_pc

    def fork(self, ins: Instruction, next_pc: int) -> int:
        p0 = self.procs[0]
        lo, hi = p0.regs[ins.a], p0.regs[ins.b]  # type: ignore[index]
        count = hi - lo + 1
        if count <= 0:
            return ins.target  # type: ignore[return-value]
        if count > len(self.procs):
            raise _Fault(self.record(FaultKind.PROCESSORS, [0], ins,
                                     f"pardo over {lo}..{hi} needs {count} processors but the "
                                     f"declared bound is P = {len(self.procs)} at "
                                     f"{self.b.sizes}"), BoundExceeded)
        for pid in range(count):  # a copy of processor 0's registers, r[v] := lo + pid
            q = self.procs[pid]
            q.regs = list(p0.regs)
            q.regs[ins.v] = lo + pid  # type: ignore[index]
            q.pc, q.mode = next_pc, MODE_RUN
        self.allocated = count
        self.peak = max(self.peak, count)
        return next_pc

    def join(self, pid: int, waiting_at_start: int) -> int:
        p = self.procs[pid]
        others_waiting = waiting_at_start - (1 if p.mode == MODE_WAIT else 0)
        if pid == 0 and others_waiting == self.allocated - 1:
            for q in self.procs[1:self.allocated]:  # release: the others become IDLE
                q.mode = MODE_IDLE
            p.mode = MODE_RUN
            self.allocated = 1
            return p.pc + 1
        p.mode = MODE_WAIT  # park at the JOIN
        return p.pc

    # ----------------------------------------------------------------- memory
    def conflicts(self, accesses: list, kind: str) -> _Fault | None:
        """A forbidden concurrent access among ``accesses`` (the lowest address reported)."""
        by_addr: dict[int, list[tuple[int, int]]] = {}
        for a in accesses:
            by_addr.setdefault(a[1], []).append((a[0], a[2] if kind == "write" else 0))
        model = self.prog.model
        bad = []
        for addr, who in sorted(by_addr.items()):
            if len(who) < 2:
                continue
            if kind == "read" and model is MemoryModel.EREW:
                bad.append(addr)
            if kind == "write" and (model.exclusive_write or (
                    model is MemoryModel.CRCW_COMMON and len({v for _, v in who}) > 1)):
                bad.append(addr)
        if not bad:
            return None
        # The cell of the lowest processor in any forbidden access; all of that cell's accessors.
        first = min(bad, key=lambda addr: min(pid for pid, _ in by_addr[addr]))
        pids = sorted(pid for pid, _ in by_addr[first])
        values = sorted(by_addr[first])
        vals = (f" with values {[v for _, v in values]}"
                if model is MemoryModel.CRCW_COMMON else "")
        what = "concurrent read of" if kind == "read" else "concurrent write to"
        fkind = FaultKind.READ_CONFLICT if kind == "read" else FaultKind.WRITE_CONFLICT
        ins = next(a[-1] for a in sorted(accesses) if a[0] == pids[0])
        msg = (f"{what} {self.address_name(first)} by processors {pids}{vals} is forbidden "
               f"under {model.value}")
        rec = self.record(fkind, pids, ins, msg, first)
        return _Fault(rec, MemoryConflict)

    def combine(self, writers: list[tuple[int, int]]) -> int:
        """The value a cell written by ``writers`` (pid, value) receives under the model."""
        model = self.prog.model
        values = [v for _, v in sorted(writers)]  # by processor id
        if model is MemoryModel.CRCW_ARBITRARY:
            return values[-1]  # documented choice: the highest processor id wins
        if model is MemoryModel.CRCW_SUM:
            return sum(values)
        if model is MemoryModel.CRCW_MIN:
            return min(values)
        if model is MemoryModel.CRCW_MAX:
            return max(values)
        return values[0]  # priority (lowest id); common / exclusive (all equal or alone)

    def commit(self, writes: list) -> list[_Fault]:
        cells: dict[int, list[tuple[int, int]]] = {}
        for pid, addr, value, _ in writes:
            cells.setdefault(addr, []).append((pid, value))
        new = {addr: self.combine(w) for addr, w in cells.items()}
        over = [a for a, v in new.items() if not self.lo <= v <= self.hi]
        if over:  # the cell of the lowest writer of any overflowing cell; all its writers
            cell = min(over, key=lambda a: min(pid for pid, _ in cells[a]))
            writers = sorted(pid for pid, _ in cells[cell])
            ins = next(w[-1] for w in writes if w[0] == writers[0])
            msg = (f"the combined ({self.prog.model.value}) write overflows the "
                   f"{self.prog.word_bits}-bit word")
            return [_Fault(self.record(FaultKind.OVERFLOW, writers, ins, msg, cell))]
        for addr, v in new.items():
            self.memory[addr] = v
            self.used.add(addr)
        return []

    # ----------------------------------------------------------------- one step
    def step(self) -> None:
        self.steps += 1
        waiting_at_start = sum(1 for q in self.procs if q.mode == MODE_WAIT)
        # Processor 0 waiting at a JOIN re-executes it (it is not RUN: no work).
        actors = [pid for pid, q in enumerate(self.procs) if q.mode == MODE_RUN]
        if self.procs[0].mode == MODE_WAIT:
            actors.insert(0, 0)
        self.work += sum(1 for pid in actors if self.procs[pid].mode == MODE_RUN)
        reads: list = []
        writes: list = []
        faults: list[_Fault] = []
        for pid in actors:
            try:
                self.execute(pid, waiting_at_start, reads, writes)
            except _Fault as f:
                faults.append(f)
        conflicts = [c for c in (self.conflicts(reads, "read"), self.conflicts(writes, "write"))
                     if c is not None]
        for a in reads:
            self.used.add(a[1])
        # A combined write is only formed when the accesses are allowed.
        faults += conflicts or self.commit(writes)
        if faults:
            first = min(faults, key=lambda f: f.record.processors[0])
            if first.pc is not None:  # every processor at that instruction with that kind
                same = sorted(p for f in faults if f.pc == first.pc
                              and f.record.kind is first.record.kind for p in f.record.processors)
                first.record = replace(first.record, processors=tuple(same[:16]))
            ins_line = first.record.source_line
            src = self.prog.source_line(ins_line) if ins_line else None
            raise first.cls.from_record(first.record,
                                        SourceLocation(self.prog.file, ins_line, None, src))

    def snapshot(self) -> Snapshot:
        return Snapshot([q.pc for q in self.procs], [list(q.regs) for q in self.procs],
                        [q.mode for q in self.procs], list(self.memory))


def run_reference(prog: CompiledProgram, inputs: Mapping[str, Sequence[int] | np.ndarray],
                  params: Mapping[str, int] | None = None, *, max_steps: int = 100_000,
                  trace: bool = False) -> ReferenceResult:
    """Run ``prog`` one processor at a time; the machine must agree with this exactly."""
    b = bind(prog, inputs, params)
    m = _Reference(prog, b)
    states = [m.snapshot()] if trace else []
    while not m.halted:
        if m.steps >= b.time_bound:
            msg = (f"declared time bound T = {b.time_bound} exceeded at {dict(b.sizes)} "
                   f"(the program has not halted after {m.steps} steps)")
            raise BoundExceeded(msg, SourceLocation(prog.file),
                                FaultRecord(FaultKind.TIME, b.time_bound + 1, message=msg))
        if m.steps >= max_steps:
            raise LimitExceeded(f"step limit max_steps = {max_steps} reached")
        m.step()
        if trace:
            states.append(m.snapshot())
    if b.memory_bound is not None and len(m.used) > b.memory_bound:
        msg = (f"declared memory bound S = {b.memory_bound} exceeded: {len(m.used)} cells used "
               f"at {b.sizes}")
        raise BoundExceeded(msg, SourceLocation(prog.file),
                            FaultRecord(FaultKind.MEMORY, m.steps, message=msg))
    output = {a.name: m.memory[b.base[a.name]: b.base[a.name] + b.size[a.name]]
              for a in prog.arrays if a.role in ("output", "inout")}
    return ReferenceResult(output, m.steps, m.peak, m.work, len(m.used), states)
