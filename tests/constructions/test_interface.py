"""The construction interface's report: measured numbers, fixed keys, shared CLI options."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

from constructions.cli_common import add_run_options, emit_report, run_kwargs
from constructions.interface import REPORT_KEYS, RunReport, network_size
from simulators.cli_support import ArgumentParser
from simulators.encoder import Program, const, ew, mdm_policy, tokens
from simulators.errors import UsageError
from simulators.processes import IntVocab, LeftmostK, run_mdm


def _tiny_run() -> RunReport:
    """An MDM that fills one mask per step with 7: 3 masks -> 3 steps, length 5 throughout."""
    vocab = IntVocab(0, 9)
    tok = tokens(0, vocab.mask_id)
    program = Program({"token": const(7), "fill": ew("eq", tok, vocab.mask_id)}, max_length=8)
    canvas = np.array([1, 2, vocab.mask_id, vocab.mask_id, vocab.mask_id], dtype=np.int64)
    trace = run_mdm(mdm_policy(program), canvas, vocab, fill_rule=LeftmostK(1))
    return RunReport.from_trace("tiny", "interpreter", trace, trace.final.tolist(),
                                network_size(program.cost()), {"note": 1})


def test_report_numbers_are_read_from_the_trace() -> None:
    rep = _tiny_run()
    assert rep.decoding_steps == 3
    assert rep.context_length == rep.initial_length == rep.final_length == 5
    assert rep.output == [1, 2, 7, 7, 7]
    assert rep.halt == "no_masks"


def test_to_json_has_exactly_the_shared_keys() -> None:
    obj = _tiny_run().to_json()
    assert tuple(sorted(obj)) == tuple(sorted(REPORT_KEYS))
    assert "note" not in obj and obj["extra"] == {"note": 1}
    assert set(obj["network"]) == {"depth", "attention_layers", "mlp_layers", "heads",
                                   "width_bits"}
    json.dumps(obj)  # plain JSON types only


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = ArgumentParser(prog="t")
    add_run_options(parser, default_max_steps=50)
    return parser.parse_args(argv)


def test_run_options_defaults_and_validation() -> None:
    args = _parse([])
    assert run_kwargs(args) == {"max_steps": 50, "record_canvases": False,
                                "backend": "interpreter", "device": "cpu"}
    assert _parse(["--max-steps", "3", "--html", "x.html"]).max_steps == 3
    assert run_kwargs(_parse(["--html", "x.html"]))["record_canvases"] is True
    for bad in (["--max-steps", "0"], ["--max-steps", "x"], ["--backend", "gpu"]):
        with pytest.raises(UsageError):
            _parse(bad)
    with pytest.raises(UsageError, match="--backend weights"):
        run_kwargs(_parse(["--device", "cuda"]))


def test_emit_report_prints_json_or_text(capsys: pytest.CaptureFixture[str]) -> None:
    rep = _tiny_run()
    emit_report(_parse(["--json"]), rep, text=lambda r: "unused")
    assert json.loads(capsys.readouterr().out)["decoding_steps"] == 3
    emit_report(_parse([]), rep, text=lambda r: f"steps={r.decoding_steps}")
    assert capsys.readouterr().out == "steps=3\n"


def _all_constructions() -> list:
    from constructions.dyck_apmdm.construction import Theorem5
    from constructions.dyck_apmdm.process import DyckAPMDM
    from constructions.masked_arm.construction import Theorem3
    from constructions.parity_apmdm import Parity
    from constructions.pram_apmdm.construction import Theorem4
    from constructions.pram_mdm.construction import Theorem1
    from simulators.pram import load_program
    from simulators.pram.example_inputs import EXAMPLES_DIR

    prog = load_program(str(EXAMPLES_DIR / "prefix_sum.pram"))
    inputs = {"A": [2, 7]}
    return [Theorem1.build(prog, inputs), Theorem4.build(prog, inputs),
            Theorem3.of(Theorem1.build(prog, {"A": [2]}, one_token_per_step=True)),
            Theorem5(DyckAPMDM(2, True, 6)), Parity.from_bits([1, 0, 1, 1])]


def test_every_construction_reports_what_its_trace_shows() -> None:
    """Theorems 1, 3, 4, 5 and parity: the protocol, the same JSON keys, and the numbers equal
    to what the recorded canvases show (longest canvas, first/last length, step count)."""
    from constructions.interface import Construction

    names = set()
    for thm in _all_constructions():
        assert isinstance(thm, Construction)
        rep = thm.run(record_canvases=True, rng=np.random.default_rng(1))
        assert rep.trace is not None and tuple(sorted(rep.to_json())) == tuple(sorted(REPORT_KEYS))
        lengths = [len(c) for c in rep.trace.canvases]
        assert rep.context_length == max(lengths), thm.name
        assert (rep.initial_length, rep.final_length) == (lengths[0], lengths[-1])
        assert rep.decoding_steps == len(lengths) - 1
        assert rep.network == network_size(thm.program.cost())
        json.dumps(thm.decode_state(rep.trace.final))  # JSON-able
        names.add(rep.construction)
    assert names == {"theorem1", "theorem3", "theorem4", "theorem5", "parity"}


CLI_RUNS = [
    ("constructions.pram_mdm.cli", ["run", "examples/pram/prefix_sum.pram", "--input", "A=3,1"]),
    ("constructions.pram_apmdm.cli", ["run", "examples/pram/prefix_sum.pram", "--input", "A=3,1"]),
    ("constructions.masked_arm.__main__", ["prefix-sum", "--input", "3,1"]),
    ("constructions.dyck_apmdm.cli", ["sample", "--k", "2", "--target-length", "8",
                                      "--insert-prob", "0.99", "--seed", "1"]),
    ("constructions.parity_apmdm.cli", ["0110"]),
    ("constructions.sudoku_apmdm.cli", ["solve", "--size", "4", "--puzzle", "1..4..1...4.4..."]),
    ("constructions.maxflow_apmdm.cli", ["run", "--nodes", "4", "--graph", "0>1:3, 1>3:2"]),
    ("constructions.edit_apmdm.cli", ["run", "--sequence", "abcab", "--edits", "del 2"]),
]


TASK_KEYS = {
    "constructions.sudoku_apmdm.cli": {"solution", "solved", "backtracks"},
    "constructions.maxflow_apmdm.cli": {"min_cut_value", "reference_min_cut_value", "cut_edges"},
}


@pytest.mark.parametrize(("module", "argv"), CLI_RUNS, ids=[m for m, _ in CLI_RUNS])
def test_every_construction_cli_prints_the_same_keys(
        module: str, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """``--json`` of every construction CLI: exactly the report's keys, the network's keys, and
    ``--max-steps 1`` stops any of them with exit 3 (one step never finishes these runs)."""
    import importlib

    from simulators.cli_support import run_main

    main = importlib.import_module(module).main
    assert run_main(main, [*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    # exactly the report's keys, plus the task keys a task CLI repeats at the top level
    assert set(out) - set(REPORT_KEYS) == TASK_KEYS.get(module, set()), module
    assert set(REPORT_KEYS) <= set(out), module
    assert set(out["network"]) >= {"depth", "attention_layers", "mlp_layers", "heads",
                                   "width_bits"}
    assert run_main(main, [*argv, "--max-steps", "1"]) == 3, module
