"""Unit tests of the Theorem 4 AP-MDM (constructions/pram_apmdm): layout, every instruction and
memory model against the PRAM machine in lock-step, faults, the two-phase step structure, the
fixed point after HALT, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constructions.interface import REPORT_KEYS
from constructions.pram_apmdm import Layout, build, decode, policy_for
from constructions.pram_apmdm import run as apmdm_run
from constructions.pram_apmdm.cli import main as cli_main
from simulators.cli_support import run_main
from simulators.errors import LimitExceeded, MemoryConflict, ProjectError, RuntimeFault
from simulators.pram import load_program
from simulators.pram import run as pram_run
from simulators.processes import apmdm_transition
from tests.constructions.pram_apmdm_programs import (
    ARITH,
    DIV_ZERO,
    DIVERGENT,
    EMPTY_PARDO,
    OUT_OF_BOUNDS,
    READ_ALL,
    WRITE_ALL,
    compare_lockstep,
    program,
)

MODELS = ["EREW", "CREW", "CRCW-common", "CRCW-arbitrary", "CRCW-priority", "CRCW-sum",
          "CRCW-min", "CRCW-max"]


# ----------------------------------------------------------------------------- layout

@given(st.integers(1, 50), st.integers(0, 12), st.integers(0, 200), st.integers(4, 26),
       st.data())
def test_pack_unpack_round_trip(procs: int, regs: int, mem: int, bits: int, data) -> None:
    L = Layout(procs, regs, mem, bits)
    code = data.draw(st.integers(0, L.mask_code - 1))
    value = data.draw(st.integers(L.vmin, L.vmax))
    tok = L.pack(code, value)
    assert 0 <= int(tok) < L.mask_id
    c, v = L.unpack(np.array([tok]))
    assert (int(c[0]), int(v[0])) == (code, value)


def test_vocabulary_too_large_is_refused() -> None:
    with pytest.raises(LimitExceeded):
        Layout(processors=1 << 24, registers=10, memory_size=1 << 20, value_bits=26)


def test_initial_canvas_decodes_to_the_machines_initial_state() -> None:
    prog = load_program("examples/pram/prefix_sum.pram")
    c = build(prog, {"A": [3, -1, 4, 1]})
    m = pram_run(prog, {"A": [3, -1, 4, 1]}, trace=True)
    s = decode(c.layout, c.initial)
    ref = m.trace[0]
    assert np.array_equal(s.memory, ref.memory)
    assert np.array_equal(s.pc, ref.pc) and np.array_equal(s.mode, ref.mode)
    assert np.array_equal(s.regs, ref.regs)
    # clock + one record of R + 2 tokens per processor + the input cells (A and the sizes).
    assert c.initial.size == 1 + c.layout.processors * (prog.n_registers + 2) + 4 + 1


# ----------------------------------------------------------------------------- semantics

@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("text", [WRITE_ALL, READ_ALL], ids=["write_all", "read_all"])
def test_memory_models_match_the_machine(model: str, text: str) -> None:
    prog = program(text, model=model)
    for values in ([5, 3, 9], [4, 4, 4], [7]):
        try:
            expected = pram_run(prog, {"A": values})
        except ProjectError as err:
            with pytest.raises(type(err)):
                apmdm_run(prog, {"A": values})
            continue
        assert compare_lockstep(prog, {"A": values}).output == expected.output


@pytest.mark.parametrize("values", [[7, -3], [-9, 4],
                                    pytest.param([100, 7], marks=pytest.mark.slow),
                                    pytest.param([0, 1], marks=pytest.mark.slow)])
def test_every_alu_function_matches_the_machine(values: list[int]) -> None:
    compare_lockstep(program(ARITH), {"A": values})


def test_divergent_pardo_bodies_and_empty_pardo() -> None:
    compare_lockstep(program(DIVERGENT), {"A": [3, 8, 5, 0]})
    compare_lockstep(program(EMPTY_PARDO), {"A": [1, 2]})


@pytest.mark.parametrize("text, values, error", [
    (OUT_OF_BOUNDS, [1], RuntimeFault),
    (DIV_ZERO, [1, 0], RuntimeFault),
    (WRITE_ALL.format(model="CREW"), [1, 2], MemoryConflict),
    (READ_ALL.format(model="EREW"), [1, 2], MemoryConflict),
])
def test_faults_are_the_machines_faults(text: str, values: list[int], error: type) -> None:
    prog = program(text)
    with pytest.raises(error):
        pram_run(prog, {"A": values})
    with pytest.raises(error) as info:
        apmdm_run(prog, {"A": values})
    assert "step" in info.value.message


def test_word_overflow_and_token_range() -> None:
    text = """program ov
model EREW
word {w}
input A[n]
output B[n]
processors 1
time 20
begin
  B[0] := A[0] * A[1]
end"""
    small = program(text, w="8")
    with pytest.raises(RuntimeFault):
        pram_run(small, {"A": [50, 3]})
    with pytest.raises(RuntimeFault):
        apmdm_run(small, {"A": [50, 3]})
    assert apmdm_run(small, {"A": [50, 2]}).output == {"B": [100, 0]}
    wide = program(text, w="64")
    assert pram_run(wide, {"A": [1 << 20, 1 << 20]}).output["B"][0] == 1 << 40
    with pytest.raises(RuntimeFault) as info:  # outside the token range: the overflow fault
        apmdm_run(wide, {"A": [1 << 20, 1 << 20]})
    assert info.value.record is not None and info.value.record.kind.name == "OVERFLOW"
    assert "overflow" in str(info.value) and info.value.exit_code == 3


# ----------------------------------------------------------------------------- process shape

def test_two_phases_per_pram_step_and_in_place_updates() -> None:
    prog = load_program("examples/pram/prefix_sum.pram")
    r = apmdm_run(prog, {"A": [2, 7, 1, 8, 2]}, trace=True)
    steps = r.trace.steps
    assert r.trace.process == "apmdm"
    assert r.decoding_steps == 2 * r.pram_steps + 2
    for k, s in enumerate(steps[:-2]):
        if k % 2 == 0:   # even phase: delete stale masks, insert scratch masks
            assert s.filled == 0 and s.remasked == 0 and s.inserted > 0
        else:            # odd phase: fill every scratch mask, remask the changed tokens
            assert s.inserted == 0 and s.deleted == 0
            assert s.filled == steps[k - 1].inserted
            assert s.remasked <= s.filled
    # After HALT: one step deletes the last stale masks, then the fixed point.
    assert steps[-2].inserted == 0 and steps[-2].deleted > 0
    assert steps[-1] .filled == steps[-1].inserted == steps[-1].deleted == 0
    # In place: the canvas never holds more than one copy (plus one mask) per token.
    assert r.max_context_length <= 2 * r.initial_context_length + 2 * r.memory_cells


def test_further_steps_after_the_fixed_point_change_nothing() -> None:
    prog = load_program("examples/pram/prefix_sum.pram")
    c = build(prog, {"A": [1, 2, 3]})
    r = apmdm_run(prog, {"A": [1, 2, 3]})
    pol = policy_for(c)
    x = r.trace.final
    for _ in range(3):
        d = pol(x, np.random.default_rng(0))
        nxt = apmdm_transition(x, d.y, d.remask, d.insert, d.delete, mask=c.layout.mask_id)
        assert np.array_equal(nxt, x)


def test_new_addresses_grow_the_canvas_by_insertion() -> None:
    prog = program(READ_ALL, model="CREW")
    r = apmdm_run(prog, {"A": [3, 1, 2, 5]})
    # B was not on the initial canvas; each written B[i] was inserted after a HEAD.
    assert r.memory_cells == 4 + 1 + 4
    assert r.output == pram_run(prog, {"A": [3, 1, 2, 5]}).output


# ----------------------------------------------------------------------------- CLI

def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc = run_main(cli_main, ["run", "examples/pram/prefix_sum.pram", "--input", "A=3,1,4",
                             "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["output"] == {"A": [3, 4, 8]}
    assert set(out) == set(REPORT_KEYS) and out["construction"] == "theorem4"
    for key in ("decoding_steps", "context_length", "initial_length"):
        assert isinstance(out[key], int)
    ex = out["extra"]
    for key in ("pram_steps", "memory_cells", "processors_declared", "processors_used"):
        assert isinstance(ex[key], int)
    assert (ex["processors_declared"], ex["processors_used"]) == (3, 2)
    assert isinstance(out["network"]["depth"], int)
    assert set(ex["operations"]) == {"unmask", "remask", "insert", "delete"}


def test_cli_max_steps_stops_an_endless_loop(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    """``time 10^9`` and ``while 1``: the run stops at the step limit with exit 3."""
    f = tmp_path / "loop.pram"
    f.write_text("program loop\nmodel EREW\ninput A[n]\noutput A\nprocessors 1\n"
                 "time 10^9\nbegin\n  while 1 do\n    A[0] := A[0] + 1\n  end\nend\n")
    assert run_main(cli_main, ["run", str(f), "--input", "A=1", "--max-steps", "40"]) == 3
    err = capsys.readouterr().err
    assert "step limit" in err and "Traceback" not in err


def test_cli_show_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(cli_main, ["run", "examples/pram/binary_counter.pram", "--input", "B=0,1",
                               "--show", "--max-rows", "5"]) == 0
    out = capsys.readouterr().out
    assert "clk=0" in out and "B[0]=0" in out and "B = [1, 0]" in out


@pytest.mark.parametrize("argv, code", [
    (["run", "examples/pram/prefix_sum.pram", "--input", "Q=1"], 2),
    (["run", "examples/pram/prefix_sum.pram", "--input", "A=1,x"], 2),
    (["run", "no/such/file.pram"], 2),
    (["frobnicate"], 2),
    (["run", "examples/pram/prefix_sum.pram", "--input", "A=1", "--max-rows", "0"], 2),
])
def test_cli_usage_errors(argv: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(cli_main, argv) == code
    assert "error" in capsys.readouterr().err


def test_cli_runtime_fault_exits_3(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "oob.pram"
    f.write_text(OUT_OF_BOUNDS)
    assert run_main(cli_main, ["run", str(f), "--input", "A=1"]) == 3
    err = capsys.readouterr().err
    assert "oob.pram:9" in err and "index out of bounds" in err


def test_module_doctest() -> None:
    import doctest

    import constructions.pram_apmdm as pkg

    result = doctest.testmod(pkg)
    assert result.attempted > 0 and result.failed == 0


def test_narrow_word_with_many_instructions() -> None:
    """Regression: control tokens hold 4*pc + mode, which must not be limited by the word."""
    body = "\n".join("  B[0] := B[0] + 1" for _ in range(12))
    prog = program(f"""program long8
model EREW
word 8
input A[n]
output B[1]
processors 1
time 200
begin
{body}
end""")
    assert len(prog.instructions) > 32
    assert apmdm_run(prog, {"A": [0]}).output == pram_run(prog, {"A": [0]}).output == {"B": [12]}
