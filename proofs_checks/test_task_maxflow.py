"""Graph editing by max-flow (``docs/maxflow.md``): the AP-MDM of ``constructions/maxflow_apmdm``
against networkx and a plain-Python Edmonds--Karp written here.

On random directed graphs with 4..12 nodes (some with no s-t path at all):

* the deleted edges are a minimum s-t cut: their capacity equals networkx's minimum cut value,
  and after the deletion no directed path leads from s to t;
* the flow on the canvas just before the cut phase is a maximum flow: within the capacities,
  conserved at every inner node, of value equal to the cut, saturating every deleted edge;
* lock-step with Edmonds--Karp (layer-synchronous BFS, the smallest edge code as parent, the
  same rule the network applies): the same number of augmenting paths and, after each, the same
  flow on every edge;
* context: ``5(N + E)`` tokens until the cut is deleted, never more; steps within the
  construction's bound, and per augmentation exactly (BFS layers + trace steps + 2).

Default run: 12 graphs (one per node count 4..12 first, then random sizes); ``--run-slow`` (or
``RUN_SLOW=1``) adds 600 graphs in two seeds -- the same checks on each.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from constructions.maxflow_apmdm import MaxFlowConstruction, random_graph
from constructions.maxflow_apmdm.construction import MODES
from proofs_checks.report import record


def edmonds_karp(n: int, edges: list[tuple[int, int, int]]) -> list[list[int]]:
    """Flows after each augmentation (index 0: all zero)."""
    flow = [0] * len(edges)
    history = [list(flow)]
    while True:
        level = {0: 0}
        parent: dict[int, int] = {}
        frontier = [0]
        while frontier and n - 1 not in level:
            depth = level[frontier[0]]
            best: dict[int, int] = {}
            for i, (u, v, c) in enumerate(edges):
                if level.get(u) == depth and v not in level and c - flow[i] > 0:
                    best[v] = min(best.get(v, 2 * i), 2 * i)
                if level.get(v) == depth and u not in level and flow[i] > 0:
                    best[u] = min(best.get(u, 2 * i + 1), 2 * i + 1)
            for w, code in best.items():
                level[w], parent[w] = depth + 1, code
            frontier = sorted(best)
        if n - 1 not in level:
            return history
        path, w = [], n - 1
        while w != 0:
            code = parent[w]
            i, back = divmod(code, 2)
            path.append((i, back))
            w = edges[i][1] if back else edges[i][0]
        b = min(flow[i] if back else edges[i][2] - flow[i] for i, back in path)
        for i, back in path:
            flow[i] += -b if back else b
        history.append(list(flow))


def _graphs(count: int, seed: int) -> list[tuple[int, list[tuple[int, int, int]]]]:
    """Random graphs, the first nine with 4, 5, ..., 12 nodes (every size in any sample)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        n = 4 + k if k < 9 else int(rng.integers(4, 13))
        e = int(rng.integers(n // 2, min(n * (n - 1), 4 * n) + 1))
        out.append((n, random_graph(rng, n, e, int(rng.integers(1, 10)))))
    return out


@pytest.mark.parametrize(("seed", "count"), [(0, 12), pytest.param(1, 300, marks=pytest.mark.slow),
                                             pytest.param(2, 300, marks=pytest.mark.slow)])
def test_minimum_cut_and_maximum_flow(seed: int, count: int) -> None:
    graphs = _graphs(count, 700 + seed)
    zero = 0
    for n, edges in graphs:
        con = MaxFlowConstruction(n, edges)
        rep = con.run(record_canvases=True)
        trace = rep.trace
        assert trace is not None and rep.halt == "fixed_point"
        graph = nx.DiGraph()
        graph.add_nodes_from(range(n))
        for u, v, c in edges:
            graph.add_edge(u, v, capacity=c)
        value = nx.minimum_cut_value(graph, 0, n - 1)
        out = rep.output
        assert out["min_cut_value"] == value
        zero += value == 0
        kept = nx.DiGraph()
        kept.add_nodes_from(range(n))
        kept.add_edges_from((u, v) for u, v, _, _ in con.layout.edges_of(trace.final))
        assert not nx.has_path(kept, 0, n - 1)
        assert kept.number_of_edges() == len(edges) - len(out["cut_edges"])

        # the flow before the cut phase, and the lock-step comparison with Edmonds-Karp
        size = 5 * (n + len(edges))
        whole = [c for c in trace.canvases if c.shape[0] == size]  # before the deletion
        modes = con.program.evaluate(np.stack(whole))["mode"][:, 0].tolist()
        first_cut = modes.index(5)
        flows = [f for *_, f in con.layout.edges_of(trace.canvases[first_cut])]
        net = [0] * n
        for (u, v, c), f in zip(edges, flows, strict=True):
            assert 0 <= f <= c
            net[u] -= f
            net[v] += f
        assert all(x == 0 for x in net[1:-1]) and net[-1] == value
        cut = {(u, v) for u, v, _ in out["cut_edges"]}
        assert all(f == c for (u, v, c), f in zip(edges, flows, strict=True) if (u, v) in cut)
        reference = edmonds_karp(n, edges)
        after_b = [t + 1 for t, mode in enumerate(modes) if mode == 4]
        assert len(after_b) == len(reference) - 1 == rep.extra["augmenting_paths"]
        for t, expected in zip(after_b, reference[1:], strict=True):
            assert [f for *_, f in con.layout.edges_of(trace.canvases[t])] == expected

        lengths = [c.shape[0] for c in trace.canvases]
        assert lengths[: len(whole)] == [size] * len(whole) and rep.context_length == size
        assert all(x < size for x in lengths[len(whole):])  # only the cut's deletion shrinks it
        assert rep.decoding_steps <= con.steps_bound
        record("Max-flow (task)", claim="deleted edges = a minimum cut (networkx); flow = "
               "Edmonds-Karp's after every augmentation; context 5(N + E)",
               num_graphs=1, max_nodes=n, max_decoding_steps=rep.decoding_steps,
               max_augmenting_paths=rep.extra["augmenting_paths"])
    assert zero < len(graphs)  # most graphs carry flow


def test_depth_does_not_depend_on_the_graph() -> None:
    depths = {n: MaxFlowConstruction(n, random_graph(np.random.default_rng(n), n, 2 * n))
              .program.cost().depth for n in (4, 8, 12, 24)}
    assert len(set(depths.values())) == 1, depths
    assert MODES[0] == "done"
    record("Max-flow (task)", claim="constant depth", depth_by_n=depths)
