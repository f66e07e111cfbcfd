"""The per-step network of the max-flow AP-MDM (Edmonds--Karp, then the minimum-cut edit),
written as an encoder program (``docs/maxflow.md`` walks through it).

Four attention layers: (1) every position gathers its own block (an edge's ``u v cap flow``, a
node's ``level parent mark scratch``); (2) an edge reads its endpoints' levels, a node the
endpoints and flow of its parent edge; (3) a node takes the best candidate edge into it (a
``min`` over the edges) and its successor on the augmenting path (a ``min`` over the nodes), an
edge whether it is on the path and the new flow a node computed for it; (4) global heads read
the phase. Modes, the same for every position, in priority order:

* **cut** (``[CUT]`` on the source's mark): remask every edge from a reached node to an
  unreached one (the minimum cut), then delete those masks; then nothing -- a fixed point;
* **augment B** (a scratch slot is written): every path edge's flow is unmasked to the value its
  node computed; every node token except the source's level and parent is remasked (reset);
* **augment A** (the source is marked with the bottleneck ``b``): each path node writes its
  edge's new flow (``+b`` forwards, ``-b`` backwards) into its scratch slot; the path edges'
  flows are remasked;
* **trace** (the sink is reached): the sink's mark is ``K``; a reached node whose successor on
  the path is marked gets ``min(successor's mark, residual of the successor's parent edge)``;
* **BFS**: every unreached node with an edge of positive residual capacity from a node of the
  deepest level gets the next level and the smallest such edge code as parent; if there is none,
  the source's mark becomes ``[CUT]``.
"""

from __future__ import annotations

from constructions.maxflow_apmdm.layout import BLOCK, FlowLayout
from simulators.encoder import Program, Seq, aggregate, ew, indices, select, tokens


def build_program(lay: FlowLayout) -> Program:
    m, top, big = lay.mask, lay.top, lay.top + 1
    nb = BLOCK * lay.nodes
    tok = tokens(0, lay.cut).named("tok")
    idx = indices().named("idx")
    everywhere = select(idx, idx, "true")
    in_node = ew("lt", idx, nb).named("in_node")
    rel = ew("where", in_node, idx, ew("sub", idx, nb))
    blk = ew("floordiv", rel, BLOCK).named("block")
    role = ew("mod", rel, BLOCK).named("role")
    base = ew("where", in_node, ew("mul", blk, BLOCK), ew("add", ew("mul", blk, BLOCK), nb))

    def at(position: Seq | int, name: str, default: int = 0) -> Seq:
        return aggregate(select(idx, position, "=="), tok, "leftmost", default=default).named(name)

    def value(x: Seq) -> Seq:  # 1 where a gathered token is an integer (not a mask / special)
        return ew("le", x, top)

    # layer 1: own block
    b1, b2, b3, b4 = (at(ew("add", base, r), f"own{r}", m) for r in range(1, BLOCK))
    is_edge = ew("not", in_node)
    eu, ev, cap, flow = b1, b2, b3, b4  # meaningful at edge positions
    level, parent, mark, scratch = b1, b2, b3, b4  # meaningful at node positions
    reached = ew("and", in_node, value(level)).named("reached")
    marked = ew("and", in_node, value(mark)).named("marked")

    # global phase (heads on fixed positions)
    s_mark = at(3, "s_mark", m)
    t_level = at(BLOCK * (lay.nodes - 1) + 1, "t_level", m)
    cut_mode = ew("eq", s_mark, lay.cut).named("cut_mode")
    s_marked = value(s_mark)
    any_scratch = aggregate(everywhere, ew("and", ew("and", in_node, ew("eq", role, 4)),
                                            value(tok)), "max", default=0).named("any_scratch")
    edge_masks = aggregate(everywhere, ew("and", is_edge, ew("eq", tok, m)), "max", default=0)
    aug_b = ew("and", ew("not", cut_mode), any_scratch).named("augment_b")
    aug_a = ew("and", ew("and", ew("not", cut_mode), ew("not", any_scratch)), s_marked)
    aug_a = aug_a.named("augment_a")
    rest = ew("and", ew("not", cut_mode), ew("and", ew("not", any_scratch), ew("not", s_marked)))
    trace = ew("and", rest, value(t_level)).named("trace")
    bfs = ew("and", rest, ew("not", value(t_level))).named("bfs")

    # layer 2: an edge's endpoint levels; a node's parent edge
    lvl_u = at(ew("add", ew("mul", eu, BLOCK), 1), "level_u", m)
    lvl_v = at(ew("add", ew("mul", ev, BLOCK), 1), "level_v", m)
    deepest = aggregate(everywhere, ew("where", ew("and", reached, ew("eq", role, 1)), level, -1),
                        "max", default=-1).named("deepest")
    res_fwd = ew("sub", cap, flow)
    fcand = ew("and", ew("and", is_edge, ew("eq", lvl_u, deepest)),
               ew("and", ew("not", value(lvl_v)), ew("gt", res_fwd, 0)))
    bcand = ew("and", ew("and", is_edge, ew("eq", lvl_v, deepest)),
               ew("and", ew("not", value(lvl_u)), ew("gt", flow, 0)))
    one_key = ew("eq", role, 4)  # one position per block carries the block's keys
    node_q = ew("where", in_node, blk, -2)
    best_f = aggregate(select(ew("where", ew("and", fcand, one_key), ev, -1), node_q, "=="),
                       ew("mul", blk, 2), "min", default=big)
    best_b = aggregate(select(ew("where", ew("and", bcand, one_key), eu, -1), node_q, "=="),
                       ew("add", ew("mul", blk, 2), 1), "min", default=big)
    best = ew("min", best_f, best_b).named("best_edge")
    visit = ew("and", ew("and", in_node, ew("not", reached)), ew("lt", best, big)).named("visit")
    any_visit = aggregate(everywhere, visit, "max", default=0).named("any_visit")

    on_tree = ew("and", reached, ew("le", parent, top))  # reached, not the source
    pe = ew("where", on_tree, ew("floordiv", parent, 2), 0).named("parent_edge")
    direction = ew("mod", ew("where", on_tree, parent, 0), 2)
    pe_base = ew("add", ew("mul", pe, BLOCK), nb)
    p_u, p_v = at(ew("add", pe_base, 1), "p_u"), at(ew("add", pe_base, 2), "p_v")
    p_cap, p_flow = at(ew("add", pe_base, 3), "p_cap"), at(ew("add", pe_base, 4), "p_flow")
    pred = ew("where", ew("eq", direction, 0), p_u, p_v).named("pred")
    residual = ew("where", ew("eq", direction, 0), ew("sub", p_cap, p_flow), p_flow)

    # layer 3: the path
    path_node = ew("and", marked, on_tree)
    succ_key = ew("where", ew("and", path_node, one_key), pred, -1)
    through = aggregate(select(succ_key, node_q, "=="), ew("min", mark, residual), "min",
                        default=big).named("through_successor")
    is_sink = ew("and", in_node, ew("eq", blk, lay.nodes - 1))
    new_mark = ew("where", is_sink, top, through)
    gets_mark = ew("and", ew("and", reached, ew("not", marked)),
                   ew("or", is_sink, ew("lt", through, big))).named("gets_mark")
    bottleneck = ew("clip", s_mark, lo=0, hi=top)
    new_flow = ew("where", ew("eq", direction, 0), ew("add", p_flow, bottleneck),
                  ew("sub", p_flow, bottleneck))
    new_flow = ew("clip", new_flow, lo=0, hi=top).named("new_flow")
    edge_q = ew("where", is_edge, blk, -2)
    path_key = ew("where", ew("and", path_node, one_key), pe, -1)
    on_path = ew("and", is_edge, ew("gt", aggregate(select(path_key, edge_q, "=="), 1, "count",
                                                    default=0), 0)).named("on_path")
    written = aggregate(select(path_key, edge_q, "=="), scratch, "max", default=0)

    # layer 4: the writes
    r1, r2, r3, r4 = (ew("eq", role, r) for r in range(1, BLOCK))
    cut_edge = ew("and", is_edge, ew("and", value(lvl_u), ew("not", value(lvl_v))))
    cut_edge = ew("and", cut_edge, ew("not", edge_masks)).named("cut_edge")
    source_core = ew("and", ew("lt", idx, 3), ew("gt", idx, 0))  # the source's level, parent
    remask = ew("or", ew("and", cut_mode, cut_edge),
                ew("or", ew("and", aug_b, ew("and", in_node, ew("and", ew("gt", role, 0),
                                                                 ew("not", source_core)))),
                   ew("and", aug_a, ew("and", on_path, r4))))
    delete = ew("and", ew("and", cut_mode, edge_masks), ew("and", is_edge, ew("eq", tok, m)))
    stuck = ew("and", bfs, ew("not", any_visit))
    y: Seq = tok
    y = ew("where", ew("and", ew("and", bfs, visit), r1), ew("add", deepest, 1), y)
    y = ew("where", ew("and", ew("and", bfs, visit), r2), best, y)
    y = ew("where", ew("and", stuck, ew("eq", idx, 3)), lay.cut, y)
    y = ew("where", ew("and", ew("and", trace, gets_mark), r3), new_mark, y)
    y = ew("where", ew("and", ew("and", aug_a, path_node), r4), new_flow, y)
    y = ew("where", ew("and", ew("and", aug_b, on_path), r4), written, y)
    zero = ew("mul", idx, 0)
    mode = ew("add", ew("add", ew("mul", bfs, 1), ew("mul", trace, 2)),
              ew("add", ew("add", ew("mul", aug_a, 3), ew("mul", aug_b, 4)),
                 ew("mul", cut_mode, 5))).named("mode")
    return Program({"y": y.named("y"), "remask": remask.named("remask"),
                    "insert": ew("eq", zero, 1).named("insert"), "delete": delete.named("delete"),
                    "mode": mode},
                   max_length=lay.length, name=f"maxflow_apmdm_{lay.nodes}n_{lay.edges}e")
