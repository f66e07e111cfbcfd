"""The max-flow / minimum-cut AP-MDM on one graph through the shared
:class:`~constructions.interface.Construction` interface (``name = "maxflow"``).

``output``: ``{"min_cut_value", "cut_edges"}`` read off the canvases -- the deleted edges
(present at the start, gone at the end) and the sum of their capacities. ``extra``: the graph's
size and the number of augmenting paths (counted from the trace's step records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from constructions.backends import (
    WeightsAPMDMPolicy,
    check_backend,
    compile_weights,
    network_report,
    program_apmdm_policy,
)
from constructions.interface import RunReport
from constructions.maxflow_apmdm.layout import Edge, FlowLayout, check_graph
from constructions.maxflow_apmdm.program import build_program
from simulators.encoder import Program
from simulators.errors import LimitExceeded
from simulators.processes import HaltReason, IntVocab, run_apmdm

MODES = {0: "done", 1: "bfs", 2: "trace", 3: "augment A", 4: "augment B", 5: "cut"}


@dataclass
class MaxFlowConstruction:
    """``nodes`` (source 0, sink ``nodes - 1``) and directed ``edges`` ``(u, v, capacity)``."""

    nodes: int
    edges: list[Edge]
    name: str = "maxflow"
    layout: FlowLayout = field(init=False, repr=False)
    program: Program = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.edges = [(int(u), int(v), int(c)) for u, v, c in self.edges]
        check_graph(self.nodes, self.edges)
        cmax = max((c for _, _, c in self.edges), default=1)
        self.layout = FlowLayout(self.nodes, len(self.edges), cmax)
        self.program = build_program(self.layout)

    @property
    def vocab(self) -> IntVocab:
        return self.layout.vocab()

    @property
    def steps_bound(self) -> int:
        """Edmonds--Karp augments at most ``N E / 2`` times (each a BFS of <= N layers, a trace of
        <= N steps and two update steps); then one BFS, the cut's two steps and the end."""
        n, e = self.nodes, len(self.edges)
        return (n * e // 2 + 1) * (2 * n + 3) + 4

    def initial_canvas(self) -> np.ndarray:
        return self.layout.canvas(self.edges)

    def policy(self, mode: str = "fast", **kw: Any) -> Any:
        return program_apmdm_policy(self.program, mode, device=kw.get("device", "cpu"))

    def decode_state(self, canvas: np.ndarray) -> dict[str, Any]:
        """BFS levels, the flow on every edge still present, and the next step's mode."""
        c = np.asarray(canvas, dtype=np.int64)
        mode = int(self.program.evaluate(c)["mode"][0])
        return {"levels": self.layout.levels(c),
                "edges": [list(e) for e in self.layout.edges_of(c)],
                "next_step": MODES[mode]}

    def run(self, *, max_steps: int | None = None, record_canvases: bool = False,
            rng: np.random.Generator | None = None, backend: str = "interpreter",
            device: str = "cpu") -> RunReport:
        check_backend(backend, device)
        compiled = compile_weights(self.program, device=device) if backend == "weights" else None
        policy = self.policy("fast") if compiled is None else WeightsAPMDMPolicy(compiled,
                                                                                 self.program)
        limit = self.steps_bound if max_steps is None else max_steps
        trace = run_apmdm(policy, self.initial_canvas(), self.vocab, rng=rng, max_steps=limit,
                          max_length=self.layout.length, halt_on_eos=False,
                          record_canvases=record_canvases)
        if trace.halt != HaltReason.FIXED_POINT:
            raise LimitExceeded(f"stopped after {trace.num_steps} decoding steps "
                                f"({trace.halt.value}: {trace.message})")
        kept = {(u, v) for u, v, _, _ in self.layout.edges_of(trace.final)}
        cut = [(u, v, c) for u, v, c in self.edges if (u, v) not in kept]
        output = {"min_cut_value": sum(c for _, _, c in cut), "cut_edges": [list(e) for e in cut]}
        extra = {"nodes": self.nodes, "edges": len(self.edges),
                 "augmenting_paths": augmentations(trace.steps)}
        return RunReport.from_trace(self.name, backend, trace, output,
                                    network_report(self.program, compiled), extra)


def augmentations(steps: Sequence[Any]) -> int:
    """Augmenting paths of a run: its two steps "augment A" (fill the scratch slots, remask the
    path's flows) and "augment B" (unmask the flows, remask the node tokens) are the only steps
    that both fill and remask."""
    return sum(1 for s in steps if s.filled > 0 and s.remasked > 0) // 2
