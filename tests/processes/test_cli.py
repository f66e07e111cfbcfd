"""``python -m simulators.processes show``: renders a saved trace; errors without tracebacks."""

from __future__ import annotations

import pytest

from simulators.cli_support import run_main
from simulators.processes import run_apmdm, trace_to_text
from simulators.processes.__main__ import main
from tests.processes.policies import VOCAB, parity_policy


def test_show_prints_the_plain_rendering(tmp_path, capsys):
    t = run_apmdm(parity_policy, VOCAB.encode("[BOS] a b b"), VOCAB)
    path = tmp_path / "t.json"
    path.write_text(t.to_json())
    assert run_main(main, ["show", str(path), "--plain"]) == 0
    assert capsys.readouterr().out.strip() == trace_to_text(t).strip()
    assert run_main(main, ["show", str(path)]) == 0
    assert "fixed_point" in capsys.readouterr().out


@pytest.mark.parametrize("content, why", [(None, "no such file"), ("{oops", "does not parse"),
                                          ('{"schema": 1}', "not a trace")])
def test_bad_files_exit_2_with_a_located_message(tmp_path, capsys, content, why):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    assert run_main(main, ["show", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}") and ": error:" in err.splitlines()[0]
    assert why in err and "Traceback" not in err


def test_bad_usage_exits_2(capsys):
    assert run_main(main, ["frobnicate"]) == 2
    assert "error:" in capsys.readouterr().err
