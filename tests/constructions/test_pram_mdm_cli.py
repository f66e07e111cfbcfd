"""``python -m constructions.pram_mdm``: JSON contract, --show, and errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from constructions.interface import NETWORK_KEYS, PRAM_EXTRA_KEYS, REPORT_KEYS
from constructions.pram_mdm.cli import main
from simulators.cli_support import run_main

ROOT = Path(__file__).resolve().parents[2]
PREFIX = str(ROOT / "examples" / "pram" / "prefix_sum.pram")


def test_json_has_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(main, ["run", PREFIX, "--input", "A=3,1,4,1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == set(REPORT_KEYS)
    assert set(out["extra"]) >= set(PRAM_EXTRA_KEYS)
    assert set(out["network"]) >= set(NETWORK_KEYS)
    assert out["construction"] == "theorem1" and out["backend"] == "interpreter"
    assert out["output"] == {"A": [3, 4, 8, 9]}
    assert out["decoding_steps"] == out["extra"]["pram_steps"] + 1
    # Measured by the machine as well: the processors it actually used.
    assert out["extra"]["processors_used"] == 3 and out["extra"]["processors_declared"] == 4


def test_max_steps_stops_with_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(main, ["run", PREFIX, "--input", "A=3,1,4,1", "--max-steps", "3"]) == 3
    assert "step limit" in capsys.readouterr().err


def test_show_renders_blocks_and_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(main, ["run", PREFIX, "--input", "A=2,5", "--show"]) == 0
    text = capsys.readouterr().out
    assert "processor 0" in text and "processor 1" in text
    assert "A[1] := 7" in text  # the write of the last round, labelled by array and index
    assert "A = [2, 7]" in text


def test_input_file(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "in.json"
    f.write_text(json.dumps({"A": [1, 1]}))
    assert run_main(main, ["run", PREFIX, "--input-file", str(f), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["output"] == {"A": [1, 2]}


@pytest.mark.parametrize(("argv", "code"), [
    (["run", "missing.pram"], 2),
    (["run", PREFIX, "--input", "A=1,x"], 2),
    (["run", PREFIX, "--input", "B=1"], 2),
    (["run", PREFIX, "--input", "A"], 2),
    (["run", PREFIX, "--input", "A=1,2", "--value-bits", "99"], 2),
    (["frobnicate"], 2),
])
def test_errors_exit_with_a_message(argv: list[str], code: int,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(main, argv) == code
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err


def test_bound_violation_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = (ROOT / "examples" / "pram" / "prefix_sum.pram").read_text()
    short = tmp_path / "short.pram"
    short.write_text(src.replace("time 15*ceil(log2(max(n, 1))) + 5", "time 6"))
    assert run_main(main, ["run", str(short), "--input", "A=1,2,3"]) == 3
    assert "did not halt within the declared T(n)" in capsys.readouterr().err


def test_module_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "constructions.pram_mdm", "run", PREFIX,
                           "--input", "A=1,2"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "A = [1, 3]" in proc.stdout
