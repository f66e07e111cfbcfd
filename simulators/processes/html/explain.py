"""Why a token appeared: the step network's values at one position, for the trace viewer.

A construction's decoding step is an encoder program (docs/encoder.md); evaluating it on the
canvas *before* a step gives, at every position, every intermediate sequence's value -- the
"named intermediate quantities" of the network -- and, for each attention head
(:class:`~simulators.encoder.sequences.Aggregate`), the keys its selector chose for that query.
:func:`program_explainer` turns that into the ``explain(step, position)`` callable that
:func:`simulators.processes.html.write_trace_html` embeds for the cells a student clicks.

The head's choice is recomputed from the same sequences the interpreter used (one O(L) row of the
selection matrix per query, with the comparison table of the dense reference), so it is the
interpreter's own attention pattern, not a second model of it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from simulators.encoder.attention_dense import COMPARE
from simulators.encoder.dump import sublayer_name
from simulators.encoder.program import Program
from simulators.encoder.sequences import Aggregate, Seq, Source
from simulators.processes.trace import Trace

#: At most this many selected keys are listed for a head that averages/sums/counts.
MAX_LISTED_KEYS = 16

Explainer = Callable[[int, int], dict[str, Any]]


def replayed_rng(policy: Callable[[np.ndarray, np.random.Generator], Any], trace: Trace,
                 start: Mapping[str, Any]) -> Callable[[int], np.random.Generator]:
    """``rng_for_step`` for a stochastic run, by replaying its noise.

    ``start`` is the engine rng's ``bit_generator.state`` before the run. The engines hand the
    rng only to the policy, once per step in order, so calling ``policy`` on the recorded
    canvases with a generator started from ``start`` consumes exactly the run's draws: the state
    before call ``t`` is the state step ``t`` was decided with. (Tested on Theorem 5: the
    replayed outputs equal the applied decisions at every position.)
    """
    gen = np.random.default_rng()
    gen.bit_generator.state = copy.deepcopy(dict(start))
    states: list[dict[str, Any]] = []
    for t in range(len(trace.decisions)):
        states.append(copy.deepcopy(dict(gen.bit_generator.state)))
        policy(trace.canvases[t], gen)

    def rng_for_step(step: int) -> np.random.Generator:
        out = np.random.default_rng()
        out.bit_generator.state = states[step]
        return out

    return rng_for_step


def selected_keys(head: Aggregate, values: dict[Seq, np.ndarray], q: int) -> np.ndarray:
    """Key positions that query ``q`` of ``head`` selects (row ``q`` of the selection matrix)."""
    sel = head.selector
    n = values[head].shape[0]
    row = np.ones(n, dtype=bool)
    for k, qs, p in zip(sel.keys, sel.queries, sel.predicates, strict=True):
        if p == "true":
            continue
        row &= COMPARE[p](values[k], values[qs][q])
    return np.flatnonzero(row)


def _chosen(head: Aggregate, values: dict[Seq, np.ndarray], keys: np.ndarray) -> list[int]:
    """The key(s) that decided the head's value: one for leftmost/rightmost/max/min, else all."""
    if keys.size == 0:
        return []
    if head.mode == "leftmost":
        return [int(keys[0])]
    if head.mode == "rightmost":
        return [int(keys[-1])]
    if head.mode in ("max", "min"):
        v = values[head.values][keys]
        best = v.max() if head.mode == "max" else v.min()
        return [int(keys[np.flatnonzero(v == best)[0]])]
    return [int(k) for k in keys[:MAX_LISTED_KEYS]]


def explain_position(prog: Program, values: dict[Seq, np.ndarray], q: int) -> dict[str, Any]:
    """The viewer's explanation of position ``q``: the outputs, every attention head (its
    selector, the deciding key(s), its value) and the value of every *named* sequence."""
    name = prog.name_of
    outputs = {key: int(values[seq][q]) for key, seq in prog.outputs.items()}
    heads = []
    named: dict[str, int] = {}
    for node in prog.nodes:
        if isinstance(node, Source) and node.kind == "const":
            continue
        if isinstance(node, Aggregate):
            keys = selected_keys(node, values, q)
            heads.append({
                "head": name(node), "layer": sublayer_name(prog.sublayers[node.uid]),
                "mode": node.mode, "selector": node.selector.describe(name),
                "selected": len(keys), "keys": _chosen(node, values, keys),
                "value": int(values[node][q])})
        elif node.label:  # unnamed helper sequences stay out (Program.explain lists them)
            named[node.label] = int(values[node][q])
    return {"outputs": outputs, "heads": heads, "values": named}


def program_explainer(prog: Program, trace: Trace, *,
                      rng_for_step: Callable[[int], np.random.Generator] | None = None
                      ) -> Explainer:
    """``explain(step, position)`` from ``prog`` evaluated on ``trace.canvases[step]``.

    Each step's canvas is evaluated once (cached) on first use. A stochastic program (one that
    reads noise) needs ``rng_for_step``; without it the explanation says the noise was not
    recorded and shows one fresh draw instead of the run's own.
    """
    cache: dict[int, dict[Seq, np.ndarray]] = {}
    note = ""
    if prog.is_stochastic and rng_for_step is None:
        note = ("this step network reads random noise that the trace does not record: the "
                "values below come from a fresh draw, not from the run itself")

    def explain(step: int, position: int) -> dict[str, Any]:
        if step not in cache:
            rng = (rng_for_step(step) if rng_for_step is not None
                   else np.random.default_rng(step) if prog.is_stochastic else None)
            cache.clear()  # one step at a time: canvases can be large
            cache[step] = prog.evaluate_all(trace.canvases[step], rng=rng)
        out = explain_position(prog, cache[step], position)
        if note:
            out["note"] = note
        return out

    explain.cost_per_position = len(prog.nodes)  # type: ignore[attr-defined]
    return explain
