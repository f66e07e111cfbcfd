"""The per-step network ``f`` of the Theorem 4 AP-MDM, written as one encoder program.

Given a canvas (layout in :mod:`.layout`), every position computes -- by attention on codes, never
on positions -- what the simulated PRAM step does to *its* token, then emits ``y`` and the three
control bits of Algorithm 1. One PRAM step takes two AP-MDM steps (docs/theorem4.md, "Two
phases"):

* **even phase** (no mask follows the clock): *delete* every (stale) mask and *insert* a scratch
  mask after every token whose value changes in this PRAM step; a processor that writes an
  address not yet on the canvas inserts a mask after its HEAD (the working area grows).
* **odd phase** (a mask follows the clock): every scratch mask is *unmasked* with the new token
  of its left neighbour (for a HEAD: the new memory cell), and every changed token is
  *remasked* -- the new value was computed while the old one was still visible.

The phase is read from the canvas (is position 1 a mask?), so ``f`` is a fixed function of the
canvas (no hidden state). Its depth is fixed by the instruction set and the memory model, never
by ``n`` or the running time (Theorem 4's per-step discipline, as in Theorem 1).

A ``fault`` output (non-zero at the HEAD of a faulting processor) reports what the PRAM machine
would report as a runtime fault; the driver stops with the matching error.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructions.pram_apmdm import alu
from constructions.pram_apmdm.alu import CONSTS, E, _c
from constructions.pram_apmdm.layout import (
    CLOCK_CODE,
    FIELD_CTRL,
    FIELD_HEAD,
    FIELD_REG0,
    MODE_DONE,
    Layout,
)
from simulators.encoder import Program
from simulators.encoder.sequences import Seq, aggregate, indices, select, tokens
from simulators.errors import FaultKind
from simulators.pram.isa import (
    MODE_IDLE,
    MODE_RUN,
    MODE_WAIT,
    OP_CODES,
    CompiledProgram,
    MemoryModel,
)

# The ``fault`` output holds a simulators.errors.FaultKind code (the semantics' one numbering,
# shared with the machine and Theorem 1); the opcodes are simulators.pram.isa.OP_CODES.
FAULT_BOUNDS = int(FaultKind.OUT_OF_BOUNDS)
FAULT_DOMAIN = int(FaultKind.DOMAIN)
FAULT_OVERFLOW = int(FaultKind.OVERFLOW)
FAULT_WRITE = int(FaultKind.WRITE_CONFLICT)
FAULT_READ = int(FaultKind.READ_CONFLICT)
FAULT_PROCESSORS = int(FaultKind.PROCESSORS)
NO_OP = -1  # the op table's default (no instruction at that pc)


def _table(pc: Seq, values: list[int], default: int = 0) -> Seq:
    """A per-instruction constant looked up by the program counter (one MLP)."""
    entries = {i: v for i, v in enumerate(values) if v != default}
    if not entries:
        return E("add", E("mul", pc, 0), default)
    return E("table", pc, table=entries, default=default)


def _lookup(key: Seq, query: Seq, value: Seq, default: int = 0) -> Seq:
    """One attention head: the value of the (unique) token whose code equals ``query``."""
    return aggregate(select(key, query, "=="), value, "leftmost", default=default)


def _any(conds: list[Seq]) -> Seq | None:
    out: Seq | None = None
    for c in conds:
        out = c if out is None else E("or", out, c)
    return out


def _all(*conds: Seq) -> Seq:
    out = conds[0]
    for c in conds[1:]:
        out = E("and", out, c)
    return out


@dataclass(frozen=True)
class StepProgram:
    """The encoder program plus what the driver needs to read its outputs."""

    program: Program
    layout: Layout
    word_lo: int
    word_hi: int


def build_step_program(prog: CompiledProgram, layout: Layout, base: dict[str, int],
                       size: dict[str, int], *, max_length: int) -> StepProgram:
    """Build ``f`` for ``prog`` bound to concrete array bases/sizes (one fixed program per run).

    ``max_length`` is the largest canvas the program will see (declared range of positions).
    """
    CONSTS.clear()
    L = layout
    ins = prog.instructions
    used_ops = {i.op for i in ins}
    parallel = "FORK" in used_ops
    V, VMIN, VMAX = L.radix, L.vmin, L.vmax
    bits = L.value_bits
    word_lo = max(VMIN, -(1 << (prog.word_bits - 1)))
    word_hi = min(VMAX, (1 << (prog.word_bits - 1)) - 1)
    K, C0, CM = L.record, L.cell_base, L.mask_code

    # ---------------------------------------------------------------- decode the own token
    tok = tokens(0, L.mask_id).named("tok")
    idx = indices(max_length).named("idx")
    code = E("floordiv", tok, V).named("code")
    val = E("add", E("mod", tok, V), VMIN).named("val")
    is_mask = E("eq", code, CM).named("is_mask")
    is_cell = E("and", E("ge", code, C0), E("lt", code, CM)).named("is_cell")
    is_clock = E("eq", code, CLOCK_CODE)
    in_rec = E("and", E("ge", code, 1), E("lt", code, C0))
    cm1 = E("sub", code, 1)
    pid = E("floordiv", cm1, K).named("pid")
    fld = E("mod", cm1, K).named("field")
    is_head = E("and", in_rec, E("eq", fld, FIELD_HEAD)).named("is_head")
    is_ctrl = E("and", in_rec, E("eq", fld, FIELD_CTRL)).named("is_ctrl")
    is_reg = E("and", in_rec, E("ge", fld, FIELD_REG0)).named("is_reg")
    rec_base = E("sub", code, fld)  # code of HEAD_p (for record tokens)

    # ---------------------------------------------------------------- own processor's state
    # The clock asks for processor 0's control token (it stops when processor 0 is DONE).
    ctrl_q = E("where", is_clock, L.ctrl(0), E("add", rec_base, FIELD_CTRL))
    ctrl = _lookup(code, ctrl_q, val).named("ctrl")
    pc = E("floordiv", ctrl, 4).named("pc")
    mode = E("mod", ctrl, 4).named("mode")
    run = E("eq", mode, MODE_RUN).named("run")
    op = _table(pc, [OP_CODES[i.op] for i in ins], NO_OP).named("op")

    def is_op(name: str) -> Seq:
        return E("eq", op, OP_CODES[name])

    reg_a = [i.a if i.a is not None else 0 for i in ins]
    reg_b = [i.b if i.b is not None else 0 for i in ins]
    ra = _lookup(code, E("add", rec_base, _table(pc, [FIELD_REG0 + a for a in reg_a],
                                                     FIELD_REG0)), val).named("ra")
    rb = _lookup(code, E("add", rec_base, _table(pc, [FIELD_REG0 + b for b in reg_b],
                                                     FIELD_REG0)), val).named("rb")

    # ---------------------------------------------------------------- memory access (LOAD/STORE)
    has_mem = bool(used_ops & {"LOAD", "STORE"})
    faults: list[tuple[int, Seq]] = []
    if has_mem:
        abase = _table(pc, [C0 + base[i.array] if i.array else 0 for i in ins]).named("abase")
        asize = _table(pc, [size[i.array] if i.array else 0 for i in ins]).named("asize")
        addr = E("add", abase, ra).named("addr")
        mem_op = E("or", is_op("LOAD"), is_op("STORE"))
        in_bounds = E("and", E("ge", ra, 0), E("lt", ra, asize)).named("in_bounds")
        oob = _all(run, mem_op, E("not", in_bounds))
        faults.append((FAULT_BOUNDS, oob))
    mread = _lookup(code, addr, val).named("mread") if "LOAD" in used_ops else None

    # ---------------------------------------------------------------- ALU: the register result
    kinds: list[tuple[str, str | None]] = []
    for i in ins:
        k = (i.op, i.fn) if i.op in ("UN", "BIN") else (i.op, None)
        if i.op in ("CONST", "MOV", "UN", "BIN", "LOAD") and k not in kinds:
            kinds.append(k)
    kind_of = {k: n + 1 for n, k in enumerate(kinds)}
    kind_tab = [kind_of.get(((i.op, i.fn) if i.op in ("UN", "BIN") else (i.op, None)), 0)
                for i in ins]
    kind = _table(pc, kind_tab).named("kind")
    dst = _table(pc, [i.d if i.d is not None and kind_tab[n] else -1
                      for n, i in enumerate(ins)], -1).named("dst")
    res: Seq = val
    domain: list[Seq] = []
    for k, n in kind_of.items():
        opname, fn = k
        if opname == "CONST":
            r: Seq = _table(pc, [i.imm if i.op == "CONST" and i.imm is not None else 0
                                 for i in ins])
            f = None
        elif opname == "MOV":
            r, f = ra, None
        elif opname == "LOAD":
            assert mread is not None
            r, f = mread, None
        elif opname == "UN":
            r, f = alu.unary(str(fn), ra, bits)
        else:
            r, f = alu.binary(str(fn), ra, rb, bits)
        hit = E("eq", kind, n)
        res = E("where", hit, r, res)
        if f is not None:
            domain.append(E("and", hit, f))
    res = res.named("result")
    writes_reg = E("and", run, E("ne", dst, -1))
    dom = _any(domain)
    if dom is not None:
        faults.append((FAULT_DOMAIN, E("and", run, dom)))
    overflow = E("or", E("lt", res, word_lo), E("gt", res, word_hi))
    faults.append((FAULT_OVERFLOW, E("and", writes_reg, overflow)))
    res_c = E("clip", res, lo=word_lo, hi=word_hi)

    # ---------------------------------------------------------------- control flow
    tgt = _table(pc, [i.target if i.target is not None else 0 for i in ins]).named("target")
    pc1 = E("add", pc, 1)
    goto_conds = []
    if "JMP" in used_ops:
        goto_conds.append(is_op("JMP"))
    if "JZ" in used_ops:
        goto_conds.append(E("and", is_op("JZ"), E("eq", ra, 0)))
    if parallel:
        # FORK with c = hi - lo + 1 <= 0 jumps past the matching JOIN.
        goto_conds.append(E("and", is_op("FORK"), E("le", E("sub", rb, ra), -1)))
    goto = _any(goto_conds)
    pc_run = E("where", goto, tgt, pc1) if goto is not None else pc1
    ctrl_run: Seq = E("add", E("mul", pc_run, 4), MODE_RUN)
    if "HALT" in used_ops:
        ctrl_run = E("where", is_op("HALT"), E("add", E("mul", pc, 4), MODE_DONE), ctrl_run)

    # Processor 0's state, broadcast to everybody (FORK, JOIN release, halting).
    # Halting is read at the clock, whose ``ctrl`` is processor 0's.
    halted = E("eq", mode, MODE_DONE).named("halted")
    new_reg_extra = None
    if parallel:
        ctrl0 = _lookup(code, _c(L.ctrl(0)), val).named("ctrl0")
        mode0 = E("mod", ctrl0, 4)
        pc0 = E("floordiv", ctrl0, 4)
        op0 = _table(pc0, [OP_CODES[i.op] for i in ins], NO_OP)
        lo = _lookup(code, E("add", _table(pc0, [FIELD_REG0 + a for a in reg_a], FIELD_REG0),
                             L.head(0)), val).named("fork_lo")
        hi = _lookup(code, E("add", _table(pc0, [FIELD_REG0 + b for b in reg_b], FIELD_REG0),
                             L.head(0)), val).named("fork_hi")
        var = _table(pc0, [i.v if i.v is not None else -1 for i in ins], -1)
        count = E("add", E("sub", hi, lo), 1).named("fork_count")
        fork0 = _all(E("eq", op0, OP_CODES["FORK"]), E("eq", mode0, MODE_RUN)).named("fork0")
        faults.append((FAULT_PROCESSORS, _all(fork0, E("eq", pid, 0),
                                              E("gt", count, L.processors))))
        forking_me = _all(fork0, E("lt", pid, count), E("ge", pid, 0)).named("forking_me")
        # JOIN: processor 0 releases when no *other* processor is RUN at the step's start.
        other_run = _all(is_ctrl, E("ne", pid, 0), run)
        n_other_run = aggregate(select(idx, idx, "true"), other_run, "max", default=0)
        release = _all(E("eq", op0, OP_CODES["JOIN"]), E("or", E("eq", mode0, MODE_RUN),
                                                         E("eq", mode0, MODE_WAIT)),
                       E("eq", n_other_run, 0)).named("release")
        is0 = E("eq", pid, 0)
        ctrl_run = E("where", is_op("JOIN"),
                     E("where", E("and", is0, release), E("add", E("mul", pc1, 4), MODE_RUN),
                       E("add", E("mul", pc, 4), MODE_WAIT)), ctrl_run)
        ctrl_wait = E("where", release,
                      E("where", is0, E("add", E("mul", pc1, 4), MODE_RUN),
                        E("add", E("mul", pc, 4), MODE_IDLE)), ctrl)
        ctrl_idle = E("where", forking_me,
                      E("add", E("mul", E("add", pc0, 1), 4), MODE_RUN), ctrl)
        new_ctrl = E("where", run, ctrl_run,
                     E("where", E("eq", mode, MODE_WAIT), ctrl_wait,
                       E("where", E("eq", mode, MODE_IDLE), ctrl_idle, ctrl)))
        # Registers of a forked processor: a copy of processor 0's, with r[v] = lo + p.
        r0_same = _lookup(code, E("add", fld, L.head(0)), val).named("r0_same")
        new_reg_extra = (forking_me, E("where", E("eq", E("sub", fld, FIELD_REG0), var),
                                       E("add", lo, pid), r0_same))
    else:
        new_ctrl = E("where", run, ctrl_run, ctrl)

    # ---------------------------------------------------------------- registers
    new_reg = E("where", E("and", writes_reg, E("eq", E("sub", fld, FIELD_REG0), dst)),
                res_c, val)
    if new_reg_extra is not None:
        new_reg = E("where", new_reg_extra[0], new_reg_extra[1], new_reg)

    # ---------------------------------------------------------------- shared-memory writes
    new_cell = val
    ins_cell = None
    head_cell_tok = None
    if "STORE" in used_ops:
        # An out-of-bounds store faults and accesses nothing (as in the machine): it must not
        # meet another processor's write to the code its bad index happens to point at.
        storing = _all(is_head, run, is_op("STORE"), in_bounds).named("storing")
        wkey = E("where", storing, addr, -1).named("write_key")
        # Which address each position asks about: a cell its own, a storing HEAD its target.
        wq = E("where", is_cell, code, E("where", storing, addr, -3)).named("write_query")
        sel = select(wkey, wq, "==")
        model = prog.model
        alone = L.processors == 1  # one processor: no concurrent access is possible
        agg_mode = {MemoryModel.CRCW_ARBITRARY: "rightmost", MemoryModel.CRCW_SUM: "sum",
                    MemoryModel.CRCW_MIN: "min", MemoryModel.CRCW_MAX: "max"}.get(model, "leftmost")
        if agg_mode == "sum" or (model.exclusive_write and not alone):
            # A sum cannot signal "no writer" by its value; EREW/CREW need the count anyway.
            nwrites = aggregate(sel, _c(1), "count", default=0).named("n_writes")
            written = E("ge", nwrites, 1)
            wval = aggregate(sel, rb, agg_mode, default=0).named("write_value")
        else:
            # No writer = the default, a value no register can hold (saves one head).
            wval = aggregate(sel, rb, agg_mode, default=VMAX + 1).named("write_value")
            written = E("ne", wval, VMAX + 1)
        if alone:
            pass
        elif model.exclusive_write:
            faults.append((FAULT_WRITE, E("and", storing, E("ge", nwrites, 2))))
        elif model is MemoryModel.CRCW_COMMON:
            # The values agree iff their min equals their max (the kept leftmost value lies
            # between them, so comparing it with the max alone misses a larger first value).
            wmin = aggregate(sel, rb, "min", default=0)
            wmax = aggregate(sel, rb, "max", default=0)
            faults.append((FAULT_WRITE, E("and", storing, E("ne", wmin, wmax))))
        if model is MemoryModel.CRCW_SUM:
            faults.append((FAULT_OVERFLOW, E("and", storing, E("or", E("lt", wval, word_lo),
                                                              E("gt", wval, word_hi)))))
        wval_c = E("clip", wval, lo=word_lo, hi=word_hi)
        new_cell = E("where", written, wval_c, val)
        # A write to an address not on the canvas: the lowest-numbered writer grows the canvas.
        present = aggregate(select(code, wq, "=="), _c(1), "count", default=0)
        ins_cell = _all(storing, E("eq", present, 0))
        if not alone:
            first = aggregate(sel, idx, "leftmost", default=-1)
            ins_cell = E("and", ins_cell, E("eq", first, idx))
        ins_cell = ins_cell.named("new_cell")
        head_cell_tok = E("add", E("mul", addr, V), E("sub", wval_c, VMIN))
    if prog.model.exclusive_read and "LOAD" in used_ops and L.processors > 1:
        loading = _all(is_head, run, is_op("LOAD"), in_bounds)
        # EREW forbids two reads of one address in one step (reads only, as the machine does).
        rkey = E("where", loading, addr, -1)
        nacc = aggregate(select(rkey, E("where", loading, addr, -3), "=="), _c(1), "count",
                         default=0)
        faults.append((FAULT_READ, E("and", loading, E("ge", nacc, 2))))

    # ---------------------------------------------------------------- the new token everywhere
    new_clock = E("where", halted, val, E("sub", 1, E("mod", val, 2)))
    new_val = E("where", is_clock, new_clock,
                E("where", is_ctrl, new_ctrl,
                  E("where", is_reg, new_reg,
                    E("where", is_cell, new_cell, val)))).named("new_value")
    changed = E("and", E("not", is_mask), E("ne", new_val, val)).named("changed")
    new_tok = E("add", tok, E("sub", new_val, val))
    grows = changed
    if ins_cell is not None and head_cell_tok is not None:
        new_tok = E("where", ins_cell, head_cell_tok, new_tok)
        grows = E("or", changed, ins_cell)
    new_tok = E("clip", new_tok, lo=0, hi=L.mask_id).named("new_token")

    # ---------------------------------------------------------------- phase and Algorithm 1 bits
    odd = _lookup(idx, _c(1), is_mask).named("odd_phase")
    even = E("not", odd)
    prev_new = _lookup(idx, E("sub", idx, 1), new_tok, default=L.mask_id).named("left_new_token")
    y = E("where", is_mask, prev_new, tok)
    remask = _all(odd, changed)
    insert = _all(even, grows)
    delete = _all(even, is_mask)

    fault: Seq = _c(0)
    for fcode, cond in reversed(faults):
        fault = E("where", E("and", is_head, cond), fcode, fault)
    outputs = {"y": y.named("y"), "remask": remask.named("remask"),
               "insert": insert.named("insert"), "delete": delete.named("delete"),
               "fault": fault.named("fault")}
    program = Program(outputs, max_length=max_length, name=f"thm4:{prog.name}")
    return StepProgram(program, layout, word_lo, word_hi)
