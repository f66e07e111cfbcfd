"""The validator: collect a program's nodes and give every sequence a sound value range.

Ranges are propagated by interval arithmetic in creation (= topological) order. Anything that
cannot be realised by a fixed-precision transformer is rejected here, before anything runs, with a
reason: type mismatches (non-boolean input to a logical primitive, divisor range containing 0),
ranges beyond the exact-float64 limit, tables that do not cover their input, ``indices(S)`` /
``length(S)`` declared for fewer positions than the program handles.
"""

from __future__ import annotations

from collections.abc import Iterable

from simulators.encoder.intervals import MAX_ABS_VALUE, Interval
from simulators.encoder.primitives import PRIMITIVES
from simulators.encoder.sequences import Aggregate, Elementwise, Seq, Source
from simulators.errors import EncoderProgramError


def collect(outputs: Iterable[Seq]) -> list[Seq]:
    """Every node reachable from ``outputs``, in topological (creation) order."""
    seen: dict[int, Seq] = {}
    stack = list(outputs)
    while stack:
        node = stack.pop()
        if node.uid in seen:
            continue
        seen[node.uid] = node
        stack.extend(node.children())
    return [seen[u] for u in sorted(seen)]


def _source_range(node: Source, max_length: int) -> Interval:
    if node.kind in ("tokens", "const", "random"):
        assert node.lo is not None and node.hi is not None
        return Interval(node.lo, node.hi)
    bound = max_length if node.bound is None else node.bound
    if bound < max_length:
        raise EncoderProgramError(
            f"{node.name} = {node.describe()}: declared for {bound} positions but the program "
            f"handles canvases up to max_length={max_length}")
    if node.kind == "indices":
        return Interval(0, bound - 1)
    return Interval(0, bound)


def _aggregate_range(node: Aggregate, values: Interval, max_length: int) -> Interval:
    d = Interval(node.default, node.default)
    if node.mode == "count":
        return Interval(0, max_length).union(d)
    total = Interval(min(0, values.lo) * max_length, max(0, values.hi) * max_length)
    if node.mode == "sum":
        return total.union(d)
    if node.mode == "mean" and not total.fits():
        # The average is computed from the exact sum, which must stay exact itself.
        raise EncoderProgramError(
            f"{node.name} = {node.describe()}: the sum behind the mean can reach {total}, "
            f"beyond the exact limit |v| <= {MAX_ABS_VALUE} (overflowing values)")
    return values.union(d)


def infer_ranges(nodes: list[Seq], max_length: int) -> dict[int, Interval]:
    """Range of every node (by uid); raises :class:`EncoderProgramError` with a reason."""
    ranges: dict[int, Interval] = {}
    for node in nodes:
        if isinstance(node, Source):
            r = _source_range(node, max_length)
        elif isinstance(node, Elementwise):
            prim = PRIMITIVES[node.prim]
            try:
                r = prim.out_range([ranges[a.uid] for a in node.args], node.params)
            except EncoderProgramError as err:
                raise EncoderProgramError(
                    f"{node.name} = {node.describe()}: {err.message}") from None
        elif isinstance(node, Aggregate):
            r = _aggregate_range(node, ranges[node.values.uid], max_length)
        else:  # pragma: no cover - only the three node classes exist
            raise EncoderProgramError(f"unknown node {node!r}")
        if not r.fits():
            raise EncoderProgramError(
                f"{node.name} = {node.describe()}: value range {r} exceeds the exact limit "
                f"|v| <= {MAX_ABS_VALUE} (unbounded / overflowing values)")
        ranges[node.uid] = r
    return ranges
