"""``python -m simulators.encoder``: list / dump / explain, and clean errors (exit 2)."""

from __future__ import annotations

import subprocess
import sys

from simulators.encoder.cli import build, run
from simulators.encoder.library import LIBRARY


def test_list_names_every_library_program(capsys) -> None:
    assert run(["list"]) == 0
    out = capsys.readouterr().out
    for name in LIBRARY:
        assert name in out


def test_dump_prints_the_program_listing(capsys) -> None:
    assert run(["dump", "most_recent_write", "--param", "addresses=4", "--param", "values=8",
                "--param", "max_length=64"]) == 0
    assert capsys.readouterr().out.strip() == build(
        "most_recent_write", {"addresses": 4, "values": 8, "max_length": 64}).dump()


def test_explain_shows_values(capsys) -> None:
    assert run(["explain", "reverse", "--canvas", "3 1 4 1 5"]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()}
    assert rows["rev"] == ["5", "1", "4", "1", "3"]


def test_errors_exit_2_without_traceback(capsys) -> None:
    cases = [["dump", "nope"], ["dump", "dyck1", "--param", "vocab=3"],
             ["dump", "dyck1", "--param", "max_length=x"], ["dump", "dyck1", "--param", "k"],
             ["explain", "reverse", "--canvas", "3 99"], ["explain", "reverse", "--canvas", "a"],
             ["dump", "dyck1", "--param", "max_length=0"]]
    for argv in cases:
        assert run(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "Traceback" not in err, argv


def test_module_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "simulators.encoder", "dump", "nope"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "unknown program" in proc.stderr
