"""Every elementwise primitive against plain Python on all small inputs, through a Program (so
range inference is checked too: every value lies in its inferred range)."""

from __future__ import annotations

import itertools
import operator

import numpy as np
import pytest

from simulators.encoder import Program, ew, tokens

PY = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "min": min, "max": max,
    "eq": lambda a, b: int(a == b), "ne": lambda a, b: int(a != b), "lt": lambda a, b: int(a < b),
    "le": lambda a, b: int(a <= b), "gt": lambda a, b: int(a > b), "ge": lambda a, b: int(a >= b),
}
VALUES = list(range(-4, 5))


def _pairs_program(name: str, *extra):
    # Two inputs from one canvas: a = tok - 4, b = (tok // 9) - 4 over tokens 0..80.
    tok = tokens(0, 80)
    a, b = ew("sub", ew("mod", tok, 9), 4), ew("sub", ew("floordiv", tok, 9), 4)
    return Program({"out": ew(name, a, b, *extra)}, 81)


@pytest.mark.parametrize("name", sorted(PY))
def test_binary_primitives_match_python(name) -> None:
    prog = _pairs_program(name)
    got = prog.evaluate(np.arange(81))["out"].tolist()
    want = [PY[name](a, b) for b, a in itertools.product(VALUES, VALUES)]
    assert got == want
    r = prog.range("out")
    assert r.lo <= min(got) and max(got) <= r.hi


@pytest.mark.parametrize("name, fn", [
    ("floordiv", operator.floordiv), ("mod", operator.mod)])
@pytest.mark.parametrize("divisor", [1, 2, 3, -2, -3])
def test_division_matches_python(name, fn, divisor) -> None:
    tok = tokens(0, 20)
    prog = Program({"out": ew(name, ew("sub", tok, 10), divisor)}, 21)
    got = prog.evaluate(np.arange(21))["out"].tolist()
    assert got == [fn(v - 10, divisor) for v in range(21)]
    r = prog.range("out")
    assert r.lo <= min(got) and max(got) <= r.hi


def test_unary_logic_and_where() -> None:
    tok = tokens(0, 8)
    a = ew("sub", tok, 4)
    c = ew("lt", tok, 3)
    outs = {"abs": ew("abs", a), "neg": ew("neg", a), "not": ew("not", c),
            "and": ew("and", c, ew("ge", tok, 1)), "or": ew("or", c, ew("ge", tok, 7)),
            "where": ew("where", c, a, ew("mul", a, 10)), "clip": ew("clip", a, lo=-1, hi=2)}
    got = Program(outs, 9).evaluate(np.arange(9))
    xs = [v - 4 for v in range(9)]
    assert got["abs"].tolist() == [abs(x) for x in xs]
    assert got["neg"].tolist() == [-x for x in xs]
    assert got["not"].tolist() == [int(not v < 3) for v in range(9)]
    assert got["and"].tolist() == [int(v < 3 and v >= 1) for v in range(9)]
    assert got["or"].tolist() == [int(v < 3 or v >= 7) for v in range(9)]
    assert got["where"].tolist() == [x if x + 4 < 3 else 10 * x for x in xs]
    assert got["clip"].tolist() == [min(max(x, -1), 2) for x in xs]


def test_tables_single_and_tuple_keys_match_dict_lookup() -> None:
    tok = tokens(0, 80)
    a, b = ew("mod", tok, 9), ew("floordiv", tok, 9)
    single = {0: 5, 3: -2, 8: 7, 12: 99}           # 12 lies outside a's range 0..8
    pair = {(0, 0): 1, (1, 2): 2, (8, 8): 3, (4, 7): -4, (20, 1): 50}
    prog = Program({"s": ew("table", a, table=single, default=-1),
                    "p": ew("table", a, b, table=pair, default=0)}, 81)
    for canvas in (np.arange(81), np.arange(81)[::-1].copy(), np.array([40, 40, 0])):
        got = prog.evaluate(canvas)       # twice: the parsed table is cached on the node
        assert got["s"].tolist() == [single.get(int(v) % 9, -1) for v in canvas]
        assert got["p"].tolist() == [pair.get((int(v) % 9, int(v) // 9), 0) for v in canvas]
    assert (prog.range("s").lo, prog.range("s").hi) == (-2, 7)    # 99 is unreachable
