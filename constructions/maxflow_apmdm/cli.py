"""``python -m constructions.maxflow_apmdm run --nodes 8 --edges 20 --seed 3 [--json] [--show]``
or ``run --nodes 4 --graph "0>1:3, 1>3:2, 0>2:1, 2>3:4"``.

Runs the max-flow AP-MDM (Edmonds--Karp as decoding steps, then the minimum-cut edges deleted)
on the shared engine. ``--json`` prints the shared construction report: ``output`` holds
``min_cut_value`` and ``cut_edges``; ``extra`` adds ``reference_min_cut_value``, the minimum cut
computed by networkx for comparison -- here, in the command line tool only: the construction
never sees it. ``--show`` prints the BFS levels and the edges (``u>v flow/capacity``) after
every step. Bad graphs (nodes out of range, self-loops, repeated edges, capacities outside
1..99, too many edges) exit 2 with a message naming the edge.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from constructions.cli_common import add_run_options, emit_report, run_kwargs
from constructions.interface import RunReport
from constructions.maxflow_apmdm.construction import MaxFlowConstruction
from constructions.maxflow_apmdm.layout import (
    MAX_CAPACITY,
    MAX_NODES,
    Edge,
    parse_graph,
    random_graph,
)
from simulators.cli_support import ArgumentParser, run_main
from simulators.errors import UsageError
from simulators.processes.html import program_explainer


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m constructions.maxflow_apmdm",
                            description="Graph editing by max-flow: Edmonds-Karp as AP-MDM "
                                        "steps, then delete the minimum-cut edges.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run on a random or given graph (source 0, sink n-1)")
    run.add_argument("--nodes", type=int, required=True, help=f"2..{MAX_NODES} nodes")
    run.add_argument("--edges", type=int, default=None, help="random graph: number of edges")
    run.add_argument("--seed", type=int, default=0, help="random graph: seed")
    run.add_argument("--max-capacity", type=int, default=9,
                     help=f"random graph: capacities 1..this (at most {MAX_CAPACITY})")
    run.add_argument("--graph", default=None, help="edges 'U>V:CAP, ...' instead of a random graph")
    run.add_argument("--show", action="store_true", help="print the state after every step")
    add_run_options(run)
    return parser


def reference_min_cut(nodes: int, edges: Sequence[Edge]) -> int:
    """networkx's minimum s-t cut value (the independent reference, for the report only)."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(nodes))
    for u, v, c in edges:
        graph.add_edge(u, v, capacity=c)
    return int(nx.minimum_cut_value(graph, 0, nodes - 1))


def _text(report: RunReport) -> str:
    out = report.output
    cut = ", ".join(f"{u}>{v}:{c}" for u, v, c in out["cut_edges"]) or "none"
    return (f"min cut value {out['min_cut_value']} (networkx: "
            f"{report.extra['reference_min_cut_value']}); deleted edges: {cut}\n"
            f"decoding steps {report.decoding_steps}, augmenting paths "
            f"{report.extra['augmenting_paths']}, context length {report.context_length}")


def _graph(args: argparse.Namespace) -> list[Edge]:
    if not 2 <= args.nodes <= MAX_NODES:
        raise UsageError(f"--nodes must be in 2..{MAX_NODES}")
    if args.graph is not None:
        if args.edges is not None:
            raise UsageError("give either --graph or --edges, not both")
        return parse_graph(args.graph)
    if args.edges is None:
        raise UsageError("give --edges N (a random graph) or --graph 'U>V:CAP, ...'")
    if args.seed < 0:
        raise UsageError("--seed must be >= 0")
    if not 1 <= args.max_capacity <= MAX_CAPACITY:
        raise UsageError(f"--max-capacity must be in 1..{MAX_CAPACITY}")
    return random_graph(np.random.default_rng(args.seed), args.nodes, args.edges,
                        args.max_capacity)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    con = MaxFlowConstruction(args.nodes, _graph(args))
    kwargs = run_kwargs(args)
    kwargs["record_canvases"] = kwargs["record_canvases"] or args.show
    report = con.run(**kwargs)
    report.extra["reference_min_cut_value"] = reference_min_cut(con.nodes, con.edges)
    trace = report.trace
    if args.show and trace is not None:
        for step, canvas in enumerate(trace.canvases):
            state = con.decode_state(canvas)
            levels = " ".join("." if lv is None else str(lv) for lv in state["levels"])
            edges = " ".join("{0}>{1}:{3}/{2}".format(*("?" if x < 0 else x for x in e))
                             for e in state["edges"])
            print(f"step {step:3d} [{state['next_step']:9s}] levels {levels} | {edges}")
    views = explain = None
    if args.html and trace is not None:
        views = [con.decode_state(c) for c in trace.canvases]
        explain = program_explainer(con.program, trace)
    emit_report(args, report, text=_text, views=views, explain=explain, title="max-flow",
                task_keys=("min_cut_value", "reference_min_cut_value", "cut_edges"))
    return 0


def entry(argv: Sequence[str] | None = None) -> int:
    return run_main(main, argv)
