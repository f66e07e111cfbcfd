"""The validator rejects ill-formed programs with a reason, and evaluation rejects bad canvases,
always with a project error (never a bare Python exception)."""

from __future__ import annotations

import numpy as np
import pytest

from simulators.encoder import (
    Program,
    aggregate,
    apmdm_policy,
    const,
    ew,
    indices,
    length,
    mdm_policy,
    random_uniform,
    select,
    tokens,
)
from simulators.errors import EncoderProgramError, ShapeError, UsageError


def _prog(out, max_length: int = 8) -> Program:
    return Program({"out": out}, max_length)


@pytest.mark.parametrize("build, reason", [
    (lambda t: ew("nope", t), "unknown primitive"),
    (lambda t: ew("add", t), "takes 2 argument"),
    (lambda t: ew("clip", t, lo=0), "missing parameter"),
    (lambda t: ew("clip", t, lo=0, hi=1, width=3), "unknown parameter"),
    (lambda t: ew("add", t, "x"), "expected a sequence or an integer"),
    (lambda t: select(t, t, "=~"), "unknown predicate"),
    (lambda t: select((t, t), (t,), ("==", "==")), "equally long"),
    (lambda t: aggregate(select(t, t, "=="), t, "median", default=0), "unknown mode"),
    (lambda t: aggregate(select(t, t, "=="), t, "sum"), "explicit default"),
    (lambda t: aggregate(t, t, "sum", default=0), "must come from select"),
    (lambda t: tokens(3, 1), "empty range"),
    (lambda t: random_uniform(3, 1), "empty range"),
    (lambda t: indices(0), "S must be >= 1"),
])
def test_builders_reject_with_reason(build, reason) -> None:
    with pytest.raises(EncoderProgramError, match=reason):
        build(tokens(0, 9))


@pytest.mark.parametrize("build, reason", [
    (lambda t: ew("and", t, ew("eq", t, 1)), "must be boolean"),
    (lambda t: ew("not", t), "must be boolean"),
    (lambda t: ew("where", t, t, t), "must be boolean"),
    (lambda t: ew("floordiv", t, ew("sub", t, 1)), "contains 0"),
    (lambda t: ew("mod", t, 0), "contains 0"),
    (lambda t: ew("clip", t, lo=5, hi=1), "lo=5 > hi=1"),
    (lambda t: ew("table", t, table={0: 1, 1: 2}), "does not cover"),
    (lambda t: ew("table", t, table={(0, 1): 1}, default=0), "component"),
    (lambda t: ew("table", t, table={0: "x"}, default=0), "non-integer"),
    (lambda t: ew("table", t, table=[1, 2], default=0), "must be a dict"),
    (lambda t: ew("mul", ew("mul", ew("mul", t, 10**6), 10**6), 10**6), "exceeds the exact limit"),
    (lambda t: ew("add", indices(4), t), "declared for 4 positions"),
    (lambda t: aggregate(select(t, t, "=="), ew("mul", t, 2**49), "mean", default=0),
     "sum behind the mean"),
    (lambda t: aggregate(select(t, t, "=="), ew("mul", t, 2**49), "sum", default=0),
     "exceeds the exact limit"),
    (lambda t: ew("add", length(4), t), "declared for 4 positions"),
])
def test_validator_rejects_with_reason(build, reason) -> None:
    with pytest.raises(EncoderProgramError, match=reason):
        _prog(build(tokens(0, 9)))


def test_table_without_default_is_fine_when_it_covers_the_range() -> None:
    prog = _prog(ew("table", tokens(0, 2), table={0: 5, 1: 6, 2: 7}))
    assert prog.evaluate([2, 0, 1])["out"].tolist() == [7, 5, 6]
    assert (prog.range("out").lo, prog.range("out").hi) == (5, 7)


@pytest.mark.parametrize("outputs, max_length, reason", [
    ({}, 4, "non-empty"),
    ({"a": 3}, 4, "must map a str to a sequence"),
    ({"a": const(1)}, 0, "outside"),
    ({"a": const(1)}, 2**40, "outside"),
    ({"a": const(1)}, "8", "must be an integer"),
])
def test_program_rejects_bad_arguments(outputs, max_length, reason) -> None:
    with pytest.raises(EncoderProgramError, match=reason):
        Program(outputs, max_length)


def test_evaluate_rejects_bad_canvases() -> None:
    prog = _prog(ew("add", tokens(0, 9), 1), max_length=4)
    with pytest.raises(ShapeError, match="exceeds the program's max_length"):
        prog.evaluate(np.zeros(5, dtype=np.int64))
    with pytest.raises(UsageError, match="outside the declared range"):
        prog.evaluate([1, 10])
    with pytest.raises(ShapeError, match="1-D"):
        prog.evaluate(np.zeros((1, 1, 1), dtype=np.int64))
    with pytest.raises(ShapeError, match="integer"):
        prog.evaluate(np.array([0.5]))
    with pytest.raises(ShapeError, match="rectangular"):
        prog.evaluate([[1, 2], [3]])
    with pytest.raises(ShapeError, match="integer"):
        prog.evaluate(["a"])
    with pytest.raises(UsageError, match="unknown evaluation path"):
        prog.evaluate([1], path="sparse")


def test_stochastic_program_needs_rng() -> None:
    prog = _prog(ew("add", random_uniform(0, 1), tokens(0, 3)))
    assert prog.is_stochastic
    with pytest.raises(EncoderProgramError, match="rng"):
        prog.evaluate([1, 2])


def test_adapters_check_output_names_and_types() -> None:
    tok = tokens(0, 5)
    prog = Program({"token": tok, "fill": tok}, 4)
    with pytest.raises(EncoderProgramError, match="must be boolean"):
        mdm_policy(prog)
    with pytest.raises(EncoderProgramError, match="no output 'y'"):
        apmdm_policy(prog)
    with pytest.raises(EncoderProgramError, match="expected a Program"):
        mdm_policy("not a program")  # type: ignore[arg-type]


def test_errors_are_project_errors_with_exit_code_2() -> None:
    with pytest.raises(EncoderProgramError) as info:
        _prog(ew("not", tokens(0, 9)))
    assert info.value.exit_code == 2
    assert "error:" in info.value.format()


def test_empty_batches_and_empty_canvases_evaluate() -> None:
    tok = tokens(0, 9)
    prog = _prog(aggregate(select(tok, tok, "<"), tok, "max", default=-1))
    for path in ("fast", "join", "dense"):
        assert prog.evaluate(np.zeros((0, 5), dtype=np.int64), path=path)["out"].shape == (0, 5)
        assert prog.evaluate(np.zeros((2, 0), dtype=np.int64), path=path)["out"].shape == (2, 0)
        assert prog.evaluate(np.zeros(0, dtype=np.int64), path=path)["out"].shape == (0,)


def test_dense_work_is_bounded_by_max_dense_cells() -> None:
    from simulators.errors import LimitExceeded

    tok, idx = tokens(0, 9), indices()
    # order atoms on two different sequences: no join shape, evaluated densely
    no_fast_path = aggregate(select((tok, idx), (tok, idx), ("<", "<")), idx, "leftmost",
                             default=-1)
    joinable = aggregate(select(tok, tok, "=="), idx, "leftmost", default=-1)
    prog = Program({"a": no_fast_path, "b": joinable}, 400)
    canvas = np.arange(200) % 10
    with pytest.raises(LimitExceeded, match="max_dense_cells=1000"):
        prog.evaluate(canvas, max_dense_cells=1000)
    only_join = Program({"b": joinable}, 400)
    assert only_join.evaluate(canvas, max_dense_cells=1000)["b"].tolist() == list(range(10)) * 20
    full = prog.evaluate(canvas, max_dense_cells=None)
    xs = canvas.tolist()
    want = [next((j for j in range(i) if xs[j] < xs[i]), -1) for i in range(len(xs))]
    assert full["a"].tolist() == want
