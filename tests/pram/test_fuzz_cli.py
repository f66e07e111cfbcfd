"""The parser, compiler, machine and CLI never crash: only the project's own errors (exit 2/3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulators.errors import ProjectError
from simulators.pram import compile_source, run
from simulators.pram.cli import entry
from tests.pram.conftest import EXAMPLES

VALID = (EXAMPLES / "prefix_sum.pram").read_text(encoding="utf-8")
TOKENS = ["program", "model", "CREW", "EREW", "input", "output", "shared", "param", "word",
          "processors", "time", "memory", "begin", "end", "for", "in", "..", "pardo", "do",
          "while", "if", "then", "else", "elif", ":=", "[", "]", "(", ")", "+", "-", "*", "//",
          "^", "mod", "<", "=", "and", "not", "n", "A", "x", "i", "0", "1", "99", "pid", ",",
          "log2", "#", "\n", "skip", "99999999999999999999999"]


def _try(text: str) -> None:
    try:
        prog = compile_source(text, "fuzz.pram")
    except ProjectError as err:
        assert err.exit_code == 2
        err.format()  # formatting never fails either
        return
    for inputs in ({"A": [3, -1, 2]}, {}):
        try:
            run(prog, inputs, {}, max_steps=2000, max_memory_cells=10_000,
                max_processors=10_000)
        except ProjectError as err:
            assert err.exit_code in (2, 3)
            err.format()


@given(st.text(max_size=200))
def test_random_text(text: str) -> None:
    _try(text)


@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_random_token_soup(tokens: list[str]) -> None:
    _try(" ".join(tokens))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.integers(0, 3),
                          st.sampled_from(TOKENS + ["", "@", "~", "ß"])), min_size=1, max_size=4))
def test_mutated_valid_program(edits: list[tuple[int, int, str]]) -> None:
    text = VALID
    for pos, cut, ins in edits:
        pos = min(pos, len(text))
        text = text[:pos] + ins + text[pos + cut:]
    _try(text)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    _try("program p model CREW processors 1 time 5 begin x := " + "(" * 5000 + "1"
         + ")" * 5000 + " end")


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = entry(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ps = str(EXAMPLES / "prefix_sum.pram")
    code, out, _ = _cli(["run", ps, "--input", "A=3,1,4,1,5", "--json"], capsys)
    assert code == 0
    record = json.loads(out)
    assert record["output"] == {"A": [3, 4, 8, 9, 14]}
    assert set(record) >= {"output", "steps", "processors", "work", "memory_cells", "model",
                           "bounds"}
    assert record["model"] == "CREW" and set(record["bounds"]) >= {"processors", "time"}
    bad = tmp_path / "bad.pram"
    bad.write_text("program p\nmodel CREW\nprocessors 1\ntime 5\nbegin\n  x := 1 +\nend\n")
    code, _, err = _cli(["run", str(bad)], capsys)
    assert code == 2
    first, src, caret = err.splitlines()[:3]
    assert first.startswith(f"{bad}:7:1: error:")
    assert src.strip() == "end" and caret.strip() == "^"
    code, _, err = _cli(["run", ps, "--input", "A=1,2", "--max-steps", "3"], capsys)
    assert code == 3 and "max_steps" in err
    code, _, err = _cli(["run", ps, "--input", "A=1,zz"], capsys)
    assert code == 2 and "not an integer" in err
    code, _, err = _cli(["frobnicate"], capsys)
    assert code == 2
    code, _, err = _cli(["run", str(tmp_path / "missing.pram")], capsys)
    assert code == 2 and "cannot read" in err
    code, out, _ = _cli(["check", ps], capsys)
    assert code == 0 and "ok" in out


def test_cli_input_file_and_params(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "in.json"
    f.write_text(json.dumps({"U": [0, 2], "V": [1, 3], "params": {"n": 5}}))
    cc = str(EXAMPLES / "connected_components.pram")
    code, out, _ = _cli(["run", cc, "--input-file", str(f), "--json"], capsys)
    assert code == 0 and json.loads(out)["output"]["label"] == [0, 0, 2, 2, 4]
    code, out, _ = _cli(["run", cc, "--input", "U=0", "--input", "V=4", "--param", "n=5"], capsys)
    assert code == 0 and "[0, 1, 2, 3, 0]" in out
    for text in ("[1, 2]", '{"U": "x"}', "{", '{"params": {"n": true}}'):
        f.write_text(text)
        code, _, err = _cli(["run", cc, "--input-file", str(f)], capsys)
        assert code == 2 and "error" in err


@given(st.lists(st.sampled_from(["run", "check", "compile", "trace", "--json", "--input",
                                 "A=1,2", "A=", "--param", "n=2", "n=x", "--max-steps", "0",
                                 "-5", str(EXAMPLES / "sum.pram"), "--input-file", "/nonexist",
                                 "--max-rows", "--width", "7"]), max_size=8))
def test_cli_fuzz(args: list[str]) -> None:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = entry(args)
        except SystemExit as stop:  # --help
            code = int(stop.code or 0)
    assert code in (0, 2, 3)
    assert "Traceback" not in err.getvalue()


def test_module_entry_point_runs() -> None:
    proc = subprocess.run([sys.executable, "-m", "simulators.pram", "run",
                           str(EXAMPLES / "prefix_sum.pram"), "--input", "A=3,1,4,1,5"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0 and "[3, 4, 8, 9, 14]" in proc.stdout
