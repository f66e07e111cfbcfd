"""The per-step network of the Theorem-1 MDM, written in the encoder-program language.

ONE program per (PRAM program, n). Evaluated on the canvas, it gives at every position the token
that belongs there and whether to fill it now. Its depth is a constant of the PRAM program (R,
the instruction count and the token bit width) -- it does not grow with n or with the run time,
which is the "constant-depth f" of Theorem 1. Sections mirror the proof (docs/theorem1.md):

1. position arithmetic   -- block / processor / field of every position (static);
2. state carry           -- this processor's record in the previous block, and processor 0's
                            (one attention head per field: "copy from position - P*K");
3. instruction decode    -- table lookups on pc (the program has a constant number of lines);
4. register fetch + ALU  -- where-chains over R registers, every function then a select;
5. shared read           -- "the most recent write to that address, else the input cell, else 0"
                            (one head: equality on the write address, rightmost match);
6. write resolution      -- the memory model inside the block (heads over the block's writes);
7. control               -- FORK / JOIN / HALT and the next record;
8. fill rule             -- a block is ready once its predecessor is filled (one PRAM step per
                            decoding step); after HALT everything left is filled in one step.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructions.pram_mdm.alu import BIN_CODES, UN_CODES, build_alu
from constructions.pram_mdm.layout import (
    F_MODE,
    F_PC,
    F_REG0,
    FAULT_BASE,
    FAULT_MAX,
    FAULT_OTHER,
    MODE_HALTED,
    MODE_IDLE,
    MODE_RUN,
    MODE_WAIT,
    NO_WRITE,
    Layout,
)
from constructions.pram_mdm.ops import (
    Seq,
    add,
    and_,
    choose,
    clip,
    eq,
    fetch,
    ge,
    gt,
    le,
    lt,
    mul,
    ne,
    not_,
    or_,
    sub,
    table,
    where,
)
from simulators.encoder.sequences import const, ew, indices, tokens
from simulators.errors import FaultKind
from simulators.pram.isa import OP_CODES, CompiledProgram, MemoryModel

# OP_CODES (simulators.pram.isa): CONST MOV UN BIN LOAD come first -- the register-writing ops,
# in the order the result select below indexes them -- and JMP JZ FORK JOIN HALT last.
assert [OP_CODES[op] for op in ("CONST", "MOV", "UN", "BIN", "LOAD", "STORE", "JMP")] == list(
    range(7)), "the selects below index opcodes in this order"
NO_READ = -2  # read-address query of a position that reads nothing (never a key address)


@dataclass(frozen=True)
class StepNetwork:
    """The program's named outputs (``token``, ``fill``) and the sequences worth explaining."""

    token: Seq
    fill: Seq
    named: dict[str, Seq]


def _decode_tables(prog: CompiledProgram, base: dict[str, int], size: dict[str, int]
                   ) -> dict[str, dict[int, int]]:
    """Per-field lookup tables pc -> field value (constant size: one entry per instruction)."""
    cols: dict[str, dict[int, int]] = {k: {} for k in
                                       ("op", "d", "a", "b", "imm", "base", "asize", "target",
                                        "fn", "v")}
    for pc, ins in enumerate(prog.instructions):
        cols["op"][pc] = OP_CODES[ins.op]
        cols["d"][pc] = ins.d or 0
        cols["a"][pc] = ins.a or 0
        cols["b"][pc] = ins.b or 0
        cols["imm"][pc] = ins.imm or 0
        cols["target"][pc] = ins.target or 0
        cols["v"][pc] = ins.v or 0
        if ins.array is not None:
            cols["base"][pc] = base[ins.array]
            cols["asize"][pc] = size[ins.array]
        if ins.fn is not None:
            cols["fn"][pc] = (UN_CODES if ins.op == "UN" else BIN_CODES)[ins.fn]
    return cols


def _piecewise_address(pos: Seq, segments: tuple, default: int) -> Seq:
    """Static address of an input/output cell: one linear piece per array (constant count)."""
    out: Seq | int = default
    for seg in segments:
        inside = and_(ge(pos, seg.start), lt(pos, seg.start + seg.size))
        out = where(inside, add(sub(pos, seg.start), seg.base), out)
    return out if isinstance(out, Seq) else const(int(out))


def build_step_network(prog: CompiledProgram, lay: Layout, base: dict[str, int],
                       size: dict[str, int], *, one_token_per_step: bool = False) -> StepNetwork:
    """Build the per-step encoder program for ``prog`` at the sizes of ``lay``."""
    P, T, R, PK = lay.P, lay.T, lay.R, lay.PK
    MASK, FILL, OVER, FAULT = lay.mask_id, lay.fill_id, lay.over_id, lay.fault_id
    wlo, whi = lay.word_lo, lay.word_hi
    vb = lay.value_hi.bit_length()
    named: dict[str, Seq] = {}

    # ---- 1. position arithmetic (token-independent) -------------------------------------
    tok = tokens(lay.value_lo, FAULT).named("tok")
    idx = indices(lay.S).named("idx")
    is_in = lt(idx, lay.n_in).named("is_input")
    is_out = ge(idx, lay.out_start).named("is_output")
    is_rec = and_(not_(is_in), not_(is_out)).named("is_record")
    rel = clip(sub(idx, lay.n_in), 0, T * PK - 1)
    blk_raw = add(ew("floordiv", rel, PK), 1)
    blk = where(is_in, 0, where(is_out, T + 1, blk_raw)).named("block")
    within = ew("mod", rel, PK)
    KS = lay.KS
    in_state = lt(within, P * KS)
    wpart = sub(within, P * KS)
    proc = where(in_state, ew("floordiv", within, KS), ew("floordiv", wpart, 2)).named("proc")
    field = where(is_rec, where(in_state, ew("mod", within, KS), add(ew("mod", wpart, 2), KS)),
                  -1).named("field")
    first = eq(blk, 1)
    is_p0 = eq(proc, 0)
    in_addr = _piecewise_address(idx, lay.inputs, NO_WRITE).named("input_address")
    out_addr = _piecewise_address(idx, lay.outputs, NO_READ).named("output_address")
    is_mask = eq(tok, MASK).named("is_mask")

    def at(offset: Seq) -> Seq:
        """The token at ``offset`` (an attention head keyed on the position)."""
        return fetch(idx, offset, tok, "leftmost", 0)

    # ---- 2. state carry: own previous record and processor 0's ---------------------------
    p0_prev = sub(sub(idx, within), PK)          # previous block's start = p0's state part
    own_prev = add(p0_prev, mul(proc, KS))       # own state part in the previous block
    init_mode = where(is_p0, MODE_RUN, MODE_IDLE)

    def prev_field(start: Seq, f: int, init: Seq | int) -> Seq:
        return where(first, init, at(add(start, f)))

    mode = prev_field(own_prev, F_MODE, init_mode).named("mode")
    pc = prev_field(own_prev, F_PC, 0).named("pc")
    regs = [prev_field(own_prev, F_REG0 + k, 0) for k in range(R)]
    same_prev = where(first, where(eq(field, F_MODE), init_mode, 0), at(sub(idx, PK)))
    p0_mode = prev_field(p0_prev, F_MODE, MODE_RUN).named("p0_mode")
    p0_pc = prev_field(p0_prev, F_PC, 0)
    p0_regs = [prev_field(p0_prev, F_REG0 + k, 0) for k in range(R)]
    p0_same = where(first, 0, at(add(p0_prev, field)))  # p0's copy of this (register) field
    # RUN processors in the previous block (JOIN's barrier) and its unfilled cells (readiness).
    n_run_prev = where(first, 1, fetch((blk, field, tok), (sub(blk, 1), F_MODE, MODE_RUN),
                                       tok, "count", 0)).named("run_prev")
    masks_prev = fetch((blk, is_mask), (sub(blk, 1), 1), tok, "count", 0).named("masks_prev")

    # ---- 3. instruction decode ---------------------------------------------------------------
    cols = _decode_tables(prog, base, size)
    pcc = clip(pc, 0, max(len(prog.instructions) - 1, 0))
    op, d, a, b, imm, abase, asize, target, fn, v = (
        table(pcc, cols[k], 0) for k in
        ("op", "d", "a", "b", "imm", "base", "asize", "target", "fn", "v"))
    pc0c = clip(p0_pc, 0, max(len(prog.instructions) - 1, 0))
    op0 = table(pc0c, cols["op"], -1)
    a0, b0, v0, target0 = (table(pc0c, cols[k], 0) for k in ("a", "b", "v", "target"))

    # ---- 4. register fetch and ALU -----------------------------------------------------------
    ra = clip(choose(a, regs, 0), wlo, whi).named("ra")
    rb = clip(choose(b, regs, 0), wlo, whi).named("rb")
    lo0 = clip(choose(a0, p0_regs, 0), wlo, whi)
    hi0 = clip(choose(b0, p0_regs, 0), wlo, whi)
    alu = build_alu(fn, ra, rb, vb)
    run = eq(mode, MODE_RUN)
    is_op = {name: eq(op, code) for name, code in OP_CODES.items()}
    in_bounds = and_(ge(ra, 0), lt(ra, asize))
    oob = and_(run, or_(is_op["LOAD"], is_op["STORE"]), not_(in_bounds))

    # ---- 5. shared read: most recent write to the address, else the input cell, else 0 -------
    load = and_(run, is_op["LOAD"], in_bounds)
    read_addr = where(is_out, out_addr, where(load, add(abase, ra), NO_READ)).named("read_addr")
    left_tok = at(sub(idx, 1))
    is_wv = eq(field, lay.f_wv)
    key_addr = where(is_in, in_addr, where(is_wv, left_tok, NO_WRITE)).named("key_address")
    is_writeish = or_(is_in, is_wv)
    read_val = fetch((is_writeish, key_addr), (1, read_addr), tok, "rightmost", 0).named("read")

    # A loaded value is a memory value, always inside the word: only computed values can
    # overflow, so the overflow test does not need the read (keeps the fault flag read-free).
    computed_val = clip(choose(op, [imm, ra, alu.un, alu.bin], 0), wlo - 1, whi + 1)
    # The register receives a value inside the word even when it overflowed: the fault mode
    # stops the run, and the token stays a value of the vocabulary (an out-of-range value
    # would be an invalid fill, not the documented overflow fault).
    result_c = where(is_op["LOAD"], read_val, clip(computed_val, wlo, whi)).named("result")
    writes_reg = and_(run, le(op, OP_CODES["LOAD"]))
    arith_fault = and_(run, or_(and_(is_op["UN"], alu.un_fault), and_(is_op["BIN"], alu.bin_fault)))
    overflow = and_(writes_reg, not_(arith_fault), not_(is_op["LOAD"]),
                    or_(lt(computed_val, wlo), gt(computed_val, whi)))

    # ---- 6. the block's writes under the memory model ---------------------------------------
    store = and_(run, is_op["STORE"], in_bounds)
    raw_wa = where(store, add(abase, ra), NO_WRITE).named("raw_write_address")
    raw_wv = where(store, rb, 0)
    is_wa = eq(field, lay.f_wa)
    same_addr = ((blk, is_wa, raw_wa), (blk, 1, raw_wa))
    first_writer = fetch(*same_addr, proc, "leftmost", -1)
    model = prog.model
    keeper = eq(first_writer, proc)
    value = raw_wv
    conflict: Seq = const(0)
    if model in (MemoryModel.EREW, MemoryModel.CREW):
        conflict = and_(store, gt(fetch(*same_addr, tok, "count", 0), 1))
    elif model is MemoryModel.CRCW_COMMON:
        vmin = fetch(*same_addr, raw_wv, "min", 0)
        vmax = fetch(*same_addr, raw_wv, "max", 0)
        conflict = and_(store, ne(vmin, vmax))
    elif model is MemoryModel.CRCW_ARBITRARY:
        keeper = eq(fetch(*same_addr, proc, "rightmost", -1), proc)
    elif model is MemoryModel.CRCW_SUM:
        value = fetch(*same_addr, raw_wv, "sum", 0)
    elif model is MemoryModel.CRCW_MIN:
        value = fetch(*same_addr, raw_wv, "min", 0)
    elif model is MemoryModel.CRCW_MAX:
        value = fetch(*same_addr, raw_wv, "max", 0)
    value = clip(value, wlo - 1, whi + 1)
    w_overflow = and_(store, keeper, or_(lt(value, wlo), gt(value, whi)))
    read_conflict: Seq = const(0)
    if model is MemoryModel.EREW:
        raw_ra = where(load, add(abase, ra), NO_READ)
        n_readers = fetch((blk, is_wa, raw_ra), (blk, 1, raw_ra), tok, "count", 0)
        read_conflict = and_(load, gt(n_readers, 1))
    wa_final = where(and_(store, keeper), raw_wa, NO_WRITE).named("write_address")
    wv_final = where(and_(store, keeper), clip(value, wlo, whi), 0).named("write_value")

    # ---- 7. control: FORK / JOIN / HALT, faults, the next record ----------------------------
    p0_run = eq(p0_mode, MODE_RUN)
    fork = and_(p0_run, eq(op0, OP_CODES["FORK"]))
    count = add(sub(hi0, lo0), 1)
    fork_fault = and_(fork, gt(count, P))
    fork_mine = and_(fork, ge(count, 1), le(count, P), lt(proc, count)).named("forked")
    p0_join = and_(or_(p0_run, eq(p0_mode, MODE_WAIT)), eq(op0, OP_CODES["JOIN"]))
    release = and_(p0_join, eq(sub(n_run_prev, p0_run), 0)).named("join_release")
    wait = eq(mode, MODE_WAIT)

    # One processor has at most one of these (one instruction); codes are FaultKind's.
    kind = where(arith_fault, int(FaultKind.DOMAIN), where(or_(overflow, w_overflow),
                 int(FaultKind.OVERFLOW), where(oob, int(FaultKind.OUT_OF_BOUNDS), where(
                     conflict, int(FaultKind.WRITE_CONFLICT), where(
                         read_conflict, int(FaultKind.READ_CONFLICT), where(
                             and_(is_p0, fork_fault), int(FaultKind.PROCESSORS), 0))))))
    own_fault = ne(kind, 0).named("own_fault")
    n_faults = fetch((blk, is_wa, own_fault), (blk, 1, 1), tok, "count", 0)
    fault_mode = where(own_fault, add(kind, FAULT_BASE),
                       where(and_(is_p0, gt(n_faults, 0)), FAULT_OTHER, 0))

    run_mode = where(is_op["JOIN"], where(and_(is_p0, release), MODE_RUN, MODE_WAIT),
                     where(is_op["HALT"], MODE_HALTED, MODE_RUN))
    wait_mode = where(release, where(is_p0, MODE_RUN, MODE_IDLE), MODE_WAIT)
    new_mode = where(fork_mine, MODE_RUN, where(run, run_mode, where(wait, wait_mode, mode)))
    new_mode = where(ne(fault_mode, 0), fault_mode, new_mode).named("new_mode")

    pc1 = add(pc, 1)
    run_pc = choose(op, [pc1] * OP_CODES["JMP"] + [
        target, where(eq(ra, 0), target, pc1), target,
        where(and_(is_p0, release), pc1, pc), pc], pc1)
    new_pc = where(fork_mine, add(p0_pc, 1), where(run, run_pc, where(
        and_(wait, is_p0, release), pc1, pc))).named("new_pc")

    reg_k = sub(field, F_REG0)
    new_reg = where(fork_mine, where(eq(reg_k, v0), add(lo0, proc), p0_same),
                    where(and_(writes_reg, eq(d, reg_k)), result_c, same_prev))
    computed = choose(field, [new_mode, new_pc] + [new_reg] * R + [wa_final, wv_final], FILL)

    # ---- 8. fill rule --------------------------------------------------------------------
    p0_mode_key = and_(is_rec, is_p0, eq(field, F_MODE))
    ended_key = and_(ge(tok, MODE_HALTED), le(tok, FAULT_MAX))
    end_blk = fetch((p0_mode_key, ended_key), (1, 1), blk, "leftmost", T + 2).named("end_block")
    end_code = fetch((p0_mode_key, ended_key), (1, 1), tok, "leftmost", 0)
    ended = lt(end_blk, blk).named("ended_before")
    ready = and_(or_(is_rec, is_out), or_(ended, eq(masks_prev, 0)))
    fill = and_(is_mask, ready)
    if one_token_per_step:
        fill = and_(fill, or_(eq(idx, 0), ne(left_tok, MASK)))
    out_token = where(ended, where(eq(end_code, MODE_HALTED), read_val, FAULT), OVER)
    token = where(is_out, out_token, where(ended, FILL, computed))
    token = clip(token, lay.value_lo, FAULT).named("token")
    named.update(mode=mode, pc=pc, read=read_val, result=result_c, block=blk, proc=proc,
                 field=field, new_mode=new_mode, new_pc=new_pc, write_address=wa_final,
                 write_value=wv_final, end_block=end_blk, run_prev=n_run_prev,
                 masks_prev=masks_prev, forked=fork_mine, join_release=release,
                 read_addr=read_addr, key_address=key_addr, own_fault=own_fault)
    return StepNetwork(token=token, fill=fill.named("fill"), named=named)
