"""The Masked-ARM program built around an MDM program (constructions/masked_arm/program.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constructions.interface import REPORT_KEYS
from constructions.masked_arm import EXTRA_DEPTH_BOUND, build_masked_arm
from constructions.masked_arm.__main__ import main
from constructions.masked_arm.example_policies import (
    example_vocab,
    prefix_sum_mdm_program,
    random_initial_canvas,
    random_mdm_program,
)
from constructions.masked_arm.simulate import simulate
from simulators.cli_support import run_main
from simulators.encoder import Program, const, ew, indices, tokens
from simulators.errors import EncoderProgramError
from simulators.processes import HaltReason, IntVocab
from simulators.testing.mdm_programs import lifted_mdm_cases


@given(lifted_mdm_cases())
def test_extra_depth_is_within_the_constant_bound(case):
    program, vocab, x0 = case
    machine = build_masked_arm(program, vocab, len(x0))
    assert 0 < machine.extra_depth() <= EXTRA_DEPTH_BOUND


def test_extra_depth_does_not_grow_with_the_context():
    vocab = example_vocab(3)
    extras = {s: build_masked_arm(random_mdm_program(vocab, s, 7), vocab, s).extra_depth()
              for s in (2, 8, 32, 128)}
    assert len(set(extras.values())) == 1, extras


def test_fill_output_is_the_leftmost_mask_of_the_masked_arm_canvas():
    vocab = example_vocab(3)
    machine = build_masked_arm(random_mdm_program(vocab, 6, 1), vocab, 6)
    canvas = machine.layout.initial_canvas(np.array([3, 0, 3, 3, 1, 3])).copy()
    canvas[6] = machine.layout.tag(2, 1)   # one log entry written: the next mask is cell 7
    fill = machine.program.evaluate(canvas)["fill"]
    assert np.flatnonzero(fill).tolist() == [7]


def test_without_readout_the_result_is_decoded_from_the_log():
    vocab = example_vocab(4)
    program = random_mdm_program(vocab, 9, 3)
    x0 = random_initial_canvas(vocab, 9, np.random.default_rng(3))
    result = simulate(program, vocab, x0, readout=False)
    assert result.same_final and result.lockstep_ok
    assert result.extra_context == np.count_nonzero(x0 == vocab.mask_id)


def test_the_ablated_wrapper_goes_wrong():
    """Without the ``index < S`` restriction the wrapped program reads the log: some run differs
    (so the equality checks of Theorem 3 can fail)."""
    vocab = example_vocab(4)
    differs = 0
    for seed in range(12):
        program = random_mdm_program(vocab, 8, seed)
        x0 = random_initial_canvas(vocab, 8, np.random.default_rng(seed))
        machine = build_masked_arm(program, vocab, 8, restrict=False)
        result = simulate(program, vocab, x0, machine=machine)
        differs += not (result.same_final and result.lockstep_ok)
    assert differs > 0


def test_an_mdm_step_that_fills_nothing_halts_both_runs_invalid():
    vocab = example_vocab(2)
    tok = tokens(0, 2)
    program = Program({"token": ew("add", const(0), ew("mul", tok, 0)),
                       "fill": ew("mul", ew("eq", indices(), -1), 1)}, max_length=4)
    result = simulate(program, vocab, np.array([2, 0, 2, 2]))
    assert result.mdm.halt == HaltReason.INVALID
    assert result.masked_arm.halt == HaltReason.INVALID
    assert not result.same_final


def test_several_fills_per_step_break_the_precondition_visibly():
    vocab = example_vocab(2)
    tok = tokens(0, 2)
    program = Program({"token": ew("mul", tok, 0), "fill": ew("eq", tok, 2)}, max_length=4)
    result = simulate(program, vocab, np.array([2, 1, 2, 2]))
    assert not result.one_token_per_step


def test_programs_without_the_named_outputs_are_rejected():
    vocab = example_vocab(2)
    tok = tokens(0, 2)
    with pytest.raises(EncoderProgramError):
        build_masked_arm(Program({"token": tok}, max_length=3), vocab, 3)
    with pytest.raises(EncoderProgramError):  # fill must be boolean
        build_masked_arm(Program({"token": tok, "fill": tok}, max_length=3), vocab, 3)


def test_cli_demo_json(capsys):
    assert run_main(main, ["demo", "--seed", "2", "--context", "7", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == set(REPORT_KEYS) and report["construction"] == "theorem3"
    out = report["extra"]
    assert out["same_final"] and out["lockstep_ok"] and out["mdm_final"] == out["masked_arm_final"]
    assert out["extra_context"] == out["log_cells"] + out["context"]
    assert report["context_length"] == out["masked_arm_context"]  # measured == laid out


def test_cli_demo_text_and_usage_errors(capsys):
    assert run_main(main, ["demo", "--context", "5", "--order", "rightmost", "--dump"]) == 0
    assert "Theorem 3" in capsys.readouterr().out
    assert run_main(main, ["demo", "--context", "0"]) == 2
    assert run_main(main, ["demo", "--mask-fraction", "2"]) == 2
    assert run_main(main, ["nonsense"]) == 2
    assert "error:" in capsys.readouterr().err


def test_cli_prefix_sum_worked_example(capsys):
    assert run_main(main, ["prefix-sum", "--input", "3,1,4,1", "--order", "3,1,0,2",
                           "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["extra"]
    assert out["masked_arm_final"] == "3 1 4 1 3 4 8 9"    # 3, 3+1, 3+1+4, 3+1+4+1
    assert out["mdm_steps"] == 4 and out["masked_arm_steps"] == 4 + 8
    assert run_main(main, ["prefix-sum", "--input", "3,x"]) == 2
    assert run_main(main, ["prefix-sum", "--input", "1,2", "--order", "0,0"]) == 2


@given(st.lists(st.integers(0, 9), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_prefix_sum_masked_arm_matches_cumsum_in_every_order(values, rnd):
    n = len(values)
    order = list(range(n))
    rnd.shuffle(order)
    vocab = IntVocab(0, 9 * n)
    program = prefix_sum_mdm_program(n, order, vocab)
    result = simulate(program, vocab, np.array(values + [vocab.mask_id] * n))
    assert result.masked_arm_final[n:].tolist() == np.cumsum(values).tolist()
    assert result.same_final and result.lockstep_ok
    # the log lists the output cells in the MDM's order
    pos, _ = result.machine.layout.log_of(result.masked_arm.final)
    assert (pos - n).tolist() == order


@given(lifted_mdm_cases(max_context=6))
def test_dense_reference_path_gives_the_same_runs(case):
    """The wrapper is checked on the encoder's O(S^2) reference path too, not only the fast one."""
    program, vocab, x0 = case
    dense = simulate(program, vocab, x0, path="dense")
    fast = simulate(program, vocab, x0)
    assert dense.same_final and dense.lockstep_ok
    assert np.array_equal(dense.masked_arm.final, fast.masked_arm.final)


def test_masked_arm_traces_round_trip_through_json_and_render(capsys):
    from simulators.processes import Trace

    vocab = example_vocab(3)
    program = random_mdm_program(vocab, 5, 0)
    result = simulate(program, vocab, np.array([3, 0, 3, 3, 3]))
    back = Trace.from_json(result.masked_arm.to_json())
    assert np.array_equal(back.final, result.masked_arm.final)
    assert back.vocab.render(back.final) == result.machine.vocab.render(result.masked_arm.final)
    assert run_main(main, ["demo", "--context", "4", "--show"]) == 0
    assert "Theorem 3" in capsys.readouterr().out
