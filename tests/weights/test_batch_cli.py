"""``--batch-file`` of the PRAM construction CLIs (constructions/batch_cli.py): each run's JSON
report is the one the CLI prints for that input alone at weight level; bad batches exit 2 with a
message, never a traceback."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from constructions.pram_apmdm.cli import main as apmdm_main  # noqa: E402
from constructions.pram_mdm.cli import main as mdm_main  # noqa: E402
from simulators.cli_support import run_main  # noqa: E402

PROG = "examples/pram/prefix_sum.pram"


def _json(capsys, main, argv):  # noqa: ANN001, ANN202
    assert run_main(main, argv) == 0
    return json.loads(capsys.readouterr().out)


def test_theorem4_batch_file_reports_equal_single_runs(tmp_path, capsys):
    inputs = [{"A": [3, -1, 4, 1]}, {"A": [0, 0, 0, 0]}, {"A": [9, 9, -9, 9]}]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(inputs))
    got = _json(capsys, apmdm_main, ["run", PROG, "--batch-file", str(path), "--backend",
                                     "weights", "--json"])
    assert got["batch"] == 3
    for inp, rep in zip(inputs, got["runs"], strict=True):
        alone = _json(capsys, apmdm_main, ["run", PROG, "--input",
                                           "A=" + ",".join(map(str, inp["A"])),
                                           "--backend", "weights", "--json"])
        assert rep == alone


def test_theorem1_batch_file_text(tmp_path, capsys):
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"A": [2, 5]}, {"A": [-1, 1]}]))
    assert run_main(mdm_main, ["run", PROG, "--batch-file", str(path), "--backend",
                               "weights"]) == 0
    out = capsys.readouterr().out
    assert "run 0:\nA = [2, 7]" in out and "run 1:\nA = [-1, 0]" in out


@pytest.mark.parametrize("content, extra, message", [
    ('[{"A": [1, 2]}]', [], "add --backend weights"),
    ("[]", ["--backend", "weights"], "non-empty JSON list"),
    ('{"A": [1, 2]}', ["--backend", "weights"], "non-empty JSON list"),
    ('[{"A": [1, 2]}, [1, 2]]', ["--backend", "weights"], "batch entry 1"),
    ('[{"A": [1, "x"]}]', ["--backend", "weights"], "64-bit integers"),
    ('[{"A": [1, 2], "params": {"n": 2}}]', ["--backend", "weights"], "--param"),
    ('[{"A": [1, 2]}, {"A": [1, 2, 3]}]', ["--backend", "weights"], "same sizes"),
    ('[{"A": [1, 2]}]', ["--backend", "weights", "--input", "A=1,2"], "drop --input"),
    ('[{"A": [1, 2]}]', ["--backend", "weights", "--show"], "--show"),
    ("not json", ["--backend", "weights"], "invalid JSON"),
])
@pytest.mark.parametrize("main", [mdm_main, apmdm_main])
def test_bad_batches_exit_2(tmp_path, capsys, main, content, extra, message):  # noqa: ANN001
    path = tmp_path / "batch.json"
    path.write_text(content)
    assert run_main(main, ["run", PROG, "--batch-file", str(path), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_batch_the_machine_cannot_hold_is_refused_before_it_runs(tmp_path, capsys,
                                                                    monkeypatch):
    import simulators.weights.batch as batch_mod

    def never(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the batch ran")

    monkeypatch.setattr(batch_mod, "estimate_batch_bytes", lambda *a, **k: 1 << 62)
    monkeypatch.setattr(batch_mod, "run_lockstep", never)
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"A": [1, 2]}, {"A": [3, 4]}]))
    assert run_main(apmdm_main, ["run", PROG, "--batch-file", str(path), "--backend",
                                 "weights"]) == 3
    err = capsys.readouterr().err
    assert "lock-step batch of 2 weight-level runs" in err and "Traceback" not in err
