"""The issue's done-when command for Theorem 1 at weight level: ``python -m
constructions.pram_mdm run examples/pram/prefix_sum.pram --input A=3,1,4,1,5,9,2,6 --backend
weights --json`` gives the interpreter's output and decoding steps, with the ``network`` block
filled (canvas 4,017; ~25 s through the sparse path on the loaded 2-core box, so slow-marked)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from constructions.pram_mdm.cli import main  # noqa: E402
from simulators.cli_support import run_main  # noqa: E402

ARGV = ["run", "examples/pram/prefix_sum.pram", "--input", "A=3,1,4,1,5,9,2,6", "--json"]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert run_main(main, argv) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[0])


@pytest.mark.slow
def test_theorem1_prefix_sum_n8_weights_cli(capsys: pytest.CaptureFixture[str]) -> None:
    a = _run(ARGV, capsys)
    b = _run([*ARGV, "--backend", "weights"], capsys)
    assert b["backend"] == "weights"
    assert (b["output"], b["decoding_steps"], b["halt"]) == (
        a["output"], a["decoding_steps"], a["halt"])
    assert b["output"]["A"] == [3, 4, 8, 9, 14, 23, 25, 31]  # prefix sums, in place
    net = b["network"]
    for key in ("attention_layers", "mlp_layers", "relu_depth", "heads", "d_model",
                "max_hidden_width", "parameters"):
        assert net[key] > 0, key
    assert net["dtype"] == "float64"
