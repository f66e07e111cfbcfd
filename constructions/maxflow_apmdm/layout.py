"""Canvas layout of the max-flow AP-MDM: a directed graph with capacities written as tokens.

Nodes ``0..N-1`` (source ``s = 0``, sink ``t = N-1``), then edges ``0..E-1``, five tokens each:

* node ``j``: ``[N] level parent mark scratch`` -- the BFS level (masked: not reached yet), the
  parent edge code (``2i``: reached along edge ``i`` forwards, ``2i+1``: backwards, i.e. by
  cancelling flow on edge ``i``; ``[ROOT]`` for ``s``), the augmenting-path mark (the bottleneck
  from this node to ``t``; on ``s``: the path's bottleneck, or ``[CUT]`` once no augmenting path
  is left) and a scratch slot (the edge's new flow during an augmentation);
* edge ``i``: ``[E] u v capacity flow`` -- the residual capacities are ``capacity - flow``
  forwards and ``flow`` backwards.

Integers ``0..K`` are their own ids (``K`` = the largest of ``2E``, ``N``, the largest capacity);
``[M] [N] [E] [ROOT] [CUT]`` follow. The canvas has ``5(N + E)`` tokens until the last phase
deletes the minimum-cut edges (whole blocks, so the layout stays aligned).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulators.errors import UsageError
from simulators.processes import IntVocab

BLOCK = 5
MAX_NODES = 64
MAX_CAPACITY = 99
SPECIALS = ("[M]", "[N]", "[E]", "[ROOT]", "[CUT]")

Edge = tuple[int, int, int]  # (u, v, capacity)


@dataclass(frozen=True)
class FlowLayout:
    nodes: int
    edges: int
    max_capacity: int

    @property
    def top(self) -> int:
        """``K``: integers ``0..K`` are tokens."""
        return max(2 * self.edges, self.nodes, self.max_capacity, 1)

    @property
    def mask(self) -> int:
        return self.top + 1

    @property
    def node_marker(self) -> int:
        return self.top + 2

    @property
    def edge_marker(self) -> int:
        return self.top + 3

    @property
    def root(self) -> int:
        return self.top + 4

    @property
    def cut(self) -> int:
        return self.top + 5

    @property
    def length(self) -> int:
        return BLOCK * (self.nodes + self.edges)

    def vocab(self) -> IntVocab:
        return IntVocab(0, self.top, specials=SPECIALS, mask="[M]")

    def canvas(self, edges: Sequence[Edge]) -> np.ndarray:
        m = self.mask
        nodes = np.full((self.nodes, BLOCK), m, dtype=np.int64)
        nodes[:, 0] = self.node_marker
        nodes[0, 1], nodes[0, 2] = 0, self.root  # the source is reached at level 0
        blocks = [nodes.reshape(-1)]
        for u, v, c in edges:
            blocks.append(np.array([self.edge_marker, u, v, c, 0], dtype=np.int64))
        return np.concatenate(blocks)

    def edges_of(self, canvas: np.ndarray) -> list[tuple[int, int, int, int]]:
        """``(u, v, capacity, flow)`` of the edge blocks still on the canvas (masked values: -1)."""
        c = np.asarray(canvas, dtype=np.int64)[BLOCK * self.nodes:].reshape(-1, BLOCK)
        return [tuple(int(x) if x <= self.top else -1 for x in row[1:]) for row in c]  # type: ignore[misc]

    def levels(self, canvas: np.ndarray) -> list[int | None]:
        c = np.asarray(canvas, dtype=np.int64)[: BLOCK * self.nodes].reshape(-1, BLOCK)
        return [int(x) if x <= self.top else None for x in c[:, 1]]


def check_graph(nodes: int, edges: Sequence[Edge]) -> None:
    """Refuse graphs the construction is not defined for, with a message naming the edge."""
    if isinstance(nodes, bool) or not 2 <= nodes <= MAX_NODES:
        raise UsageError(f"the graph needs 2..{MAX_NODES} nodes (source 0, sink n-1), "
                         f"got {nodes!r}")
    seen = set()
    for k, (u, v, c) in enumerate(edges):
        where = f"edge {k + 1} ({u}->{v}:{c})"
        if not (0 <= u < nodes and 0 <= v < nodes):
            raise UsageError(f"{where}: node out of range 0..{nodes - 1}")
        if u == v:
            raise UsageError(f"{where}: self-loops are not allowed")
        if (u, v) in seen:
            raise UsageError(f"{where}: repeats an edge (merge the capacities)")
        if not 1 <= c <= MAX_CAPACITY:
            raise UsageError(f"{where}: capacity must be in 1..{MAX_CAPACITY}")
        seen.add((u, v))


def parse_graph(text: str) -> list[Edge]:
    """``"0>1:3, 1>2:4"`` -> edges ``(u, v, capacity)``."""
    edges: list[Edge] = []
    for k, item in enumerate(filter(None, (s.strip() for s in text.split(",")))):
        try:
            uv, cap = item.split(":")
            u, v = uv.split(">")
            nums = [u.strip(), v.strip(), cap.strip()]
            if not all(x.isascii() and x.isdigit() and len(x) <= 6 for x in nums):
                raise ValueError
        except ValueError:
            raise UsageError(f"edge {k + 1} ({item!r}): expected U>V:CAPACITY with "
                             "non-negative integers, e.g. 0>1:3") from None
        edges.append((int(nums[0]), int(nums[1]), int(nums[2])))
    return edges


def random_graph(rng: np.random.Generator, nodes: int, edges: int, max_capacity: int = 9,
                 ) -> list[Edge]:
    """``edges`` distinct directed edges (no self-loops) with capacities ``1..max_capacity``."""
    if not 0 <= edges <= nodes * (nodes - 1):
        raise UsageError(f"a simple directed graph on {nodes} nodes has at most "
                         f"{nodes * (nodes - 1)} edges, asked for {edges}")
    pairs = [(u, v) for u in range(nodes) for v in range(nodes) if u != v]
    chosen = rng.choice(len(pairs), size=edges, replace=False)
    return [(pairs[k][0], pairs[k][1], int(rng.integers(1, max_capacity + 1)))
            for k in sorted(chosen)]
