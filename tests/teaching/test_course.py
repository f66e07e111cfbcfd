"""The course (docs/course/): every command of every lesson runs, every exercise checker accepts
the reference solution and rejects plausible wrong answers, and the checker CLI's exit codes."""

from __future__ import annotations

import re
import runpy
import shlex
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from examples.course.__main__ import main as course_main
from examples.course.exercises import EXERCISES

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "docs" / "course").glob("[0-9][0-9]-*.md"))
SOLUTIONS = ROOT / "examples" / "course" / "solutions"
WRONG = Path(__file__).parent / "course_wrong"


def _commands(page: Path) -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    return [ln.strip() for b in blocks for ln in b.splitlines()
            if ln.strip() and not ln.strip().startswith("#")]


def test_nine_lessons_each_with_commands_exercises_and_notes():
    assert len(LESSONS) == 9
    for page in LESSONS:
        text = page.read_text(encoding="utf-8")
        assert _commands(page), page.name
        assert "## Exercises" in text and "## Instructor notes (" in text, page.name
        lesson = str(int(page.name[:2]))
        names = [e.name for e in EXERCISES if e.lesson == lesson]
        assert 2 <= len(names) <= 4, page.name
        for name in names:  # every exercise's check command is on its lesson's page
            assert f"check {lesson} {name} " in text.replace("\n   ", " "), (page.name, name)


def _run_in_process(argv: list[str]) -> int:
    """``python -m MOD ARGS`` / ``python -c CODE`` in this interpreter (imports are shared, so
    the nine lessons' commands take seconds, not minutes); returns the exit status."""
    saved = sys.argv[:]
    try:
        if argv[1] == "-c":
            sys.argv = ["-c", *argv[3:]]
            exec(compile(argv[2], "<lesson command>", "exec"), {"__name__": "__main__"})
        else:
            assert argv[1] == "-m", argv
            sys.argv = [argv[2], *argv[3:]]
            with warnings.catch_warnings():  # "found in sys.modules": this test imported it
                warnings.simplefilter("ignore", RuntimeWarning)
                runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
        return 0
    except SystemExit as stop:
        return 0 if stop.code is None else int(stop.code) if isinstance(stop.code, int) else 1
    finally:
        sys.argv = saved


PAGES = [ROOT / "docs" / "course" / "README.md", *LESSONS]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_lesson_command_runs(page, tmp_path, monkeypatch):
    """Run each fenced bash command as a student would, from a scratch directory that sees the
    repository's examples/ and docs/ (so files the lesson writes land in the scratch dir)."""
    for name in ("examples", "docs"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    for cmd in _commands(page):
        argv = shlex.split(cmd)
        assert argv[0] == "python", cmd
        assert _run_in_process(argv) == 0, f"{page.name}: {cmd}"


@pytest.mark.parametrize("ex", EXERCISES, ids=[f"{e.lesson}-{e.name}" for e in EXERCISES])
def test_checker_accepts_the_reference_solution(ex):
    (path,) = SOLUTIONS.glob(f"{ex.lesson}-{ex.name}.*")
    verdict = ex.check(str(path))
    assert verdict.ok, verdict.message


@pytest.mark.parametrize("ex", EXERCISES, ids=[f"{e.lesson}-{e.name}" for e in EXERCISES])
def test_checker_rejects_plausible_wrong_answers(ex, tmp_path):
    wrong = sorted(WRONG.glob(f"{ex.lesson}-{ex.name}*"))
    if not wrong:  # a "predict a number" exercise: the off-by-one answers
        (path,) = SOLUTIONS.glob(f"{ex.lesson}-{ex.name}.txt")
        right = float(path.read_text().strip())
        for k, delta in enumerate((-1, 1)):
            wrong.append(tmp_path / f"off{k}.txt")
            wrong[-1].write_text(f"{right + delta:g}\n")
    for path in wrong:
        verdict = ex.check(str(path))
        assert not verdict.ok, (path.name, verdict.message)


def test_checker_cli_exit_codes(tmp_path, capsys):
    assert course_main(["check", "2", "g", str(SOLUTIONS / "2-g.txt")]) == 0
    assert course_main(["check", "2", "g", str(WRONG / "2-g.txt")]) == 1
    with pytest.raises(Exception) as err:  # unknown exercise / missing file: usage errors
        course_main(["check", "2", "nope", str(SOLUTIONS / "2-g.txt")])
    assert "no exercise" in str(err.value)
    answer = tmp_path / "a.txt"
    answer.write_text("twelve\n")
    with pytest.raises(Exception, match="expected a number"):
        course_main(["check", "1", "steps", str(answer)])
    for argv, code in ((["check", "2", "nope", "x"], 2), (["check", "1", "steps", str(answer)], 2),
                       (["check", "2", "g", str(tmp_path / "missing.txt")], 2)):
        proc = subprocess.run([sys.executable, "-m", "examples.course", *argv], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == code and "Traceback" not in proc.stderr, (argv, proc.stderr)
