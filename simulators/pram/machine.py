"""The reference PRAM machine: lockstep execution of compiled programs (docs/pram-isa.md).

Vectorised over processors. Running processors are kept in *groups* that share a pc; each step
executes one numpy operation per group (the common case is a single group covering processors
``0..c-1``, stored as a slice so register columns are contiguous views). Divergent branches split
a group, equal pcs are merged again. Registers are stored as ``regs[R, P]`` internally (the trace
reports ``[P, R]`` as the contract says).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulators.errors import (
    BoundExceeded,
    FaultKind,
    FaultRecord,
    InternalError,
    LimitExceeded,
    MemoryConflict,
    RuntimeFault,
    SourceLocation,
)
from simulators.pram import arith, semantics
from simulators.pram.binding import (
    DEFAULT_MAX_MEMORY_CELLS,
    DEFAULT_MAX_PROCESSORS,
    Binding,
    bind,
)
from simulators.pram.isa import (
    MODE_IDLE,
    MODE_RUN,
    MODE_WAIT,
    PARAMS_ARRAY,
    CompiledProgram,
    Instruction,
    MemoryModel,
)
from simulators.pram.liveness import live_at_body_entry
from simulators.pram.memory_models import Conflict, first_duplicate, resolve_writes
from simulators.pram.sequential import can_run_sequential, run_sequential

DEFAULT_MAX_STEPS = 1_000_000
#: Most int64 cells a trace may hold (registers + memory per step, summed over steps).
DEFAULT_MAX_TRACE_CELLS = 50_000_000
#: Most int64 cells the register file ``P x R`` may take.
DEFAULT_MAX_REGISTER_CELLS = 1 << 27

Idx = slice | np.ndarray
_NO_READS = np.zeros((0, 2), np.int64)
_NO_READS.flags.writeable = False
_NO_WRITES = np.zeros((0, 3), np.int64)
_NO_WRITES.flags.writeable = False


@dataclass(frozen=True)
class MachineState:
    """The machine after some step (see docs/pram-isa.md); reads/writes are that step's."""

    pc: np.ndarray
    regs: np.ndarray
    mode: np.ndarray
    memory: np.ndarray
    reads: np.ndarray
    writes: np.ndarray


@dataclass(frozen=True)
class RunResult:
    """What a run produced and what it cost."""

    output: dict[str, list[int]]
    steps: int
    processors: int
    work: int
    memory_cells: int
    model: str
    bounds: dict[str, int]
    sizes: dict[str, int]
    binding: Binding = field(repr=False)
    trace: list[MachineState] | None = field(default=None, repr=False)
    final_memory: np.ndarray | None = field(default=None, repr=False)


def _count(idx: Idx) -> int:
    return idx.stop - idx.start if isinstance(idx, slice) else int(idx.size)


def _pids(idx: Idx) -> np.ndarray:
    return np.arange(idx.start, idx.stop, dtype=np.int64) if isinstance(idx, slice) else idx


def _has0(idx: Idx) -> bool:
    return idx.start == 0 if isinstance(idx, slice) else bool(idx.size and idx[0] == 0)


class _Machine:
    def __init__(self, prog: CompiledProgram, b: Binding, max_steps: int, trace: bool,
                 max_trace_cells: int, max_register_cells: int) -> None:
        self.prog = prog
        self.b = b
        self.code = prog.instructions
        self.model = prog.model
        self.word = prog.word_bits
        self.max_steps = max_steps
        self.word_lo, self.word_hi = -(1 << (self.word - 1)), (1 << (self.word - 1)) - 1
        self.cur_pc = 0
        self.live_cache: dict[int, tuple[int, ...]] = {}
        self.P = b.processors_bound
        R = prog.n_registers
        if max_register_cells < self.P * R:
            raise LimitExceeded(
                f"register file would need {self.P} processors x {R} registers = "
                f"{self.P * R} cells > max_register_cells = {max_register_cells}")
        self.regs = np.zeros((R, self.P), dtype=np.int64)
        self.memory = b.initial_memory.copy()
        self.touched = np.zeros(b.memory_size, dtype=bool)
        self.steps = 0
        self.work = 0
        self.max_alloc = 1
        self.alloc = 1
        self.groups: list[tuple[int, Idx]] = [(0, slice(0, 1))]
        self.waiting: list[Idx] = []
        self.wait_count = 0
        self.p0_wait_pc = -1  # pc of the JOIN processor 0 waits at, -1 if not waiting
        self.halted = False
        self.record = trace
        self.max_trace_cells = max_trace_cells
        self.trace_cells = 0
        self.trace: list[MachineState] = []
        if trace:
            self.pc_arr = np.zeros(self.P, dtype=np.int64)
            self.mode_arr = np.full(self.P, MODE_IDLE, dtype=np.int8)
            self.mode_arr[0] = MODE_RUN
            self._snapshot(np.zeros((0, 2), np.int64), np.zeros((0, 3), np.int64))
        self.bases = np.array([b.base[a.name] for a in prog.arrays], dtype=np.int64)
        self.array_names = [a.name for a in prog.arrays]

    # ------------------------------------------------------------ faults
    def fault(self, ins: Instruction, kind: FaultKind, msg: str, pids: Sequence[int],
              address: str | None = None,
              cls: type[RuntimeFault] = RuntimeFault) -> RuntimeFault:
        """The fault of this step as a structured record (simulators.errors.FaultRecord)."""
        line = ins.line or None
        src = self.prog.source_line(ins.line) if line else None
        record = FaultRecord(kind, self.steps, tuple(sorted(int(p) for p in pids))[:16],
                             address, line, msg)
        return cls.from_record(record, SourceLocation(self.prog.file, line, None, src))

    def where(self, addr: int) -> str:
        k = int(np.searchsorted(self.bases, addr, side="right")) - 1
        name = self.array_names[max(k, 0)]
        return f"{name}[{addr - int(self.bases[max(k, 0)])}]"

    def lane_fault(self, ins: Instruction, idx: Idx, kind: FaultKind, reason: str,
                   mask: np.ndarray) -> RuntimeFault:
        if kind is FaultKind.OVERFLOW and reason == "overflow":
            reason = f"overflow of the {self.word}-bit word"
        return self.fault(ins, kind, f"{reason} in {_describe(ins)} (pc {self.cur_pc})",
                          _pids(idx)[mask].tolist())

    # ------------------------------------------------------------ trace
    def _snapshot(self, reads: np.ndarray, writes: np.ndarray) -> None:
        cells = self.regs.size + self.P * 2 + self.memory.size
        self.trace_cells += cells
        if self.trace_cells > self.max_trace_cells:
            raise LimitExceeded(f"the trace would exceed max_trace_cells = "
                                f"{self.max_trace_cells}; run without trace or on smaller inputs")
        self.trace.append(MachineState(self.pc_arr.copy(), self.regs.T.copy(),
                                       self.mode_arr.copy(), self.memory.copy(), reads, writes))

    # ------------------------------------------------------------ main loop
    def run(self) -> None:
        while not self.halted:
            if can_run_sequential(self):
                run_sequential(self)  # stops before a FORK or a limit, or after HALT
                if self.halted:
                    break
            if self.steps >= self.b.time_bound:
                raise time_bound_fault(self.prog.file, self.b.time_bound, self.b.sizes,
                                       f"the program has not halted after {self.steps} steps")
            if self.steps >= self.max_steps:
                raise LimitExceeded(f"step limit max_steps = {self.max_steps} reached "
                                    f"(raise it with --max-steps)", SourceLocation(self.prog.file))
            self.step()

    def step(self) -> None:
        self.steps += 1
        reads: list[tuple[Idx, np.ndarray]] = []
        writes: list[tuple[Idx, np.ndarray, np.ndarray]] = []
        waiting_at_start = self.wait_count
        new_groups: list[tuple[int, Idx]] = []
        running = 0
        faults: list[RuntimeFault] = []
        for pc, idx in self.groups:
            running += _count(idx)
            try:
                self.execute(pc, idx, reads, writes, new_groups, waiting_at_start)
            except RuntimeFault as f:  # groups run in pc order; the rule is "lowest pid first"
                faults.append(f)
        if faults:
            self._raise_first(faults, reads, writes)
        self.work += running
        # A WAIT processor 0 re-executes its JOIN; release iff all others waited at start.
        if self.p0_wait_pc >= 0 and not self.halted and waiting_at_start == self.alloc:
            self.release(self.p0_wait_pc, new_groups)
        self.groups = _merge(new_groups)
        r_arr, w_arr = self.commit(reads, writes)
        if self.record:
            self._record_modes()
            self._snapshot(r_arr, w_arr)

    def _raise_first(self, faults: list[RuntimeFault], reads: list, writes: list) -> None:
        """Several faults in one step: report the one of the lowest processor id involved
        (docs/pram-isa.md, "Faults"); the step's forbidden accesses are candidates too."""
        try:
            self.commit(reads, writes)
        except RuntimeFault as f:
            faults.append(f)
        raise min(faults, key=lambda f: f.record.processors[0]
                  if f.record is not None and f.record.processors else 0)

    def _record_modes(self) -> None:
        for pc, idx in self.groups:
            self.pc_arr[idx] = pc
            self.mode_arr[idx] = MODE_RUN
        for idx in self.waiting:
            self.mode_arr[idx] = MODE_WAIT

    def release(self, join_pc: int, new_groups: list[tuple[int, Idx]]) -> None:
        """End a pardo: processor 0 continues after the JOIN, every other processor goes IDLE."""
        if self.record:
            self.mode_arr[: self.alloc] = MODE_IDLE
            self.pc_arr[0] = join_pc + 1
        self.waiting = []
        self.wait_count = 0
        self.p0_wait_pc = -1
        self.alloc = 1
        new_groups.append((join_pc + 1, slice(0, 1)))

    def execute(self, pc: int, idx: Idx, reads: list, writes: list,
                new_groups: list[tuple[int, Idx]], waiting_at_start: int) -> None:
        # Any: the compiler sets exactly the fields each op uses (Instruction's are optional).
        ins: Any = self.code[pc]
        self.cur_pc = pc
        op = ins.op
        regs = self.regs
        if op == "BIN":
            dest = regs[ins.d, idx] if isinstance(idx, slice) else None  # a view: write in place
            res, bad = arith.binary(ins.fn, regs[ins.a, idx], regs[ins.b, idx],
                                    self.word_lo, self.word_hi, out=dest)
            if res is not dest:
                self._put(ins, idx, res, bad)
        elif op == "LOAD":
            gaddr = self._address(ins, idx, reads)
            if isinstance(idx, slice):
                if ins.d == ins.a and gaddr.base is not None:
                    gaddr = gaddr.copy()  # the load overwrites the address register
                np.take(self.memory, gaddr, out=regs[ins.d, idx])
            else:
                regs[ins.d, idx] = self.memory[gaddr]
            reads.append((idx, gaddr, ins))
        elif op == "STORE":
            gaddr = self._address(ins, idx, writes)
            # Processors of one step are disjoint groups, so a view of the value column stays
            # valid until the commit at the end of this step.
            writes.append((idx, gaddr, regs[ins.b, idx], ins))
        elif op == "CONST":
            if not self.word_lo <= ins.imm <= self.word_hi:
                raise self.fault(ins, FaultKind.OVERFLOW,
                                 f"constant {ins.imm} does not fit in {self.word} bits",
                                 _pids(idx).tolist())
            regs[ins.d, idx] = ins.imm
        elif op == "MOV":
            regs[ins.d, idx] = regs[ins.a, idx]
        elif op == "UN":
            res, bad = arith.unary(ins.fn, regs[ins.a, idx], self.word_lo)
            self._put(ins, idx, res, bad)
        elif op == "JZ":
            zero = regs[ins.a, idx] == 0
            if zero.all():
                new_groups.append((ins.target, idx))
            elif not zero.any():
                new_groups.append((pc + 1, idx))
            else:
                ids = _pids(idx)
                new_groups.append((ins.target, ids[zero]))
                new_groups.append((pc + 1, ids[~zero]))
            return
        elif op == "JMP":
            new_groups.append((ins.target, idx))
            return
        elif op == "FORK":
            self.fork(pc, ins, new_groups)
            return
        elif op == "JOIN":
            self.join(pc, idx, new_groups, waiting_at_start)
            return
        elif op == "HALT":
            self.halted = True
            new_groups.append((pc, idx))
            return
        else:  # pragma: no cover - the compiler emits only the ops above
            raise InternalError(f"unknown instruction {op} at pc {pc}")
        new_groups.append((pc + 1, idx))

    def _put(self, ins: Instruction, idx: Idx, res: np.ndarray, bad: arith.Fault) -> None:
        if bad is not None:
            kind, reason, mask = bad
            if ins.op == "BIN" and kind is FaultKind.DOMAIN:
                # A domain fault is found before overflow; a lower processor may overflow:
                # the scalar semantics decides the lowest faulting lane (rare path).
                kind, reason, mask = self._lowest_lane_fault(ins, idx, bad)
            raise self.lane_fault(ins, idx, kind, reason, mask)
        self.regs[ins.d, idx] = res

    def _lowest_lane_fault(self, ins: Instruction, idx: Idx,
                           bad: tuple[FaultKind, str, np.ndarray]) -> tuple[FaultKind, str,
                                                                          np.ndarray]:
        xs, ys = self.regs[ins.a, idx].tolist(), self.regs[ins.b, idx].tolist()
        for x, y in zip(xs, ys, strict=True):
            try:
                semantics.apply(ins.fn, x, y, self.word_lo, self.word_hi)  # type: ignore[arg-type]
            except semantics.InstructionFault as f:
                if f.kind is bad[0]:
                    return bad
                lanes = [self._lane_kind(ins.fn, a, b) is f.kind  # type: ignore[arg-type]
                         for a, b in zip(xs, ys, strict=True)]
                return f.kind, f.reason, np.array(lanes)
        return bad  # pragma: no cover - the vector path found a faulting lane

    def _lane_kind(self, fn: str, x: int, y: int) -> FaultKind | None:
        try:
            semantics.apply(fn, x, y, self.word_lo, self.word_hi)
        except semantics.InstructionFault as f:
            return f.kind
        return None

    def _address(self, ins: Any, idx: Idx, accesses: list) -> np.ndarray:
        local = self.regs[ins.a, idx]
        size = self.b.size[ins.array]
        if local.size and (local.min() < 0 or local.max() >= size):
            bad = (local < 0) | (local >= size)
            first = int(local[bad][0])
            # The lanes in bounds still access memory this step: a forbidden concurrent access
            # among them is a candidate fault too (lowest processor first).
            ok = ~bad
            if ok.any():
                pids, gaddr = _pids(idx)[ok], local[ok] + self.b.base[ins.array]
                if ins.op == "LOAD":
                    accesses.append((pids, gaddr, ins))
                else:
                    accesses.append((pids, gaddr, self.regs[ins.b, idx][ok], ins))
            name = "the size parameters" if ins.array == PARAMS_ARRAY else ins.array
            raise self.lane_fault(ins, idx, FaultKind.OUT_OF_BOUNDS,
                                  f"index {first} out of bounds for {name}[{size}]", bad)
        base = self.b.base[ins.array]
        return local + base if base else local

    def fork(self, pc: int, ins: Any, new_groups: list[tuple[int, Idx]]) -> None:
        lo, hi = int(self.regs[ins.a, 0]), int(self.regs[ins.b, 0])
        c = hi - lo + 1
        if c <= 0:
            new_groups.append((ins.target, slice(0, 1)))
            return
        if c > self.P:
            raise self.fault(ins, FaultKind.PROCESSORS,
                             f"pardo over {lo}..{hi} needs {c} processors but the declared "
                             f"bound is P = {self.P} at {self.b.sizes}", [0], None, BoundExceeded)
        # Every processor p < c gets a copy of processor 0's registers, r[v] := lo + p.
        if self.record:
            self.regs[:, 1:c] = self.regs[:, 0:1]
        else:  # unobservable shortcut: only registers the body may read before writing
            if pc not in self.live_cache:
                self.live_cache[pc] = live_at_body_entry(self.code, pc)
            for r in self.live_cache[pc]:
                self.regs[r, 1:c] = self.regs[r, 0]
        self.regs[ins.v, :c] = np.arange(lo, hi + 1, dtype=np.int64)
        self.alloc = c
        self.max_alloc = max(self.max_alloc, c)
        new_groups.append((pc + 1, slice(0, c)))

    def join(self, pc: int, idx: Idx, new_groups: list[tuple[int, Idx]],
             waiting_at_start: int) -> None:
        if _has0(idx) and _count(idx) == 1 and waiting_at_start == self.alloc - 1:
            self.release(pc, new_groups)
            return
        self.waiting.append(idx)
        self.wait_count += _count(idx)
        if _has0(idx):
            self.p0_wait_pc = pc
        if self.record:
            self.pc_arr[idx] = pc

    # ------------------------------------------------------------ memory
    def commit(self, reads: list, writes: list) -> tuple[np.ndarray, np.ndarray]:
        """Check this step's accesses against the model and commit the writes."""
        r_arr, w_arr = _NO_READS, _NO_WRITES
        read_conflict: Conflict | None = None
        pids: np.ndarray | None
        if reads:
            addr = reads[0][1] if len(reads) == 1 else np.concatenate([r[1] for r in reads])
            _mark(self.touched, addr)
            if self.model.exclusive_read or self.record:
                pids = np.concatenate([_pids(r[0]) for r in reads])
                if self.model.exclusive_read:
                    order = np.argsort(pids, kind="stable")
                    read_conflict = first_duplicate(pids[order], addr[order], "read")
                if self.record:
                    r_arr = _rows(pids, addr)
        if writes:
            if len(writes) == 1:
                idx, addr, vals, _ = writes[0]
                pids = None
            else:
                pids_l = [_pids(w[0]) for w in writes]
                pids = np.concatenate(pids_l)
                order = np.argsort(pids, kind="stable")
                pids = pids[order]
                addr = np.concatenate([w[1] for w in writes])[order]
                vals = np.concatenate([w[2] for w in writes])[order]
            if pids is None and (self.record or addr.size > 1 and not
                                 bool((addr[1:] > addr[:-1]).all())):
                pids = _pids(writes[0][0])
            if pids is None:  # one group, strictly increasing addresses: nothing to resolve
                cells, cvals, c = addr, vals, None
            else:
                cells, cvals, c = resolve_writes(self.model, pids, addr, vals)
            if read_conflict is not None and (c is None or read_conflict.lowest < c.lowest):
                raise self._conflict(read_conflict, reads)
            if c is not None:
                raise self._conflict(c, writes)
            if cvals.dtype == object or self.word < 64:
                hi, lo = (1 << (self.word - 1)) - 1, -(1 << (self.word - 1))
                bad = np.array([i for i, v in enumerate(cvals.tolist()) if not lo <= int(v) <= hi],
                               dtype=np.int64) if cvals.dtype == object \
                    else np.flatnonzero((cvals < lo) | (cvals > hi))
                if len(bad):
                    # The cell of the lowest writer of any overflowing cell; all its writers.
                    if pids is not None:
                        writers = np.flatnonzero(np.isin(addr, cells[bad]))
                        a = int(addr[writers[np.argmin(pids[writers])]])
                        who = pids[addr == a].tolist()
                    else:  # pragma: no cover - one writer per cell cannot combine past the word
                        a, who = int(cells[bad[0]]), []
                    raise self.fault(writes[0][3], FaultKind.OVERFLOW,
                                     f"the combined ({self.model.value}) write overflows the "
                                     f"{self.word}-bit word", who, self.where(a))
            self.memory[cells] = cvals
            _mark(self.touched, cells)
            if self.record and pids is not None:  # with a trace, pids is always set above
                w_arr = np.column_stack([pids, addr, vals]).astype(np.int64)
        elif read_conflict is not None:
            raise self._conflict(read_conflict, reads)
        return r_arr, w_arr

    def _conflict(self, c: Conflict, accesses: list[tuple]) -> MemoryConflict:
        # Report the instruction (source line) of the group holding the first processor named.
        ins = accesses[0][-1]
        for access in accesses:
            if bool(np.any(_pids(access[0]) == c.pids[0])):
                ins = access[-1]
                break
        what = "concurrent read of" if c.kind == "read" else "concurrent write to"
        vals = f" with values {list(c.values)}" if c.values else ""
        msg = (f"{what} {self.where(c.address)} by processors {list(c.pids)}{vals} "
               f"is forbidden under {self.model.value}")
        kind = FaultKind.READ_CONFLICT if c.kind == "read" else FaultKind.WRITE_CONFLICT
        return self.fault(ins, kind, msg, c.pids, self.where(c.address),  # type: ignore[return-value]
                          MemoryConflict)


def _mark(touched: np.ndarray, addr: np.ndarray) -> None:
    """touched[addr] = True; a slice fill when addr is a contiguous increasing run."""
    k = addr.size
    if k > 64 and int(addr[-1]) - int(addr[0]) == k - 1 and bool((addr[1:] > addr[:-1]).all()):
        touched[int(addr[0]): int(addr[-1]) + 1] = True
    else:
        touched[addr] = True


def _rows(pids: np.ndarray, addr: np.ndarray) -> np.ndarray:
    order = np.argsort(pids, kind="stable")
    return np.column_stack([pids[order], addr[order]]).astype(np.int64)


def _merge(groups: list[tuple[int, Idx]]) -> list[tuple[int, Idx]]:
    if len(groups) <= 1:
        return groups
    by_pc: dict[int, list[Idx]] = {}
    for pc, idx in groups:
        by_pc.setdefault(pc, []).append(idx)
    out: list[tuple[int, Idx]] = []
    for pc in sorted(by_pc):
        parts = by_pc[pc]
        if len(parts) == 1:
            out.append((pc, parts[0]))
        else:
            out.append((pc, np.sort(np.concatenate([_pids(p) for p in parts]))))
    return out


def time_bound_fault(file: str, time_bound: int, sizes: Mapping[str, int],
                     detail: str) -> BoundExceeded:
    """The declared time bound T(n) exceeded: step T + 1 would be needed (one definition for
    the machine and the constructions)."""
    msg = f"declared time bound T = {time_bound} exceeded at {dict(sizes)} ({detail})"
    return BoundExceeded(msg, SourceLocation(file),
                         FaultRecord(FaultKind.TIME, time_bound + 1, message=msg))


def _describe(ins: Instruction) -> str:
    return ins.op if ins.fn is None else f"{ins.op} {ins.fn}"


def run(
    prog: CompiledProgram,
    inputs: Mapping[str, Sequence[int] | np.ndarray],
    params: Mapping[str, int] | None = None,
    *,
    max_steps: int = DEFAULT_MAX_STEPS,
    trace: bool = False,
    max_memory_cells: int = DEFAULT_MAX_MEMORY_CELLS,
    max_processors: int = DEFAULT_MAX_PROCESSORS,
    max_trace_cells: int = DEFAULT_MAX_TRACE_CELLS,
    max_register_cells: int = DEFAULT_MAX_REGISTER_CELLS,
) -> RunResult:
    """Run ``prog`` on ``inputs`` and return outputs and costs (and, on request, the trace)."""
    b = bind(prog, inputs, params, max_memory_cells=max_memory_cells,
             max_processors=max_processors)
    m = _Machine(prog, b, max_steps, trace, max_trace_cells, max_register_cells)
    m.run()
    memory_cells = int(m.touched.sum())
    in_mask = np.zeros(b.memory_size, dtype=bool)
    for a in prog.arrays:
        if a.role in ("input", "inout"):
            in_mask[b.base[a.name]: b.base[a.name] + b.size[a.name]] = True
    memory_cells = int((m.touched | in_mask).sum())
    if b.memory_bound is not None and memory_cells > b.memory_bound:
        msg = f"declared memory bound S = {b.memory_bound} exceeded: {memory_cells} cells used " \
              f"at {b.sizes}"
        raise BoundExceeded(msg, SourceLocation(prog.file),
                            FaultRecord(FaultKind.MEMORY, m.steps, message=msg))
    output = {
        a.name: m.memory[b.base[a.name]: b.base[a.name] + b.size[a.name]].tolist()
        for a in prog.arrays if a.role in ("output", "inout")
    }
    bounds = {"processors": b.processors_bound, "time": b.time_bound}
    if b.memory_bound is not None:
        bounds["memory"] = b.memory_bound
    return RunResult(
        output=output, steps=m.steps, processors=m.max_alloc, work=m.work,
        memory_cells=memory_cells, model=prog.model.value, bounds=bounds, sizes=dict(b.sizes),
        binding=b, trace=m.trace if trace else None, final_memory=m.memory,
    )


__all__ = ["MachineState", "MemoryModel", "RunResult", "run", "MODE_RUN", "MODE_WAIT",
           "MODE_IDLE"]
