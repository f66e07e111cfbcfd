"""The public API of docs/interfaces.md (section simulators.encoder) exists and runs."""

from __future__ import annotations

import numpy as np

from simulators.encoder import (
    Program,
    aggregate,
    apmdm_policy,
    const,
    ew,
    indices,
    length,
    mdm_policy,
    select,
    tokens,
)


def test_interfaces_example_previous_token() -> None:
    tok, idx = tokens(0, 9), indices(16)
    prev = aggregate(select(idx, ew("sub", idx, const(1)), "=="), tok, "leftmost", default=0)
    prog = Program({"prev": prev}, max_length=16)
    canvas = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    for path in ("fast", "dense"):
        assert prog.evaluate(canvas, path=path)["prev"].tolist() == [0, 3, 1, 4, 1, 5, 9, 2]
    batch = np.stack([canvas, canvas[::-1]])
    out = prog.evaluate(batch)["prev"]
    assert out.shape == (2, 8)
    assert out[1].tolist() == [0, 6, 2, 9, 5, 1, 4, 1]


def test_program_runs_on_any_length_up_to_max() -> None:
    tok = tokens(0, 3)
    n = length()
    prog = Program({"n": ew("add", n, ew("mul", tok, 0))}, max_length=10)
    for size in (0, 1, 5, 10):
        assert prog.evaluate(np.zeros(size, dtype=np.int64))["n"].tolist() == [size] * size


def test_adapters_return_engine_decisions() -> None:
    from simulators.processes import APMDMDecision, MDMDecision

    tok = tokens(0, 5)
    is_mask = ew("eq", tok, 5)
    prog = Program({"token": ew("where", is_mask, 1, tok), "fill": is_mask,
                    "remask": ew("mul", is_mask, 0), "insert": ew("mul", is_mask, 0),
                    "delete": ew("mul", is_mask, 0)}, max_length=8)
    canvas = np.array([0, 5, 2, 5])
    rng = np.random.default_rng(0)
    dec = mdm_policy(prog)(canvas, rng)
    assert isinstance(dec, MDMDecision)
    assert dec.tokens.tolist() == [0, 1, 2, 1] and dec.fill.tolist() == [False, True, False, True]
    ap = apmdm_policy(prog, y="token")(canvas, rng)
    assert isinstance(ap, APMDMDecision)
    assert ap.y.tolist() == [0, 1, 2, 1] and not ap.remask.any()
    assert mdm_policy(prog).serial_cost(8) > mdm_policy(prog).serial_cost(4) > 0


def test_operator_shorthands_build_the_same_primitives() -> None:
    tok = tokens(0, 9)
    b = ew("lt", tok, 5)
    outs = {"a": tok + 1, "b": 2 * tok - tok // 3, "c": -(tok % 4), "d": 7 - tok,
            "e": b & ~b, "f": b | ~b}
    got = Program(outs, 8).evaluate([0, 4, 9])
    assert got["a"].tolist() == [1, 5, 10]
    assert got["b"].tolist() == [0, 8 - 1, 18 - 3]
    assert got["c"].tolist() == [0, 0, -1]
    assert got["d"].tolist() == [7, 3, -2]
    assert got["e"].tolist() == [0, 0, 0] and got["f"].tolist() == [1, 1, 1]


def test_package_docstring_example_runs() -> None:
    import doctest

    import simulators.encoder as package

    result = doctest.testmod(package)
    assert result.attempted > 0 and result.failed == 0
