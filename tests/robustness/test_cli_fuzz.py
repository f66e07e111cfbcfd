"""Hypothesis-driven fuzzing of every command line of the project.

For each CLI (every package under simulators/ and constructions/ with a ``__main__.py``), the
argparse tree is read from the CLI itself (tests/robustness/forkserver.py, ``introspect``), and
hypothesis draws command lines from it: a sub-command, positionals, and a few options with hostile
values (negatives, zero, huge and malformed numbers, ``10^23``, ``1e-5``, ``nan``, binary / deep /
huge-integer files, directories, ``/dev/null``, missing paths) mixed with ordinary ones. Every
run is ``python -m MODULE ...`` in a forked child under an 8 GB address-space cap and must

* exit 0, 2 or 3 (or 1 where a CLI documents it: a non-member word, a sample that is not a
  member), never with a Python traceback on stderr;
* finish within the timeout.

The default profile draws ``ROBUSTNESS_FUZZ_EXAMPLES`` (default 8) command lines per CLI; the
slow test draws 25 times as many (``pytest --run-slow -k fuzz``). A failure prints the command
line; add it to ``test_issue_cases.py`` once fixed.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.runner import Runner, cli_modules

EXAMPLES = int(os.environ.get("ROBUSTNESS_FUZZ_EXAMPLES", "8"))
#: CLIs that document exit 1 (a negative answer, not an error).
EXIT_1_OK = {"simulators.grammars", "constructions.dyck_apmdm", "constructions.parity_apmdm"}
#: Options whose value is a path the command writes: drawn from scratch paths only, so a fuzzed
#: run never overwrites the hostile input files.
WRITES = {"--output", "--html", "--dump"}

NUMBERS = ["-1", "0", "1", "2", "3", "4", "6", "8", "-9223372036854775809", "9223372036854775808",
           "1000000000000", "10^23", "1e-5", "0.5", "1/3", "nan", "inf", "-0", "9" * 60, "0x10"]
TEXTS = ["", " ", "x", "a1 A1", "a1 a2 A2 A1", "([])", "(]", "A=1,2", "A=", "A=1,zz", "n=3",
         "n=-1", "n=10^23", "vocab=5", "max_length=4", "lo=5", "3 1 4 1 5", "1," * 50,
         "ε", "\x00", "ß", "--", "-", "--json", "1 2 3 4 5 6 7 8 9 10 11 12"]
FILES = ["prefix_sum.pram", "sum.pram", "bigint_input.json", "deep.json", "deep_object.json",
         "nan.json", "float.json", "list.json", "empty.json", "binary.bin", "latin1.txt",
         "words.txt", "bigint.pram", "nested_if.pram", "nested_paren.pram", "flat_sum.pram",
         "bad_model.pram", "nameless.pram", "unterminated.pram", "time_negative.pram",
         "trace_not.json", "trace_bad.json", "directory", "devnull", "missing"]


def _value(files: dict[str, str], scratch: Path, flag: str,
           choices: list[str]) -> st.SearchStrategy:
    if flag in WRITES:
        return st.sampled_from([str(scratch / "out.txt"), "out.html", "/dev/null",
                                files["directory"], "/nonexistent/dir/x", ""])
    options = [st.sampled_from(NUMBERS), st.sampled_from(TEXTS),
               st.sampled_from(FILES).map(files.__getitem__)]
    if choices:
        options.insert(0, st.sampled_from(choices))
        options.insert(0, st.sampled_from(choices))  # valid choices more often
    return st.one_of(options)


@st.composite
def command_lines(draw: st.DrawFn, tree: dict, files: dict[str, str], scratch: Path) -> list[str]:
    argv: list[str] = []
    node = tree
    while node["commands"]:
        if draw(st.integers(0, 19)) == 0:
            argv.append(draw(st.sampled_from(["bogus", "", "--help-me"])))
            return argv
        name = draw(st.sampled_from(sorted(node["commands"])))
        argv.append(name)
        node = node["commands"][name]
    for pos in node["positionals"]:
        count = 1 if pos["nargs"] in (None, 1) else draw(st.integers(0, 2))
        for _ in range(count):
            if pos["choices"]:
                argv.append(draw(st.sampled_from(pos["choices"])))
            else:
                argv.append(draw(st.one_of(st.sampled_from(FILES).map(files.__getitem__),
                                           st.sampled_from(TEXTS), st.sampled_from(NUMBERS))))
    for _ in range(draw(st.integers(0, 4))):
        if not node["options"] or draw(st.integers(0, 24)) == 0:
            argv.append(draw(st.sampled_from(["--bogus", "--k=", "-x"])))
            continue
        opt = draw(st.sampled_from(node["options"]))
        argv.append(opt["flag"])
        if opt["takes_value"]:
            argv.append(draw(_value(files, scratch, opt["flag"], opt["choices"])))
    return argv


def _fuzz(runner: Runner, files: dict[str, str], scratch: Path, module: str,
          examples: int) -> None:
    tree = runner.describe(module)

    @settings(max_examples=examples, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(argv=command_lines(tree, files, scratch))
    def check(argv: list[str]) -> None:
        res = runner.run(module, *argv, timeout=120, cwd=str(scratch))
        where = f"python -m {module} {shlex.join(argv)}\n{res.describe()}"
        assert not res.timed_out, where
        assert "Traceback" not in res.stderr, where
        allowed = {0, 2, 3} | ({1} if module in EXIT_1_OK else set())
        assert res.rc in allowed, where

    check()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-cwd")


@pytest.mark.parametrize("module", cli_modules())
def test_fuzz_cli(runner: Runner, files: dict[str, str], scratch: Path, module: str) -> None:
    _fuzz(runner, files, scratch, module, EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("module", cli_modules())
def test_fuzz_cli_long(runner: Runner, files: dict[str, str], scratch: Path, module: str) -> None:
    _fuzz(runner, files, scratch, module, 25 * EXAMPLES)
