"""CLI of the Theorem 5 construction: formats, determinism, errors without tracebacks."""

from __future__ import annotations

import json

import pytest

from constructions.dyck_apmdm.cli import entry
from constructions.interface import REPORT_KEYS
from simulators.grammars import counts


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = entry(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_support_json_counts_match_the_grammar(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "support", "--k", "2", "--max-length", "6", "--json")
    assert code == 0
    expected = counts(2, 6, two_sided=True)
    assert json.loads(out) == {"counts": {str(n): c for n, c in expected.items()}}
    code, out, _ = run(capsys, "support", "--k", "3", "--one-sided", "--max-length", "4")
    assert code == 0 and "MISMATCH" not in out


def test_sample_json_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("sample", "--k", "3", "--num", "4", "--target-length", "20", "--seed", "5", "--json")
    code, out, _ = run(capsys, *argv)
    assert code == 0
    samples = [json.loads(line) for line in out.splitlines()]
    assert len(samples) == 4
    assert all(set(s) == set(REPORT_KEYS) for s in samples)
    assert all(s["extra"]["member"] and s["halt"] == "fixed_point" for s in samples)
    assert run(capsys, *argv)[1] == out


def test_sample_show_prints_each_step(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sample", "--k", "2", "--target-length", "6", "--seed", "3",
                       "--show")
    assert code == 0 and out.startswith("step   0: [BOS]") and "[P]" in out


def test_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sample", "--k", "2", "--insert-prob", "1")
    assert code == 2 and "strictly between" in err
    code, _, err = run(capsys, "sample", "--k", "2", "--insert-prob", "abc")
    assert code == 2 and "--insert-prob" in err
    code, _, err = run(capsys, "support", "--k", "2", "--max-length", "40")
    assert code == 3 and "max_support_length" in err
    code, _, err = run(capsys, "support", "--k", "3", "--max-length", "8", "--max-states", "500")
    assert code == 3 and "max_states" in err
    assert "Traceback" not in err
