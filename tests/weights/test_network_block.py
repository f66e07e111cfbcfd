"""The ``network`` block of a weights-backend report describes the compiled network that ran
(simulators/weights/sizes.py), and each construction CLI gives the same run on both backends.

Theorem 5's step program is where the two accountings differ: ``length()`` is a source in the
program's cost (1 attention sublayer) but a count head in the compiled network (2), so a block
that leaked the program's counts fails here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("torch")

from constructions.backends import network_report  # noqa: E402
from constructions.dyck_apmdm.process import DyckAPMDM  # noqa: E402
from constructions.interface import (  # noqa: E402
    NETWORK_KEYS,
    PROGRAM_COST_KEYS,
    WEIGHTS_NETWORK_KEYS,
)
from simulators.cli_support import run_main  # noqa: E402
from simulators.weights import compile_program  # noqa: E402
from simulators.weights.sizes import (  # noqa: E402
    NETWORK_SIZE_KEYS,
    magnitude_bits,
    weights_network_block,
)


def test_block_counts_are_the_compiled_networks() -> None:
    prog = DyckAPMDM(2, target_length=4).program
    net = compile_program(prog)
    block = network_report(prog, net)
    assert block == weights_network_block(net)  # one definition: reports and exports
    size = net.size()
    assert set(block) >= set(NETWORK_KEYS) | set(WEIGHTS_NETWORK_KEYS) | set(PROGRAM_COST_KEYS)
    for key in NETWORK_SIZE_KEYS:
        assert block[key] == size[key], key
    cost = prog.cost()
    assert (block["program_attention_layers"], block["program_depth"]) == (
        cost.attention_layers, cost.depth) == (1, 3)
    assert block["attention_layers"] == 2 and block["depth"] == len(net.stack) == 4
    assert block["width_bits"] == cost.width_bits
    assert block["dtype"] == "float64" and block["magnitude_bits"] == magnitude_bits(net)


def test_interpreter_block_is_the_programs_cost() -> None:
    prog = DyckAPMDM(2, target_length=4).program
    cost = prog.cost()
    assert network_report(prog) == {"depth": cost.depth, "attention_layers": cost.attention_layers,
                                    "mlp_layers": cost.mlp_layers, "heads": cost.heads,
                                    "width_bits": cost.width_bits}


def test_magnitude_bits_reads_the_widest_declared_range() -> None:
    class Fake:
        residual_lo = [0.0, -5.0, 0.0]
        residual_hi = [1.0, 3.0, 1023.0]

    assert magnitude_bits(Fake()) == 10  # 1023 needs 10 bits; 1024 would need 11
    Fake.residual_hi = [1.0, 3.0, 1024.0]
    assert magnitude_bits(Fake()) == 11
    Fake.residual_hi = [1.0, 3.0, 2.0**52]  # exact where float log2 rounds: 2^52 has 53 bits
    assert magnitude_bits(Fake()) == 53
    Fake.residual_lo = [-(2.0**55 - 8.0), 0.0, 0.0]  # representable: 55 bits
    assert magnitude_bits(Fake()) == 55


# Fast CLI runs (seconds each on both backends); the exact commands for Theorems 1 and 4
# at n = 8 take longer and are in the slow profile below.
CLI_RUNS = [
    ("constructions.parity_apmdm.cli", ["0110101"]),
    ("constructions.parity_apmdm.cli", ["1"]),
    ("constructions.dyck_apmdm.cli", ["sample", "--k", "2", "--target-length", "8",
                                      "--insert-prob", "0.99", "--seed", "1"]),
    ("constructions.dyck_apmdm.cli", ["sample", "--k", "2", "--target-length", "8",
                                      "--seed", "2"]),
    ("constructions.pram_apmdm.cli", ["run", "examples/pram/prefix_sum.pram", "--input", "A=3,1"]),
]
SLOW_CLI_RUNS = [
    ("constructions.pram_apmdm.cli", ["run", "examples/pram/prefix_sum.pram",
                                      "--input", "A=3,1,4,1,5,9,2,6"]),
    ("constructions.pram_mdm.cli", ["run", "examples/pram/sum.pram", "--input", "A=3,4"]),
]


def _json_run(module: str, argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    import importlib

    main = importlib.import_module(module).main
    assert run_main(main, [*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[0])


def _same_run_both_backends(module: str, argv: list[str],
                            capsys: pytest.CaptureFixture[str]) -> dict:
    a = _json_run(module, argv, capsys)
    b = _json_run(module, [*argv, "--backend", "weights"], capsys)
    for key in ("output", "decoding_steps", "halt", "context_length", "final_length"):
        assert a[key] == b[key], (module, key)
    assert (a["backend"], b["backend"]) == ("interpreter", "weights")
    net = b["network"]
    assert set(net) >= set(NETWORK_SIZE_KEYS) | set(PROGRAM_COST_KEYS)
    assert net["depth"] == net["attention_layers"] + net["mlp_layers"]
    assert net["dtype"] == "float64" and net["parameters"] > 0 and net["relu_depth"] > 0
    # the program's counts are the interpreter's block, kept under program_*
    assert {k: net[f"program_{k}"] for k in ("depth", "attention_layers", "mlp_layers",
                                              "heads")} == {k: a["network"][k] for k in (
        "depth", "attention_layers", "mlp_layers", "heads")}
    return b


@pytest.mark.parametrize(("module", "argv"), CLI_RUNS, ids=[" ".join(a) for _, a in CLI_RUNS])
def test_cli_weights_backend_same_run(module: str, argv: list[str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    b = _same_run_both_backends(module, argv, capsys)
    if module.startswith("constructions.dyck_apmdm"):  # the count head length() is a layer
        assert b["network"]["attention_layers"] == b["network"]["program_attention_layers"] + 1


@pytest.mark.slow
@pytest.mark.parametrize(("module", "argv"), SLOW_CLI_RUNS,
                         ids=[" ".join(a) for _, a in SLOW_CLI_RUNS])
def test_cli_weights_backend_same_run_slow(module: str, argv: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _same_run_both_backends(module, argv, capsys)


def test_dyck_sample_same_word_for_each_seed(capsys: pytest.CaptureFixture[str]) -> None:
    """``dyck_apmdm sample --seed S`` draws the same word on both backends (several seeds)."""
    words = set()
    for seed in range(4):
        argv = ["sample", "--k", "2", "--target-length", "6", "--insert-prob", "0.9",
                "--seed", str(seed)]
        b = _same_run_both_backends("constructions.dyck_apmdm.cli", argv, capsys)
        words.add(json.dumps(b["output"]))
    assert len(words) > 1  # the seeds do draw different words: the test compares something


def test_device_cuda_without_cuda_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    from constructions.parity_apmdm.cli import main

    assert run_main(main, ["0110", "--backend", "weights", "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "cuda" in err.lower() and "Traceback" not in err


def test_random_draws_are_the_engines(capsys: pytest.CaptureFixture[str]) -> None:
    """Sanity: the Dyck program draws noise (so equal words mean equal draws, not no draws)."""
    prog = DyckAPMDM(2, target_length=6).program
    canvas = np.asarray(prog.max_length * [0])[:3]
    with pytest.raises(Exception, match="rng"):
        compile_program(prog).evaluate(canvas)


def test_weights_bench_device_cuda_without_cuda_exits_2() -> None:
    """The documented GPU command fails cleanly (exit 2, one line, no traceback) without CUDA."""
    import subprocess
    import sys
    from pathlib import Path

    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "benchmarks" / "weights_bench.py"),
                           "--device", "cuda", "--sizes", "64", "256", "1024"],
                          capture_output=True, text=True, timeout=120, cwd=root)
    assert proc.returncode == 2 and "no CUDA device" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
