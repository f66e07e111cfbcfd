"""Each memory model's concurrent-access rule: allowed and forbidden cases (docs/pram-isa.md)."""

from __future__ import annotations

import pytest

from simulators.errors import MemoryConflict
from simulators.pram import CompiledProgram, compile_source, run

MODELS = ["EREW", "CREW", "CRCW-common", "CRCW-arbitrary", "CRCW-priority",
          "CRCW-sum", "CRCW-min", "CRCW-max"]


def _prog(model: str, body: str, arrays: str = "input A[n]\noutput C[2]") -> CompiledProgram:
    return compile_source(f"program t\nmodel {model}\n{arrays}\nprocessors max(n, 1)\n"
                          f"time 100\nbegin\n{body}\nend\n", "t.pram")


# All processors read A[0] in the same step.
CONCURRENT_READ = "for i in 0 .. n-1 pardo\n  x := A[0]\n  C[0] := 0\nend"
# Processor i writes the value W[i] to C[0], all in the same step.
CONCURRENT_WRITE = "for i in 0 .. n-1 pardo\n  x := A[i]\n  C[0] := x\nend"


@pytest.mark.parametrize("model", MODELS)
def test_concurrent_read(model: str) -> None:
    prog = _prog(model, CONCURRENT_READ.replace("C[0] := 0", "C[1] := x"))
    if model == "EREW":
        with pytest.raises(MemoryConflict) as info:
            run(prog, {"A": [5, 6, 7]})
        msg = str(info.value)
        assert "A[0]" in msg and "[0, 1, 2]" in msg and "EREW" in msg and "step" in msg
    else:
        # C[1] is written by all three with value 5: only exclusive-write models object.
        if model == "CREW":
            with pytest.raises(MemoryConflict, match="concurrent write to C\\[1\\]"):
                run(prog, {"A": [5, 6, 7]})
        else:
            assert run(prog, {"A": [5, 6, 7]}).output["C"][1] in (5, 15)


def test_single_reader_is_fine_everywhere() -> None:
    for model in MODELS:
        assert run(_prog(model, CONCURRENT_READ), {"A": [4]}).output["C"] == [0, 0]


@pytest.mark.parametrize("model,values,expected", [
    ("CRCW-common", [7, 7, 7], 7),
    ("CRCW-arbitrary", [1, 2, 3], 3),   # documented choice: highest processor id wins
    ("CRCW-priority", [1, 2, 3], 1),    # lowest processor id wins
    ("CRCW-sum", [1, 2, 3], 6),
    ("CRCW-min", [5, -2, 3], -2),
    ("CRCW-max", [5, -2, 3], 5),
])
def test_concurrent_write_resolution(model: str, values: list[int], expected: int) -> None:
    res = run(_prog(model, CONCURRENT_WRITE), {"A": values})
    assert res.output["C"][0] == expected


def test_priority_and_arbitrary_differ_with_reordered_values() -> None:
    res_p = run(_prog("CRCW-priority", CONCURRENT_WRITE), {"A": [9, 4, 6]})
    res_a = run(_prog("CRCW-arbitrary", CONCURRENT_WRITE), {"A": [9, 4, 6]})
    assert (res_p.output["C"][0], res_a.output["C"][0]) == (9, 6)


@pytest.mark.parametrize("model", ["EREW", "CREW"])
def test_exclusive_write_faults(model: str) -> None:
    with pytest.raises(MemoryConflict) as info:
        run(_prog(model, CONCURRENT_WRITE), {"A": [1, 1]})
    assert "C[0]" in str(info.value) and "[0, 1]" in str(info.value)


def test_common_faults_on_different_values() -> None:
    with pytest.raises(MemoryConflict) as info:
        run(_prog("CRCW-common", CONCURRENT_WRITE), {"A": [1, 2, 1]})
    assert "values" in str(info.value) and "C[0]" in str(info.value)


def test_combining_replaces_the_old_value() -> None:
    body = "C[0] := 100\nfor i in 0 .. n-1 pardo\n  x := A[i]\n  C[0] := x\nend"
    assert run(_prog("CRCW-sum", body), {"A": [1, 2]}).output["C"][0] == 3


def test_sum_overflow_is_a_fault() -> None:
    big = 2**62
    with pytest.raises(Exception, match="overflow") as info:
        run(_prog("CRCW-sum", CONCURRENT_WRITE), {"A": [big, big]})
    assert info.type.__name__ == "RuntimeFault"


def test_sum_respects_narrow_word() -> None:
    prog = compile_source("program t\nmodel CRCW-sum\nword 8\ninput A[n]\noutput C[1]\n"
                          "processors n\ntime 100\nbegin\nfor i in 0 .. n-1 pardo\n"
                          "x := A[i]\nC[0] := x\nend\nend\n")
    assert run(prog, {"A": [60, 60]}).output["C"] == [120]
    with pytest.raises(Exception, match="overflow"):
        run(prog, {"A": [100, 100]})


def test_writes_at_different_steps_do_not_conflict() -> None:
    # Processor 1 takes a longer branch, so the two writes land in different steps (EREW ok).
    body = ("for i in 0 .. n-1 pardo\n  if i = 1 then\n    y := 1\n    y := 2\n  end\n"
            "  C[0] := i\nend")
    res = run(_prog("EREW", body), {"A": [0, 0]})
    assert res.output["C"][0] == 1


def test_reads_see_memory_at_the_start_of_the_step() -> None:
    # A swap by two processors in lockstep: both read, then both write.
    prog = compile_source("program swap\nmodel EREW\ninput A[n]\noutput A\nprocessors 2\n"
                          "time 100\nbegin\nfor i in 0 .. 1 pardo\n  x := A[1 - i]\n"
                          "  A[i] := x\nend\nend\n")
    assert run(prog, {"A": [3, 8]}).output["A"] == [8, 3]


def test_conflict_between_divergent_groups_is_detected() -> None:
    # Processor 0 (then-branch) and processor 1 (else-branch) write A[1] in the same step from
    # different instructions: still a CREW write conflict, reported at processor 0's line.
    prog = compile_source("program t\nmodel CREW\ninput A[n]\noutput A\nprocessors n\ntime 100\n"
                          "begin\nfor i in 0 .. n-1 pardo\n  if i = 0 then\n    A[1] := 5\n"
                          "  else\n    A[i] := i + 6\n  end\nend\nend\n", "t.pram")
    with pytest.raises(MemoryConflict) as info:
        run(prog, {"A": [0, 0, 0]})
    assert "A[1] by processors [0, 1]" in str(info.value)
    assert info.value.location is not None and info.value.location.line == 10
    ok = run(compile_source(prog.source.replace("CREW", "CRCW-priority")), {"A": [0, 0, 0]})
    assert ok.output["A"] == [0, 5, 8]
