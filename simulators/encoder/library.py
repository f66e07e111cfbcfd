"""A small library of encoder programs (and the building blocks the constructions reuse).

Each ``*_program`` returns a validated :class:`Program` whose output is checked in
``tests/encoder/test_library.py`` against a plain Python reference. The builders without the
suffix return a sequence to embed in a larger program:

* :func:`most_recent_write` -- the PRAM memory read (Theorems 1 and 4): value of the most recent
  write to address ``a`` before position ``p``;
* :func:`copy_from_previous_block` -- the state carry between fixed-size blocks;
* :func:`prefix_sum` -- running sums (one head).
"""

from __future__ import annotations

from simulators.encoder.program import Program
from simulators.encoder.sequences import (
    Seq,
    aggregate,
    const,
    ew,
    indices,
    length,
    select,
    tokens,
)

# ----------------------------------------------------------------------------- building blocks


def prefix_sum(values: Seq, idx: Seq) -> Seq:
    """``out[i] = sum_{j <= i} values[j]`` (one head: select keys at positions <= the query)."""
    return aggregate(select(idx, idx, "<="), values, "sum", default=0)


def most_recent_write(addr: Seq, is_write: Seq, value: Seq, q_addr: Seq, q_pos: Seq,
                      pos: Seq, *, default: int = 0) -> Seq:
    """Value of the rightmost position ``j`` with ``is_write[j] == 1``, ``addr[j] == q_addr[i]``
    and ``pos[j] < q_pos[i]``; ``default`` if there is none (memory read, Theorems 1/4).

    One head; the conjunction is the join shape the fast path handles (two equalities and one
    order atom on ``pos``).
    """
    sel = select((addr, is_write, pos), (q_addr, const(1), q_pos), ("==", "==", "<"))
    return aggregate(sel, value, "rightmost", default=default)


def copy_from_previous_block(values: Seq, idx: Seq, block: int, *, default: int = 0) -> Seq:
    """``out[i] = values[i - block]`` (same offset in the previous block), else ``default``."""
    src = ew("sub", idx, block)
    return aggregate(select(idx, src, "=="), values, "leftmost", default=default)


# ----------------------------------------------------------------------------- programs


def histogram_program(vocab: int, max_length: int) -> Program:
    """``count[i]`` = occurrences of ``tokens[i]`` in the canvas (tokens in ``0..vocab-1``)."""
    tok = tokens(0, vocab - 1).named("tok")
    count = aggregate(select(tok, tok, "=="), 1, "count", default=0).named("count")
    return Program({"count": count}, max_length, name="histogram")


def sort_distinct_program(vocab: int, max_length: int) -> Program:
    """``sorted[i]`` = the i-th smallest token (tokens pairwise distinct, in ``0..vocab-1``).

    rank[j] = #{k : tok[k] < tok[j]}; then position i fetches the token whose rank is i.
    """
    tok = tokens(0, vocab - 1).named("tok")
    idx = indices().named("idx")
    rank = aggregate(select(tok, tok, "<"), 1, "count", default=0).named("rank")
    out = aggregate(select(rank, idx, "=="), tok, "leftmost", default=0).named("sorted")
    return Program({"sorted": out}, max_length, name="sort_distinct")


def reverse_program(vocab: int, max_length: int) -> Program:
    """``rev[i] = tokens[L - 1 - i]``."""
    tok = tokens(0, vocab - 1).named("tok")
    idx = indices().named("idx")
    mirror = ew("sub", ew("sub", length().named("L"), 1), idx).named("mirror")
    out = aggregate(select(idx, mirror, "=="), tok, "leftmost", default=0).named("rev")
    return Program({"rev": out}, max_length, name="reverse")


def dyck1_program(max_length: int, *, open_id: int = 0, close_id: int = 1) -> Program:
    """One-sided Dyck-1: ``depth[i]`` = opens minus closes in ``tokens[0..i]``;
    ``balanced`` (at every position) = 1 iff no prefix depth is negative and the total is 0."""
    lo, hi = min(open_id, close_id), max(open_id, close_id)
    tok = tokens(lo, hi).named("tok")
    idx = indices().named("idx")
    step = ew("where", ew("eq", tok, open_id), 1, -1).named("step")
    depth = prefix_sum(step, idx).named("depth")
    lowest = aggregate(select(idx, idx, "true"), depth, "min", default=0).named("lowest")
    total = aggregate(select(idx, idx, "true"), step, "sum", default=0).named("total")
    ok = ew("and", ew("ge", lowest, 0), ew("eq", total, 0)).named("balanced")
    return Program({"depth": depth, "balanced": ok}, max_length, name="dyck1")


def prefix_sum_program(lo: int, hi: int, max_length: int) -> Program:
    """``psum[i] = tokens[0] + ... + tokens[i]`` (tokens in ``lo..hi``)."""
    tok = tokens(lo, hi).named("tok")
    return Program({"psum": prefix_sum(tok, indices().named("idx")).named("psum")}, max_length,
                   name="prefix_sum")


def most_recent_write_program(addresses: int, values: int, max_length: int) -> Program:
    """A memory log: token ``t = kind*(A*V) + addr*V + value`` (kind 0 = read, 1 = write).

    ``read[i]`` = value of the most recent write to ``addr[i]`` strictly before ``i`` (0 if none)
    -- for a read, what it returns; for a write, the value it overwrites.
    """
    cells = addresses * values
    tok = tokens(0, 2 * cells - 1).named("tok")
    idx = indices().named("idx")
    kind = ew("floordiv", tok, cells).named("kind")
    addr = ew("floordiv", ew("mod", tok, cells), values).named("addr")
    val = ew("mod", tok, values).named("val")
    read = most_recent_write(addr, kind, val, addr, idx, idx).named("read")
    return Program({"read": read}, max_length, name="most_recent_write")


def previous_block_program(vocab: int, block: int, max_length: int) -> Program:
    """``carry[i] = tokens[i - block]`` for ``i >= block``, else 0 (state carry between blocks)."""
    tok = tokens(0, vocab - 1).named("tok")
    idx = indices().named("idx")
    carry = copy_from_previous_block(tok, idx, block).named("carry")
    return Program({"carry": carry}, max_length, name="previous_block")


LIBRARY = {
    "histogram": histogram_program,
    "sort_distinct": sort_distinct_program,
    "reverse": reverse_program,
    "dyck1": dyck1_program,
    "prefix_sum": prefix_sum_program,
    "most_recent_write": most_recent_write_program,
    "previous_block": previous_block_program,
}
