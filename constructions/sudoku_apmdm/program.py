"""The per-step network ``f`` of the Sudoku AP-MDM, written as an encoder program.

One evaluation decides one decoding step for every position at once (``docs/sudoku.md`` walks
through it). Constant depth: the blocks are

1. three heads gather the cell's value, colour and marker to all four of its positions;
2. per unit (row, column, box) and value ``u`` one ``max`` head asks "does a cell of my unit hold
   ``u``?", and one ``count`` head counts the unit's cells holding the cell's own value (two or
   more: a conflict) -- ``3(n + 1)`` heads side by side in one attention layer;
3. an MLP derives the candidates (values no peer holds, above the cell's dead-end bound), their
   number and the smallest, the cell's depth and its flags;
4. global heads (``max``/``min`` over all positions) read the current depth and whether any cell
   is pending, contradictory, a dead end or forced, and which empty cell branches (fewest
   candidates, then lowest index);
5. an MLP picks the step's mode, the same for every position, and the writes.

Modes, in priority order: finish a backtrack (a pending cell: remask its value, write its marker
``X<value>``); backtrack on a contradiction (remask the cells of the deepest depth, remask the
marker of the branch cell that opened it); retry a dead-end cell with its next candidate;
fill every forced cell (exactly one candidate) in parallel; open a branch on one cell with its
smallest candidate; else nothing (a solved grid, or a contradiction at depth 0: no solution),
which is a fixed point of ``g`` and ends the run.
"""

from __future__ import annotations

from constructions.sudoku_apmdm.layout import (
    ROLE_COLOUR,
    ROLE_MARKER,
    ROLE_VALUE,
    TOKENS_PER_CELL,
    SudokuLayout,
)
from simulators.encoder import Program, Seq, aggregate, const, ew, indices, select, tokens


def _any(flag: Seq, idx: Seq, name: str) -> Seq:
    """One head: 1 at every position iff ``flag`` is 1 somewhere on the canvas."""
    return aggregate(select(idx, idx, "true"), flag, "max", default=0).named(name)


def _gather(idx: Seq, cell: Seq, tok: Seq, role: int, default: int, name: str) -> Seq:
    """One head: the token at role ``role`` of this position's cell."""
    target = ew("add", ew("mul", cell, TOKENS_PER_CELL), role)
    return aggregate(select(idx, target, "=="), tok, "leftmost", default=default).named(name)


def build_program(layout: SudokuLayout) -> Program:
    """The encoder program; outputs ``y, remask, insert, delete`` and, for the checks and
    ``--show``, ``mode`` (a code of :data:`~constructions.sudoku_apmdm.process.MODE_NAMES`) and
    ``top_depth`` (the current branch depth)."""
    n, cells, m = layout.n, layout.cells, layout.mask
    bh, bw = layout.box
    tok = tokens(0, m).named("tok")
    idx = indices().named("idx")
    cell = ew("floordiv", idx, TOKENS_PER_CELL).named("cell")
    role = ew("mod", idx, TOKENS_PER_CELL).named("role")
    row = ew("floordiv", cell, n).named("row")
    col = ew("mod", cell, n).named("col")
    box = ew("add", ew("mul", ew("floordiv", row, bh), n // bw),
             ew("floordiv", col, bw)).named("box")

    # block 1: the cell's own tokens at all four positions
    v_tok = _gather(idx, cell, tok, ROLE_VALUE, m, "v_tok")
    c_tok = _gather(idx, cell, tok, ROLE_COLOUR, m, "c_tok")
    k_tok = _gather(idx, cell, tok, ROLE_MARKER, m, "k_tok")
    filled = ew("lt", v_tok, n).named("filled")
    value = ew("where", filled, ew("add", v_tok, 1), 0).named("value")  # 0 when empty

    # block 2: what the peers hold. Only value positions are keys (one key per cell).
    at_value = ew("eq", role, ROLE_VALUE)
    own_filled = ew("and", at_value, ew("lt", tok, n))
    key_value = ew("where", own_filled, ew("add", tok, 1), -1).named("key_value")
    query_value = ew("where", filled, value, -2).named("query_value")
    conflict: Seq = const(0)
    held: dict[int, Seq] = {u: const(0) for u in range(1, n + 1)}
    for unit, name in ((row, "row"), (col, "col"), (box, "box")):
        same = aggregate(select((unit, key_value), (unit, query_value), ("==", "==")), 1,
                         "count", default=0).named(f"{name}_same")
        conflict = ew("or", conflict, ew("ge", same, 2))
        for u in range(1, n + 1):
            has_u = aggregate(select((unit, key_value), (unit, const(u)), ("==", "==")),
                              key_value, "max", default=0)
            held[u] = ew("or", held[u], ew("eq", has_u, u))
    conflict = ew("and", filled, conflict).named("conflict")

    # block 3: candidates, depth and flags of the cell
    k_is_mask = ew("eq", k_tok, m)
    is_bound = ew("and", ew("ge", k_tok, layout.bound0), ew("le", k_tok, layout.bound0 + n))
    bound = ew("where", ew("and", is_bound, ew("not", filled)),
               ew("sub", k_tok, layout.bound0), 0).named("bound")
    colour = ew("where", ew("eq", c_tok, m), 0, ew("sub", c_tok, layout.colour0)).named("colour")
    ncand: Seq = const(0)
    smallest: Seq = const(0)
    for u in range(n, 0, -1):
        cand = ew("and", ew("not", held[u]), ew("gt", const(u), bound))
        ncand = ew("add", ncand, cand)
        smallest = ew("where", cand, u, smallest)
    ncand, smallest = ncand.named("ncand"), smallest.named("smallest")
    empty = ew("and", ew("not", filled), k_is_mask).named("empty")
    dead_end = ew("and", ew("not", filled), is_bound).named("dead_end")
    pending = ew("and", filled, k_is_mask).named("pending")
    branch_cell = ew("and", filled, is_bound)
    # the depth the cell's content belongs to (-1: empty); a branch cell's value is one deeper
    depth = ew("where", empty, -1,
               ew("where", ew("or", branch_cell, pending), ew("add", colour, 1), colour),
               ).named("depth")
    stuck = ew("and", ew("or", empty, dead_end), ew("eq", ncand, 0))
    bad = ew("or", conflict, stuck).named("bad")
    forced = ew("and", empty, ew("eq", ncand, 1)).named("forced")
    big = (n + 1) * cells
    branch_key = ew("where", ew("and", empty, ew("ge", ncand, 2)),
                    ew("add", ew("mul", ncand, cells), cell), big).named("branch_key")

    # block 4: global view
    everywhere = select(idx, idx, "true")
    top = ew("max", aggregate(everywhere, depth, "max", default=-1), 0).named("top_depth")
    any_pending = _any(pending, idx, "any_pending")
    any_bad = _any(bad, idx, "any_bad")
    any_dead_end = _any(dead_end, idx, "any_dead_end")
    any_forced = _any(forced, idx, "any_forced")
    best = aggregate(everywhere, branch_key, "min", default=big).named("best_key")

    # block 5: the step's mode and the writes
    no_pending = ew("not", any_pending)
    backtrack = ew("and", no_pending, ew("and", any_bad, ew("ge", top, 1))).named("backtrack")
    ok = ew("and", no_pending, ew("not", any_bad))
    retry = ew("and", ok, any_dead_end).named("retry")
    ok = ew("and", ok, ew("not", any_dead_end))
    fill = ew("and", ok, any_forced).named("fill")
    branch = ew("and", ew("and", ok, ew("not", any_forced)), ew("lt", best, big)).named("branch")
    chosen = ew("and", branch, ew("eq", branch_key, best))
    mode = ew("add", ew("add", ew("mul", any_pending, 1), ew("mul", backtrack, 2)),
              ew("add", ew("add", ew("mul", retry, 3), ew("mul", fill, 4)),
                     ew("mul", branch, 5))).named("mode")

    is_v, is_c, is_k = (ew("eq", role, r) for r in (ROLE_VALUE, ROLE_COLOUR, ROLE_MARKER))
    cell_role = ew("lt", role, ROLE_MARKER + 1)  # value, colour or marker (not the separator)
    # backtrack: the branch cell that opened the top depth keeps its value (the failed guess)
    # for one more step; every other cell of the top depth is cleared
    opener = ew("and", branch_cell, ew("eq", ew("add", colour, 1), top))
    clear = ew("and", ew("eq", depth, top), ew("not", opener))
    backtrack_remask = ew("or", ew("and", opener, is_k), ew("and", clear, cell_role))
    remask = ew("or", ew("and", any_pending, ew("and", pending, is_v)),
                ew("and", backtrack, backtrack_remask))

    new_value = ew("sub", smallest, 1)
    colour_tok = ew("add", top, layout.colour0)
    write_new = ew("or", ew("and", fill, forced), chosen)
    y: Seq = tok
    y = ew("where", ew("and", write_new, is_v), new_value, y)
    y = ew("where", ew("and", write_new, is_c), colour_tok, y)
    y = ew("where", ew("and", ew("and", fill, forced), is_k), layout.normal, y)
    y = ew("where", ew("and", chosen, is_k), layout.bound0, y)
    y = ew("where", ew("and", ew("and", retry, dead_end), is_v), new_value, y)
    y = ew("where", ew("and", ew("and", any_pending, pending), is_k),
           ew("add", v_tok, layout.bound0 + 1), y)
    zero = ew("mul", idx, 0)
    outputs = {
        "y": y.named("y"),
        "remask": remask.named("remask"),
        "insert": ew("eq", zero, 1).named("insert"),
        "delete": ew("eq", zero, 1).named("delete"),
        "mode": mode,
        "top_depth": top,
    }
    return Program(outputs, max_length=layout.length, name=f"sudoku_apmdm_{n}x{n}")
