"""The CLI: output formats, exit codes, and errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from simulators.grammars import count
from simulators.grammars.cli import entry


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = entry(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_count_json_has_even_lengths(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "count", "--language", "two-sided-dyck", "--k", "3",
                       "--max-length", "9", "--json")
    assert code == 0
    data = json.loads(out)
    assert data == {"counts": {str(n): count(3, n, two_sided=True) for n in range(0, 10, 2)}}


def test_count_json_long_lengths_print_big_integers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "count", "--k", "2", "--length", "10000", "--json")
    assert code == 0 and json.loads(out)["counts"]["10000"] == count(2, 10000, two_sided=True)


def test_check_exit_codes_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--language", "dyck", "--k", "2", "([])", "--json")
    assert code == 0 and json.loads(out)["results"][0]["member"] is True
    code, out, _ = run(capsys, "check", "--k", "2", "a1 a2 A1")
    assert code == 1 and "not a member" in out


def test_sample_and_enumerate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sample", "--k", "2", "--length", "8", "--num", "3",
                       "--seed", "4", "--json")
    assert code == 0 and len(json.loads(out)["samples"]) == 3
    code2, out2, _ = run(capsys, "sample", "--k", "2", "--length", "8", "--num", "3",
                         "--seed", "4", "--json")
    assert out2 == out  # deterministic given the seed
    code, out, _ = run(capsys, "enumerate", "--language", "dyck", "--k", "2", "--length", "4")
    assert code == 0 and out.split() == ["(())", "([])", "()()", "()[]", "[()]", "[[]]", "[]()",
                                         "[][]"]


def test_errors_are_reported_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--k", "2", "a1 a3")
    assert code == 2 and "<arg>:1:4: error:" in err and "^" in err
    code, _, err = run(capsys, "count", "--k", "2", "--max-length", "10000000")
    assert code == 3 and "limit" in err
    code, _, err = run(capsys, "enumerate", "--k", "3", "--length", "20")
    assert code == 3 and "max_words" in err
    code, _, err = run(capsys, "near-miss", "--k", "2", "a1 a2")
    assert code == 2 and "member" in err
    assert "Traceback" not in err


def test_module_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "simulators.grammars", "count", "--k", "2", "--max-length", "4",
         "--json"], capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0 and json.loads(proc.stdout) == {"counts": {"0": 1, "2": 4, "4": 28}}
