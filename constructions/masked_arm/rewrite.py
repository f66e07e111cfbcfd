"""Re-target an encoder program onto a region of a longer canvas (the core of Theorem 3).

The wrapped MDM program ``f`` was written for canvases of length S. Inside the Masked-ARM it must
compute, at positions ``0..S-1``, exactly what it would compute on the MDM's current canvas -- even
though the Masked-ARM canvas is longer and its tokens are different. A purely syntactic rewrite of
the program's DAG achieves that (docs/theorem3.md, "Rewriting the wrapped program"):

* ``tokens``  -> the rebuilt MDM canvas (a sequence the wrapper computes by attention);
* ``indices`` -> the Masked-ARM's indices, clipped to the declared range (equal on ``0..S-1``);
* ``length``  -> the constant S (the MDM canvas length);
* ``const`` / ``random`` sources are kept;
* every ``select`` gets one extra conjunct ``key index < S``: no position ever attends outside
  the original region, so values at ``0..S-1`` depend only on values at ``0..S-1``.

By induction over the DAG, every node's value at a position ``i < S`` equals its value in the MDM
program evaluated on the rebuilt canvas. The rewrite adds no layer of its own: the extra conjunct
compares two sources (indices and a constant), which the same attention head evaluates.
Clipping keeps every node's declared range identical to the original's, so the rewritten program
is valid wherever the original is, and positions ``>= S`` (garbage, never read) cannot fault.
"""

from __future__ import annotations

from collections.abc import Mapping

from simulators.encoder import (
    Aggregate,
    Elementwise,
    Program,
    Selector,
    Seq,
    Source,
    aggregate,
    const,
    ew,
    select,
)
from simulators.errors import EncoderProgramError


def retarget(program: Program, *, canvas: Seq, positions: Seq, context: int,
             prefix: str = "mdm.", restrict: bool = True) -> dict[str, Seq]:
    """The outputs of ``program`` rewritten to run on ``canvas`` over positions ``0..context-1``.

    ``canvas`` replaces the ``tokens`` source (its values at ``i < context`` must be the MDM
    canvas), ``positions`` must be the host program's ``indices()``. Returns the rewritten
    outputs under their original names; intermediate sequences are labelled ``prefix + name``.
    ``restrict=False`` drops the extra ``key index < S`` conjunct -- an ablation that shows why it
    is needed (the tests check that the wrapper then goes wrong).
    """
    if context > program.max_length:
        raise EncoderProgramError(f"program {program.name!r} handles canvases up to "
                                  f"{program.max_length} positions, not the context {context}")
    limit = const(context).named("S")
    new: dict[int, Seq] = {}
    for node in program.nodes:  # creation order is topological
        new[node.uid] = _rewrite(node, new, program, canvas, positions, limit, context, restrict)
        if node.label is not None and new[node.uid] is not node:  # never relabel shared nodes
            new[node.uid].named(prefix + node.label)
    return {name: new[seq.uid] for name, seq in program.outputs.items()}


def _rewrite(node: Seq, new: Mapping[int, Seq], program: Program, canvas: Seq, positions: Seq,
             limit: Seq, context: int, restrict: bool) -> Seq:
    if isinstance(node, Source):
        declared = program.range(node)
        if node.kind == "tokens":
            return ew("clip", canvas, lo=declared.lo, hi=declared.hi)
        if node.kind == "indices":
            return ew("clip", positions, lo=declared.lo, hi=declared.hi)
        if node.kind == "length":
            return const(context)
        return node  # const / random: position-independent, kept as is
    if isinstance(node, Elementwise):
        return ew(node.prim, *(new[a.uid] for a in node.args), **node.params)
    if isinstance(node, Aggregate):
        sel: Selector = node.selector
        if not restrict:
            plain = select(tuple(new[k.uid] for k in sel.keys),
                           tuple(new[q.uid] for q in sel.queries), tuple(sel.predicates))
            return aggregate(plain, new[node.values.uid], node.mode, default=node.default)
        restricted = select(
            tuple(new[k.uid] for k in sel.keys) + (positions,),
            tuple(new[q.uid] for q in sel.queries) + (limit,),
            tuple(sel.predicates) + ("<",),
        )
        return aggregate(restricted, new[node.values.uid], node.mode, default=node.default)
    raise EncoderProgramError(f"cannot rewrite node {node!r}")  # pragma: no cover
