"""Every hostile command line reported against the CLIs, as a regression test.

Each case runs as ``python -m MODULE ARGS`` in a forked child under an 8 GB address-space cap
(tests/robustness/forkserver.py) and must exit with the listed code, print a one-line message
containing the listed fragment, never a traceback, and finish within a few seconds.
"""

from __future__ import annotations

import json

import pytest

from tests.robustness.runner import Result, Runner

PRAM, MDM, APMDM = "simulators.pram", "constructions.pram_mdm", "constructions.pram_apmdm"
GRAMMARS, DYCK = "simulators.grammars", "constructions.dyck_apmdm"
PROCESSES, ENCODER = "simulators.processes", "simulators.encoder"
SORT_350 = "A=" + ",".join(str((i * 7919) % 1000) for i in range(350))

#: (id, module, argv with {file} placeholders, exit code, fragment of stderr's first line)
CASES = [
    # tracebacks
    ("pram-bigint-input", PRAM, ["run", "{prefix_sum.pram}", "--input-file",
                                 "{bigint_input.json}"], 2, "100000 digits is too large"),
    ("mdm-bigint-input", MDM, ["run", "{prefix_sum.pram}", "--input-file",
                               "{bigint_input.json}"], 2, "too large"),
    ("apmdm-bigint-input", APMDM, ["run", "{prefix_sum.pram}", "--input-file",
                                   "{bigint_input.json}"], 2, "too large"),
    ("sample-negative-length", GRAMMARS, ["sample", "--language", "two-sided-dyck", "--k", "2",
                                          "--length", "-1"], 2, "--length"),
    ("sample-negative-seed", GRAMMARS, ["sample", "--length", "4", "--seed", "-1"], 2, "--seed"),
    ("near-miss-negative-seed", GRAMMARS, ["near-miss", "a1 A1", "--seed", "-1"], 2, "--seed"),
    ("dyck-negative-seed", DYCK, ["sample", "--seed", "-1"], 2, "--seed"),
    ("check-binary-file", GRAMMARS, ["check", "--file", "{binary.bin}"], 2, "not UTF-8"),
    ("check-latin1-file", GRAMMARS, ["check", "--file", "{latin1.txt}"], 2, "not UTF-8"),
    ("show-deep-json", PROCESSES, ["show", "{deep.json}"], 2, "nests deeper than"),
    ("show-deep-object", PROCESSES, ["show", "{deep_object.json}"], 2, "nests deeper than"),
    ("show-huge-vocab", PROCESSES, ["show", "{trace_bad.json}"], 2, "too large"),
    ("explain-overflow", ENCODER, ["explain", "reverse", "--param", "vocab=5", "--param",
                                   "max_length=4", "--canvas", "123456789012345678901234567890 1"],
     2, "--canvas token 1"),
    # hangs and super-linear time
    ("apmdm-forever", APMDM, ["run", "{forever.pram}", "--input", "A=1,2"], 3, "--max-steps"),
    ("pram-forever", PRAM, ["run", "{forever.pram}", "--input", "A=1,2"], 3, "max_steps"),
    ("mdm-forever", MDM, ["run", "{forever.pram}", "--input", "A=1,2"], 3, "max_context"),
    ("count-50000", GRAMMARS, ["count", "--k", "2", "--max-length", "50000"], 3, "--output FILE"),
    ("count-k1000", GRAMMARS, ["count", "--language", "two-sided-dyck", "--k", "1000",
                               "--max-length", "50000"], 3, "--output FILE"),
    ("count-k1001", GRAMMARS, ["count", "--k", "1001", "--max-length", "4"], 2, "1..1000"),
    # memory
    ("mdm-sort-350", MDM, ["run", "{odd_even_sort.pram}", "--input", SORT_350], 3,
     "--max-context"),
    ("mdm-sort-350-raised", MDM, ["run", "{odd_even_sort.pram}", "--input", SORT_350,
                                  "--max-context", "1000000000000"], 3, "available"),
    ("support-max-states-raised", DYCK, ["support", "--max-states", "1000000000000"], 3,
     "available"),
    ("enumerate-raised", GRAMMARS, ["enumerate", "--k", "2", "--length", "40", "--max-words",
                                    "1000000000000000000000"], 3, "available"),
    # wrong exit codes and unhelpful messages
    ("check-time-negative", PRAM, ["check", "{time_negative.pram}"], 2, "non-negative"),
    ("run-time-negative", PRAM, ["run", "{time_negative.pram}", "--input", "A=1"], 2,
     "non-negative"),
    ("mdm-time-negative", MDM, ["run", "{time_negative.pram}", "--input", "A=1"], 2,
     "non-negative"),
    ("apmdm-time-negative", APMDM, ["run", "{time_negative.pram}", "--input", "A=1"], 2,
     "non-negative"),
    ("literal-5000-digits", PRAM, ["check", "{bigint.pram}"], 2, ":8:8: error: integer literal"),
    ("nested-if-300", PRAM, ["check", "{nested_if.pram}"], 2, ":56:1: error: blocks"),
    ("nested-paren-90", PRAM, ["check", "{nested_paren.pram}"], 2, ":8:152: error: parentheses"),
    ("flat-sum-1000", PRAM, ["check", "{flat_sum.pram}"], 2, ":8:"),
    ("model-random", PRAM, ["check", "{bad_model.pram}"], 2, "CRCW-priority"),
    ("nameless-program", PRAM, ["check", "{nameless.pram}"], 2, ":1:8: error: the program needs"),
    ("unterminated-while", PRAM, ["check", "{unterminated.pram}"], 2, ":9:3: error:"),
    ("count-limit-negative", GRAMMARS, ["count", "--limit", "-1", "--max-length", "4"], 2,
     "--limit"),
    ("enumerate-max-words-0", GRAMMARS, ["enumerate", "--max-words", "0", "--length", "2"], 2,
     "--max-words"),
    ("support-max-states-negative", DYCK, ["support", "--max-states", "-1"], 2, "--max-states"),
    ("apmdm-value-bits", APMDM, ["run", "{prefix_sum.pram}", "--input", "A=1,2",
                                 "--value-bits", "27"], 2, "bits"),
    ("mdm-value-bits", MDM, ["run", "{prefix_sum.pram}", "--input", "A=1,2", "--value-bits",
                             "27"], 2, "bits"),
    ("param-10^23", PRAM, ["run", "{prefix_sum.pram}", "--input", "A=1", "--param", "n=10^23"],
     2, "--param n"),
    ("encoder-param-10^23", ENCODER, ["dump", "reverse", "--param", "vocab=10^23"], 2,
     "--param vocab"),
    ("insert-prob-tiny", DYCK, ["sample", "--insert-prob", "1e-5"], 2, "1/100000"),
    ("near-miss-num-negative", GRAMMARS, ["near-miss", "a1 A1", "--num", "-1"], 2, "--num"),
    ("explain-max-positions-negative", ENCODER, ["explain", "reverse", "--canvas", "1 2",
                                                 "--max-positions", "-1"], 2, "--max-positions"),
    ("show-directory", PROCESSES, ["show", "{directory}"], 2, "is a directory"),
    ("show-devnull", PROCESSES, ["show", "{devnull}"], 2, "character device"),
    ("show-missing", PROCESSES, ["show", "{missing}"], 2, "no such file"),
    ("dyck-odd-target", DYCK, ["sample", "--target-length", "7"], 2, "even"),
    ("dyck-odd-max-length", DYCK, ["sample", "--max-length", "7"], 2, "even"),
    ("pram-directory", PRAM, ["check", "{directory}"], 2, "is a directory"),
    ("pram-devnull", PRAM, ["run", "{devnull}"], 2, "character device"),
    # found by the fuzzer (test_cli_fuzz.py)
    ("html-to-directory", "constructions.masked_arm", ["prefix-sum", "--html", "{directory}"], 2,
     "is a directory"),
    ("nul-in-path", MDM, ["run", "x\x00y"], 2, "NUL"),
]


def _argv(argv: list[str], files: dict[str, str]) -> list[str]:
    return [files[a[1:-1]] if a.startswith("{") and a.endswith("}") else a for a in argv]


def _check(res: Result, code: int, fragment: str) -> None:
    assert not res.timed_out, res.describe()
    assert res.rc == code, res.describe()
    assert "Traceback" not in res.stderr, res.describe()
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    message = next((ln for ln in lines if "error" in ln), "")
    assert message, res.describe()
    assert fragment in message or fragment in res.stderr, res.describe()
    assert "Fraction(" not in res.stderr and "Error trying to process rule" not in res.stderr
    # "within a few seconds": CPU time of the command (wall time on this shared 2-core machine
    # depends on everyone else's load); the slowest case is Theorem 4's default step limit
    assert res.cpu_seconds < 20, res.describe()


#: Cases that take more than a few CPU seconds: Theorem 4's default step limit (20,000 decoding
#: steps, ~10 s of CPU) -- run with --run-slow; the fast suite checks the same path with a lower
#: --max-steps (test_apmdm_step_limit_flag).
SLOW = {"apmdm-forever"}


def _params(cases: list) -> list:
    return [pytest.param(*c, id=c[0], marks=[pytest.mark.slow] if c[0] in SLOW else [])
            for c in cases]


@pytest.mark.parametrize(("case", "module", "argv", "code", "fragment"), _params(CASES))
def test_issue_case(runner: Runner, files: dict[str, str], case: str, module: str,
                    argv: list[str], code: int, fragment: str) -> None:
    res = runner.run(module, *_argv(argv, files), timeout=180)
    _check(res, code, fragment)


@pytest.mark.parametrize(("case", "module", "argv", "code", "fragment"),
                         _params([c for c in CASES if c[1] in (PRAM, MDM, APMDM, GRAMMARS)]))
def test_json_errors_go_to_stdout_too(runner: Runner, files: dict[str, str], case: str,
                                      module: str, argv: list[str], code: int,
                                      fragment: str) -> None:
    """With --json an error is also one JSON object on stdout: {"error": {kind, message, ...}}."""
    if argv[0] in ("check",) and module == PRAM:
        pytest.skip("`check` has no --json")
    res = runner.run(module, *_argv(argv, files), "--json", timeout=180)
    assert res.rc == code, res.describe()
    record = json.loads(res.stdout)
    assert set(record) == {"error"}
    assert {"kind", "message", "exit_code"} <= set(record["error"])
    assert record["error"]["exit_code"] == code


def test_faults_are_reported_the_same_way_everywhere(runner: Runner, tmp_path) -> None:  # noqa: ANN001
    """The machine and both constructions name the same step, processors and source line, in
    the message and in the --json record."""
    prog = tmp_path / "fault.pram"
    prog.write_text("program fault\nmodel CREW\ninput A[n]\noutput A\nprocessors n\ntime 100\n"
                    "begin\n  for i in 0 .. n - 1 pardo\n    A[i + 1] := 7\n  end\nend\n")
    faults = []
    for module in (PRAM, MDM, APMDM):
        res = runner.run(module, "run", str(prog), "--input", "A=1,2", "--json", timeout=60)
        assert res.rc == 3 and "Traceback" not in res.stderr, res.describe()
        assert "step 9: index out of bounds on processor(s) [1]" in res.stderr
        fault = json.loads(res.stdout)["error"]["fault"]
        faults.append({k: fault[k] for k in ("kind", "step", "processors", "source_line")})
    assert faults[0] == faults[1] == faults[2] == {
        "kind": "out_of_bounds", "step": 9, "processors": [1], "source_line": 9}


def test_640k_brackets_through_the_cli(runner: Runner, files: dict[str, str]) -> None:
    res = runner.run(GRAMMARS, "check", "--language", "dyck", "--file", files["brackets.txt"],
                     "--json", timeout=60)
    assert res.rc == 0, res.describe()
    assert res.seconds < 5, res.describe()  # ~0.5 s on a quiet machine, parse + reduce + JSON


def test_count_to_a_file(runner: Runner, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "counts.txt"
    res = runner.run(GRAMMARS, "count", "--k", "2", "--max-length", "3000", "--output", str(out))
    assert res.rc == 0 and res.stdout == "", res.describe()
    assert out.read_text().splitlines()[2].split() == ["4", "28"]


def test_apmdm_step_limit_flag(runner: Runner, files: dict[str, str]) -> None:
    """The Theorem 4 run of a program that never halts stops at --max-steps (exit 3)."""
    res = runner.run(APMDM, "run", files["forever.pram"], "--input", "A=1,2", "--max-steps",
                     "500", timeout=120)
    _check(res, 3, "--max-steps 500")
