"""Lockstep semantics, step costs, faults and limits of the machine (docs/pram-isa.md)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from simulators.errors import (
    BoundExceeded,
    LimitExceeded,
    ProjectError,
    RuntimeFault,
    UsageError,
    ValidationError,
)
from simulators.pram import MODE_RUN, MODE_WAIT, compile_source, run
from simulators.pram.example_inputs import EXAMPLE_INPUTS, example_names
from tests.pram.conftest import example


def _src(body: str, *, model: str = "CREW", header: str = "input A[n]\noutput A",
         procs: str = "max(n, 1)", time: str = "1000", word: str = "") -> str:
    return (f"program t\nmodel {model}\n{word}\n{header}\nprocessors {procs}\ntime {time}\n"
            f"begin\n{body}\nend\n")


def test_pardo_step_cost_is_fork_longest_path_join_release() -> None:
    # Body: CONST, STORE = 2 instructions; the pardo costs 1 + 2 + 1 + 1 = 5, plus the hi
    # computation (prelude LOAD n, CONST 0, CONST 1, SUB) and HALT.
    prog = compile_source(_src("for i in 0 .. n-1 pardo\n  A[i] := 7\nend"))
    res = run(prog, {"A": [0, 0, 0]}, trace=True)
    assert res.output["A"] == [7, 7, 7]
    forks = [k for k, ins in enumerate(prog.instructions) if ins.op == "FORK"]
    before_fork = forks[0]
    assert res.steps == before_fork + 5 + 1
    # The step after all parked: everyone WAIT, nobody RUN; then processor 0 alone runs.
    assert res.trace is not None
    modes = [s.mode.tolist() for s in res.trace]
    assert [MODE_WAIT] * 3 in modes
    assert modes[-1][0] == MODE_RUN


def test_divergent_branches_cost_the_longest_path() -> None:
    long_branch = "  if i = 2 then\n    y := 1\n    y := 2\n    y := 3\n  end\n"
    short = compile_source(_src("for i in 0 .. n-1 pardo\n  A[i] := i\nend"))
    longer = compile_source(_src(f"for i in 0 .. n-1 pardo\n{long_branch}  A[i] := i\nend"))
    r_short = run(short, {"A": [0, 0, 0]})
    r_long = run(longer, {"A": [0, 0, 0]})
    r_not_taken = run(longer, {"A": [0, 0]})  # i = 2 does not exist: nobody takes the branch
    assert r_long.output["A"] == [0, 1, 2]
    # The branch adds its test (CONST, BIN eq, JZ) for everybody and 3 CONSTs for processor 2.
    assert r_long.steps == r_short.steps + 3 + 3
    assert r_not_taken.steps == run(short, {"A": [0, 0]}).steps + 3


def test_while_inside_pardo_runs_per_processor() -> None:
    body = ("for i in 0 .. n-1 pardo\n  c := 0\n  k := i\n  while k > 0 do\n"
            "    k := k // 2\n    c := c + 1\n  end\n  A[i] := c\nend")
    res = run(compile_source(_src(body)), {"A": [0] * 9})
    assert res.output["A"] == [int(i).bit_length() for i in range(9)]


def test_pid_equals_offset_within_range() -> None:
    body = "for i in 3 .. n-1 pardo\n  A[i] := pid\nend"
    res = run(compile_source(_src(body)), {"A": [9] * 6})
    assert res.output["A"] == [9, 9, 9, 0, 1, 2]


def test_sequential_for_and_if_else() -> None:
    body = ("t := 0\nfor k in 0 .. n-1 do\n  x := A[k]\n  if x mod 2 = 0 then\n    t := t + x\n"
            "  elif x = 3 then\n    t := t + 100\n  else\n    skip\n  end\nend\nA[0] := t")
    res = run(compile_source(_src(body)), {"A": [2, 3, 4, 5]})
    assert res.output["A"][0] == 106


def test_empty_pardo_range_skips_the_body() -> None:
    res = run(compile_source(_src("for i in 5 .. 1 pardo\n  A[0] := 1\nend")), {"A": [0]})
    assert res.output["A"] == [0] and res.processors == 1


@pytest.mark.parametrize("body,match", [
    ("for i in 0 .. n-1 pardo\n  for j in 0 .. 1 pardo\n  skip\n  end\nend", "another pardo"),
    ("x := 1\nfor i in 0 .. n-1 pardo\n  x := 2\nend", "outside this pardo"),
    ("for i in 0 .. n-1 pardo\n  i := 2\nend", "loop variable"),
    ("y := z", "before it is assigned"),
    ("n := 3", "size parameter"),
    ("B[0] := 1", "unknown array"),
    ("x := A", "is an array"),
    ("x := 7 / 2", "use '//'"),
    ("x := ceil(2)", "bound expressions"),
    ("x := foo(1)", "unknown function"),
    ("for i in 0 .. n-1 pardo\n  y := 1\nend\nz := y", "before it is assigned"),
    ("pid := 1", "reserved"),
])
def test_compile_time_errors(body: str, match: str) -> None:
    with pytest.raises(ValidationError, match=match) as info:
        compile_source(_src(body), "bad.pram")
    assert info.value.location is not None and info.value.location.line is not None


def test_header_errors() -> None:
    with pytest.raises(ValidationError, match="not a size parameter"):
        compile_source(_src("skip", procs="k"))
    with pytest.raises(ValidationError, match="declared twice"):
        compile_source(_src("skip", header="input A[n]\ninput A[n]"))
    with pytest.raises(ValidationError, match="needs a size"):
        compile_source(_src("skip", header="output B"))
    with pytest.raises(ValidationError, match="word size"):
        compile_source(_src("skip", word="word 65"))


@pytest.mark.parametrize("body,inputs,match", [
    ("x := A[0]\ny := x // 0", [1], "division by zero"),
    ("x := A[5]", [1], "out of bounds"),
    ("x := A[0]\nA[0] := x * x", [2**40], "overflow"),
    ("x := A[0]\nA[0] := x + x", [2**62], "overflow"),
    ("x := A[0]\nA[0] := x - 1", [-(2**63)], "overflow"),
    ("x := A[0]\nA[0] := -x", [-(2**63)], "overflow"),
    ("x := A[0]\nA[0] := log2(x)", [0], "log2"),
    ("x := A[0]\nA[0] := sqrt(x)", [-1], "sqrt"),
    ("x := A[0]\nA[0] := 2 ^ x", [-1], "negative exponent"),
    ("x := A[0]\nA[0] := 2 ^ x", [63], "overflow"),
])
def test_runtime_faults(body: str, inputs: list[int], match: str) -> None:
    prog = compile_source(_src(body), "f.pram")
    with pytest.raises(RuntimeFault, match=match) as info:
        run(prog, {"A": inputs})  # sequential code: the scalar fast path
    assert info.value.exit_code == 3
    assert info.value.location is not None and info.value.location.line is not None
    with pytest.raises(RuntimeFault) as vec:
        run(prog, {"A": inputs}, trace=True)  # the vector path: the very same fault
    assert str(vec.value) == str(info.value)
    # ... and inside a pardo of many processors (only processor 1 faults).
    par = compile_source(_src("for p in 0 .. 2 pardo\n  if p = 1 then\n"
                              + body.replace("\n", "\n    ") + "\n  end\nend",
                              procs="3"), "f.pram")
    with pytest.raises(RuntimeFault, match=match) as many:
        run(par, {"A": inputs})
    assert "processor(s) [1]" in str(many.value)


def test_scalar_and_vector_paths_agree_on_sequential_programs() -> None:
    body = ("h := 0\nfor r in 1 .. n do\n  for i in 0 .. n - 1 do\n    x := A[i]\n"
            "    h := (h * 31 + x + r) mod 65521\n    h := max(h, -h) - min(abs(x), 3)\n"
            "    if not (h >= 0 and h < 70000) or x = 7 then\n      h := h // 2 + log2(9)"
            " + sqrt(17) + 2 ^ 3\n    end\n  end\nend\nA[0] := h\n"
            "for p in 0 .. 0 pardo\n  A[1] := -A[0]\nend")
    prog = compile_source(_src(body, time="10^6"))
    for a in ([5, 7, -3, 2], [1, 2], list(range(-6, 6))):
        fast, slow = run(prog, {"A": a}), run(prog, {"A": a}, trace=True)
        assert (fast.output, fast.steps, fast.work, fast.memory_cells, fast.processors) == (
            slow.output, slow.steps, slow.work, slow.memory_cells, slow.processors)
    slow_limit = compile_source(_src("while 1 do\n skip\nend", time="20"))
    for trace in (False, True):
        with pytest.raises(BoundExceeded, match="after 20 steps"):
            run(slow_limit, {"A": [1]}, trace=trace)
        with pytest.raises(LimitExceeded, match="max_steps = 7"):
            run(slow_limit, {"A": [1]}, trace=trace, max_steps=7)


def test_narrow_word_overflow() -> None:
    prog = compile_source(_src("x := A[0]\nA[0] := x + 1", word="word 8"))
    assert run(prog, {"A": [126]}).output["A"] == [127]
    with pytest.raises(RuntimeFault, match="8-bit"):
        run(prog, {"A": [127]})
    with pytest.raises(UsageError, match="does not fit"):
        run(prog, {"A": [128]})


def test_checked_arithmetic_matches_python() -> None:
    rng = np.random.default_rng(5)
    a = rng.integers(-(2**31), 2**31, 40).tolist() + [0, 1, -1, 7, -7]
    ops: dict[str, Callable[[int, int], int]] = {
        "+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
        "//": lambda x, y: x // y, "mod": lambda x, y: x % y, "min": min, "max": max}
    for sym, fn in ops.items():
        expr = f"{sym}(x, y)" if sym in ("min", "max") else f"x {sym} y"
        body = (f"for i in 0 .. n-1 pardo\n  x := A[i]\n  y := B[i]\n  C[i] := {expr}\nend")
        prog = compile_source(_src(body, header="input A[n], B[n]\noutput C[n]"))
        b = [v if v != 0 else 3 for v in reversed(a)]
        res = run(prog, {"A": a, "B": b})
        assert res.output["C"] == [fn(x, y) for x, y in zip(a, b, strict=True)], sym


def test_declared_bounds_are_enforced() -> None:
    with pytest.raises(BoundExceeded, match="time bound"):
        run(compile_source(_src("for k in 0 .. 100 do\n skip\nend", time="n")), {"A": [1]})
    with pytest.raises(BoundExceeded, match="processors"):
        run(compile_source(_src("for i in 0 .. 2*n pardo\n skip\nend", procs="n")),
            {"A": [1, 2]})
    with pytest.raises(BoundExceeded, match="memory bound"):
        run(compile_source(_src("A[0] := 1", header="input A[n]\noutput B[n]").replace(
            "time 1000", "time 1000\nmemory 1")), {"A": [1, 2]})


def test_limits() -> None:
    prog = compile_source(_src("while 1 do\n skip\nend", time="10^9"))
    with pytest.raises(LimitExceeded, match="max_steps = 50"):
        run(prog, {"A": [1]}, max_steps=50)
    big = compile_source(_src("skip", header="param n\nshared B[n]"))
    with pytest.raises(LimitExceeded, match="max_memory_cells"):
        run(big, {}, {"n": 10**12})
    with pytest.raises(LimitExceeded, match="max_processors"):
        run(compile_source(_src("skip", header="param n", procs="n")), {}, {"n": 10**12})
    with pytest.raises(LimitExceeded, match="max_trace_cells"):
        run(example("prefix_sum"), {"A": list(range(3000))}, trace=True, max_trace_cells=10**5)


def test_bad_inputs_are_usage_errors() -> None:
    prog = example("prefix_sum")
    for inputs in ({"B": [1]}, {"A": [1.5]}, {"A": [True]}, {"A": ["x"]}, {"A": 5},
                   {"A": [2**70]}, {"A": np.zeros(3)}):
        with pytest.raises(ProjectError):
            run(prog, inputs)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="--param n"):
        run(example("connected_components"), {"U": [], "V": []})
    with pytest.raises(UsageError, match="length"):
        run(example("matvec"), {"M": [1, 2, 3], "x": [1, 2]})


@pytest.mark.parametrize("name", example_names())
def test_trace_and_fast_path_agree(name: str) -> None:
    """The FORK liveness shortcut and the scalar fast path (no trace) change nothing observable
    but registers -- on every example, the long sequential ones included (each example's inputs
    come from simulators.pram.example_inputs; a missing entry fails here)."""
    ins, params = EXAMPLE_INPUTS[name](3, np.random.default_rng(7))
    prog = example(name)
    fast = run(prog, ins, params)
    slow = run(prog, ins, params, trace=True)
    assert (fast.output, fast.steps, fast.work, fast.processors, fast.memory_cells) == (
        slow.output, slow.steps, slow.work, slow.processors, slow.memory_cells)
    assert slow.trace is not None and len(slow.trace) == slow.steps + 1
    work = sum(int((s.mode == MODE_RUN).sum()) for s in slow.trace[:-1])
    assert work == slow.work
    peak = max(int((s.mode != 0).sum()) for s in slow.trace)
    assert peak == slow.processors
    final = slow.trace[-1].memory
    for arr, vals in slow.output.items():
        b = slow.binding
        assert final[b.base[arr]: b.base[arr] + b.size[arr]].tolist() == vals
