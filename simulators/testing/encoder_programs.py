"""Hypothesis strategies: random well-formed encoder programs (every elementwise function,
predicate and aggregation mode) and canvases for them."""

from __future__ import annotations

from hypothesis import strategies as st

from simulators.encoder import (
    MODES,
    PREDICATES,
    Program,
    Seq,
    aggregate,
    const,
    ew,
    indices,
    length,
    select,
    tokens,
)

VOCAB_HI = 5
BINARY = ("add", "sub", "mul", "min", "max", "eq", "ne", "lt", "le", "gt", "ge")


@st.composite
def random_programs(draw: st.DrawFn, max_length: int = 12, max_ops: int = 6) -> Program:
    """A random DAG mixing elementwise ops and heads with every predicate and mode."""
    tok = tokens(0, VOCAB_HI)
    pool: list[Seq] = [tok, indices(), length(), const(draw(st.integers(-2, 3)))]
    bools: list[Seq] = [ew("lt", tok, 3)]
    n_ops = draw(st.integers(1, max_ops))
    for _ in range(n_ops):
        node: Seq
        kind = draw(st.sampled_from(["ew", "ew", "head", "head", "head", "bool"]))
        if kind == "ew":
            name = draw(st.sampled_from(BINARY + ("where", "floordiv", "mod", "abs", "table")))
            a, b = draw(st.sampled_from(pool)), draw(st.sampled_from(pool))
            if name == "where":
                node = ew("where", draw(st.sampled_from(bools)), a, b)
            elif name in ("floordiv", "mod"):
                node = ew(name, a, draw(st.sampled_from([2, 3, -2])))
            elif name == "abs":
                node = ew("abs", a)
            elif name == "table":
                node = ew("table", a, table={i: draw(st.integers(-3, 3)) for i in range(4)},
                          default=draw(st.integers(-3, 3)))
            else:
                node = ew(name, a, b)
            pool.append(node)
            if name in ("eq", "ne", "lt", "le", "gt", "ge"):
                bools.append(node)
        elif kind == "bool":
            name = draw(st.sampled_from(["and", "or", "not"]))
            args = [draw(st.sampled_from(bools)) for _ in range(1 if name == "not" else 2)]
            node = ew(name, *args)
            bools.append(node)
            pool.append(node)
        else:
            atoms = draw(st.integers(1, 3))
            keys = tuple(draw(st.sampled_from(pool)) for _ in range(atoms))
            queries = tuple(draw(st.sampled_from(pool)) for _ in range(atoms))
            preds = tuple(draw(st.sampled_from(PREDICATES)) for _ in range(atoms))
            mode = draw(st.sampled_from(MODES))
            node = aggregate(select(keys, queries, preds), draw(st.sampled_from(pool)), mode,
                             default=draw(st.integers(-4, 4)))
            pool.append(node)
    outputs = {f"o{i}": s for i, s in enumerate(pool[-3:])}
    return Program(outputs, max_length)


@st.composite
def canvases(draw: st.DrawFn, max_length: int = 12, batch: bool = True):
    """A (L,) or (B, L) list-of-lists canvas with tokens in 0..VOCAB_HI."""
    n = draw(st.integers(0, max_length))
    rows = draw(st.integers(1, 3)) if batch else 1
    data = [[draw(st.integers(0, VOCAB_HI)) for _ in range(n)] for _ in range(rows)]
    return data if batch and rows > 1 else data[0]
