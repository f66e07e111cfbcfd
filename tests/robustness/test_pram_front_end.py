"""The ``.pram`` front end refuses hostile text with a located one-line message (exit 2): huge
literals, deep nesting of blocks / parentheses / operator chains, unknown memory models, a
nameless ``program`` line, an unterminated block, negative constant bounds -- and accepts
programs right at the nesting limits (which the parser, compiler and machine then handle)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.errors import ParseError, ProjectError, ValidationError
from simulators.pram import compile_source, run
from simulators.pram.cli import entry
from simulators.pram.nesting import (
    MAX_BLOCK_DEPTH,
    MAX_EXPR_DEPTH,
    MAX_PAREN_DEPTH,
)

HEAD = "program p\nmodel CREW\ninput A[n]\noutput A\nprocessors n\ntime 500\nbegin\n"


def _error(text: str) -> ProjectError:
    with pytest.raises((ParseError, ValidationError)) as info:
        compile_source(text, "t.pram")
    return info.value


def _line_col(err: ProjectError) -> tuple[int | None, int | None]:
    assert err.location is not None
    return err.location.line, err.location.col


def test_5000_digit_literal_is_located() -> None:
    err = _error(HEAD + "  x := " + "9" * 5000 + "\nend\n")
    assert _line_col(err) == (8, 8)
    assert "5000 digits" in err.message and "64 bits" in err.message
    assert "Error trying to process rule" not in err.format()


def test_20_digit_literal_just_over_the_word() -> None:
    err = _error(HEAD + "  x := 99999999999999999999\nend\n")
    assert _line_col(err) == (8, 8) and "64 bits" in err.message
    compile_source(HEAD + "  x := 00000000000000000000007\n  A[0] := x\nend\n")


def test_300_nested_ifs_are_located() -> None:
    err = _error(HEAD + "if 1 then\n" * 300 + "skip\n" + "end\n" * 301)
    # the program's begin is level 1, so the (MAX_BLOCK_DEPTH + 1)-th `if` crosses the limit
    assert _line_col(err) == (8 + MAX_BLOCK_DEPTH, 1)
    assert "nest deeper than" in err.message and "recursion" not in err.format()


def test_90_nested_parentheses_are_located() -> None:
    err = _error(HEAD + "  x := " + "(1+" * 90 + "1" + ")" * 90 + "\nend\n")
    line, col = _line_col(err)
    assert line == 8 and col == 8 + 3 * MAX_PAREN_DEPTH
    assert "parentheses nest deeper" in err.message


def test_flat_sum_of_1000_terms_is_located() -> None:
    err = _error(HEAD + "  x := " + "+".join(["1"] * 1000) + "\nend\n")
    line, col = _line_col(err)
    assert line == 8 and col is not None and col > 8
    assert "expression nests deeper" in err.message


def test_5000_parentheses_without_operators() -> None:
    err = _error(HEAD + "  x := " + "(" * 5000 + "1" + ")" * 5000 + "\nend\n")
    assert _line_col(err)[0] == 8


def test_unknown_model_lists_the_valid_ones() -> None:
    err = _error(HEAD.replace("CREW", "CRCW-random") + "skip\nend\n")
    assert _line_col(err) == (2, 7)
    for model in ("EREW", "CREW", "CRCW-common", "CRCW-arbitrary", "CRCW-priority", "CRCW-sum",
                  "CRCW-min", "CRCW-max"):
        assert model in err.message


def test_nameless_program_line() -> None:
    err = _error("# a comment\n" + HEAD.replace("program p", "program") + "skip\nend\n")
    assert _line_col(err) == (2, 8) and "needs a name" in err.message


def test_unterminated_while_points_at_the_while() -> None:
    text = HEAD + "  x := 0\n  while x < 3 do\n    x := x + 1\n\n  A[0] := x\nend\n\n# tail\n"
    err = _error(text)
    assert _line_col(err) == (9, 3)
    assert "'while' has no matching 'end'" in err.message


def test_truncated_program_without_indentation_hint() -> None:
    err = _error(HEAD + "if 1 then\nskip\n")
    assert _line_col(err) == (8, 1) and "'if' has no matching 'end'" in err.message


@pytest.mark.parametrize("bound", ["time -5", "processors -1", "memory -3"])
def test_negative_constant_bounds_are_refused_by_check(bound: str,
                                                       tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    head = HEAD.replace("time 500", "time 500\nmemory 10") if bound.startswith("memory") else HEAD
    key = bound.split()[0]
    lines = [ln if not ln.startswith(key + " ") else bound for ln in head.splitlines()]
    path = tmp_path / "neg.pram"
    path.write_text("\n".join(lines) + "\nskip\nend\n")
    assert entry(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "must be non-negative" in err and "Traceback" not in err


def test_negative_evaluated_time_bound_is_a_usage_error(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "neg.pram"
    path.write_text(HEAD.replace("time 500", "time n - 10") + "skip\nend\n")
    assert entry(["check", str(path)]) == 0
    capsys.readouterr()
    assert entry(["run", str(path), "--input", "A=1,2"]) == 2
    assert "time bound evaluates to -8" in capsys.readouterr().err


def _at_the_limits() -> str:
    """A program exactly at every nesting limit: MAX_BLOCK_DEPTH blocks around an assignment
    whose index is MAX_EXPR_DEPTH deep and sits inside MAX_PAREN_DEPTH brackets/parentheses.

    Depths as the parser counts them: a chain of f terms is f deep; ``chain + inner`` is
    ``1 + max(f, depth(inner))``; ``(E) - (E)`` adds one more level."""
    parens = MAX_PAREN_DEPTH - 2  # the A[...] bracket and the (E) around each side
    inner = "(1-" * parens + "x" + ")" * parens  # depth parens + 1
    flat = MAX_EXPR_DEPTH - 2
    expr = "+".join(["x"] * flat) + "+" + inner
    half = MAX_BLOCK_DEPTH // 2
    body = ("x := 1\n" + "while x < 2 do\n" * half + "if x == 1 then\n" * (MAX_BLOCK_DEPTH - half)
            + f"A[({expr}) - ({expr})] := {expr}\n x := 5\n" + "end\n" * MAX_BLOCK_DEPTH)
    return HEAD.replace("time 500", "time 5000") + body + "end\n"


def test_programs_at_the_limits_compile_and_run() -> None:
    prog = compile_source(_at_the_limits(), "limits.pram")
    res = run(prog, {"A": [1, 2]}, {})
    assert res.output["A"][0] != 1  # the deep assignment ran


def test_one_past_each_limit_is_refused() -> None:
    text = _at_the_limits()
    with pytest.raises(ParseError):
        compile_source(text.replace("x := 1\n", "x := 1\nif 1 then\n", 1).replace(
            "end\nend\n", "end\nend\nend\n", 1))
    parens = MAX_PAREN_DEPTH
    with pytest.raises(ParseError):
        compile_source(HEAD + "A[" + "(" * parens + "1" + ")" * parens + "] := 1\nend\n")
    compile_source(HEAD + "A[" + "(" * (parens - 1) + "0" + ")" * (parens - 1) + "] := 1\nend\n")
    with pytest.raises(ValidationError):
        compile_source(HEAD + "x := " + "+".join(["1"] * (MAX_EXPR_DEPTH + 1)) + "\nend\n")
    compile_source(HEAD + "x := " + "+".join(["1"] * MAX_EXPR_DEPTH) + "\nend\n")


@pytest.mark.parametrize("col", [1, 8, 60, 2500, 5007])
def test_long_source_lines_are_cut_around_the_caret(col: int) -> None:
    """A 5,000-character line is shown as a window of about 120 characters; the caret still
    points at the same character."""
    from simulators.errors import SourceLocation

    line = "  x := " + "".join(str(i % 10) for i in range(5000))
    text = ParseError("m", SourceLocation("f", 1, col, line)).format()
    _, shown, caret = text.splitlines()
    assert len(shown) <= 4 + 120 + 6
    pos = caret.index("^")
    assert shown[pos] == line[col - 1]
