"""Exhaustive support exploration: every output the process can produce up to a length L.

The state graph's nodes are canvases and its edges are the transitions ``g(x, choices)`` over
*all* combinations the policy's per-position sampling can make (``Menu``: each coin either way at
``may_insert`` positions, each letter at ``free_letter`` positions) -- every such combination has
positive probability, and no other decision can occur. Outputs are the fixed points (a self-loop:
the choice "insert nothing" on a clean canvas), read without the BOS.

Pruning is exact: a round's word length is fixed when its inserts are chosen (each insert on a
clean canvas commits one pair = 2 letters; ``DyckLayout.committed_length`` reads it off any
canvas), and word lengths never decrease from round to round, so canvases committed to more than
L letters are never expanded. Canvases are deduplicated; ``max_states`` guards the graph size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations, product

import networkx as nx
import numpy as np

from constructions.dyck_apmdm.process import DyckAPMDM
from simulators.cli_support import check_memory
from simulators.errors import LimitExceeded, UsageError
from simulators.processes import apmdm_transition_batch

DEFAULT_MAX_STATES = 300_000
DEFAULT_MAX_SUPPORT_LENGTH = 16
#: Peak bytes per explored state (graph node with its canvas tuple and edges, plus the batch
#: arrays of a frontier), measured with tracemalloc by benchmarks/memory_estimates.py: at most
#: 4.8 KB for supports up to length 16 (docs/robustness.md), rounded up. ``max_states`` times this
#: is checked against the machine's available memory before exploring, so a raised
#: ``--max-states`` cannot run the machine out of memory; the default needs about 1.8 GB.
BYTES_PER_STATE = 6_000


@dataclass(frozen=True)
class Support:
    """The explored state graph and the outputs (fixed points) by length."""

    graph: nx.DiGraph
    outputs: dict[int, list[tuple[int, ...]]]  # length -> sorted words (letter ids)
    max_length: int

    def counts(self) -> dict[int, int]:
        return {n: len(self.outputs.get(n, [])) for n in range(0, self.max_length + 1, 2)}


def _successors(
    model: DyckAPMDM, batch: np.ndarray, max_length: int
) -> list[list[np.ndarray]]:
    """For each canvas of an equal-length batch, every canvas ``g`` can make from it under its
    menu (pruned by committed length); one batched ``g`` call for the whole group."""
    menu = model.menu_arrays(batch)
    y_det, remask, insert_det, delete = (menu[n] for n in ("y_det", "remask", "insert_det",
                                                            "delete"))
    may = menu["may_insert"] & ~insert_det
    free = menu["free_letter"]
    budgets = np.asarray((max_length - model.layout.committed_length(batch)) // 2)  # pairs left
    has_choice = (may.any(axis=1) & (budgets > 0)) | free.any(axis=1)
    # canvases without a choice: one successor each, straight from the batch arrays
    owners = [np.flatnonzero(~has_choice)]
    rows = [(y_det[~has_choice], insert_det[~has_choice], remask[~has_choice],
             delete[~has_choice])]
    letters = model.menus_letters
    for b in np.flatnonzero(has_choice).tolist():
        slots = np.flatnonzero(may[b]).tolist()
        free_b = np.flatnonzero(free[b])
        subsets = [s for r in range(min(int(budgets[b]), len(slots)) + 1)
                   for s in combinations(slots, r)]
        choices = list(product(letters, repeat=free_b.size))
        n = len(subsets) * len(choices)
        ys = np.repeat(y_det[b][None, :], n, axis=0)
        ins = np.repeat(insert_det[b][None, :], n, axis=0)
        r = 0
        for subset in subsets:
            for chosen in choices:
                ins[r, list(subset)] = True
                ys[r, free_b] = chosen
                r += 1
        owners.append(np.full(n, b))
        rows.append((ys, ins, np.repeat(remask[b][None, :], n, axis=0),
                     np.repeat(delete[b][None, :], n, axis=0)))
    owner = np.concatenate(owners)
    ys, ins, rem, dele = (np.concatenate([r[i] for r in rows]) for i in range(4))
    out: list[list[np.ndarray]] = [[] for _ in range(batch.shape[0])]
    if owner.size == 0:
        return out
    nexts = apmdm_transition_batch(batch[owner], ys, rem, ins, dele, mask=model.layout.mask)
    for b, nxt in zip(owner.tolist(), nexts, strict=True):
        out[b].append(nxt)
    return out


def explore_support(
    model: DyckAPMDM,
    max_length: int,
    *,
    max_states: int = DEFAULT_MAX_STATES,
    max_support_length: int = DEFAULT_MAX_SUPPORT_LENGTH,
    on_progress: Callable[[int], None] | None = None,
) -> Support:
    """Breadth-first exploration from ``[BOS]``; outputs of length <= ``max_length``.

    ``on_progress(states)`` is called after each batch of the frontier (a CLI shows progress).

    ``model.target_length`` must be >= ``max_length`` so that the target never hides a word (the
    check raises otherwise); ``max_states`` bounds the number of distinct canvases.
    """
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 0:
        raise UsageError(f"max_length must be a non-negative integer, got {max_length!r}")
    if max_length > max_support_length:
        raise LimitExceeded(
            f"support up to length {max_length} exceeds max_support_length={max_support_length}"
        )
    if model.target_length is not None and model.target_length < max_length:
        raise UsageError(
            f"target_length={model.target_length} < max_length={max_length}: longer words would "
            "be cut off by the target, not by the process"
        )
    check_memory(max_states * BYTES_PER_STATE,
                 what=f"a support exploration of up to max_states = {max_states} states")
    graph = nx.DiGraph()
    start = model.layout.initial_canvas()
    graph.add_node(tuple(start.tolist()))
    frontier = [start]
    outputs: dict[int, list[tuple[int, ...]]] = {}
    while frontier:
        by_length: dict[int, list[np.ndarray]] = {}
        for x in frontier:
            by_length.setdefault(x.size, []).append(x)
        frontier = []
        for group in by_length.values():
            batch = np.stack(group)
            successors = _successors(model, batch, max_length)
            for x, nexts in zip(group, successors, strict=True):
                node = tuple(x.tolist())
                for nxt in nexts:
                    key = tuple(nxt.tolist())
                    if key == node:
                        word = key[1:]
                        if not graph.has_edge(node, node):
                            outputs.setdefault(len(word), []).append(word)
                    elif key not in graph:
                        if graph.number_of_nodes() >= max_states:
                            raise LimitExceeded(
                                f"support exploration exceeded max_states={max_states}"
                            )
                        frontier.append(nxt)
                    graph.add_edge(node, key)
            if on_progress is not None:
                on_progress(graph.number_of_nodes())
    return Support(graph, {n: sorted(ws) for n, ws in sorted(outputs.items())}, max_length)


def support_counts(
    k: int, max_length: int, *, two_sided: bool = True, max_states: int = DEFAULT_MAX_STATES
) -> dict[int, int]:
    """``{length: number of distinct outputs}`` for even lengths up to ``max_length``."""
    model = DyckAPMDM(k, two_sided, target_length=max(max_length, 0))
    support = explore_support(model, max_length, max_states=max_states)
    return support.counts()


def word_length_histogram(words: list[np.ndarray]) -> Counter[int]:
    return Counter(int(w.size) for w in words)
