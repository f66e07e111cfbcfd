"""The max-flow construction's input checks, interface and CLI (soundness lives in
``proofs_checks/test_task_maxflow.py``)."""

from __future__ import annotations

import json

import pytest

from constructions.interface import REPORT_KEYS, Construction
from constructions.maxflow_apmdm import MaxFlowConstruction
from constructions.maxflow_apmdm.cli import entry
from constructions.maxflow_apmdm.layout import parse_graph
from simulators.errors import UsageError

DIAMOND = [(0, 1, 3), (1, 3, 2), (0, 2, 1), (2, 3, 4)]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = entry(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_diamond_worked_example() -> None:
    con = MaxFlowConstruction(4, DIAMOND)
    assert isinstance(con, Construction)
    rep = con.run(record_canvases=True)
    assert rep.output == {"min_cut_value": 3, "cut_edges": [[1, 3, 2], [0, 2, 1]]}
    assert rep.decoding_steps == 19 and rep.extra["augmenting_paths"] == 2
    assert tuple(sorted(rep.to_json())) == tuple(sorted(REPORT_KEYS))
    assert con.decode_state(rep.trace.canvases[0])["next_step"] == "bfs"
    for canvas in rep.trace.canvases[:8]:  # fast and dense attention paths agree
        a, b = con.program.evaluate(canvas), con.program.evaluate(canvas, path="dense")
        assert all((a[k] == b[k]).all() for k in a)


@pytest.mark.parametrize(("nodes", "edges", "fragment"), [
    (4, [(0, 4, 1)], "out of range"),
    (4, [(1, 1, 1)], "self-loop"),
    (4, [(0, 1, 1), (0, 1, 2)], "repeats"),
    (4, [(0, 1, 0)], "capacity"),
    (1, [], "2..64 nodes"),
])
def test_bad_graphs_are_refused(nodes: int, edges: list, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        MaxFlowConstruction(nodes, edges)


def test_parse_graph() -> None:
    assert parse_graph("0>1:3, 2>3:4,") == [(0, 1, 3), (2, 3, 4)]
    for bad in ("0-1:3", "0>1", "a>1:2", "0>1:-2"):
        with pytest.raises(UsageError, match="expected U>V:CAPACITY"):
            parse_graph(bad)


def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "--nodes", "8", "--edges", "20", "--seed", "3", "--json")
    obj = json.loads(out)
    assert code == 0 and obj["construction"] == "maxflow"
    assert obj["output"]["min_cut_value"] == obj["extra"]["reference_min_cut_value"]
    code, out, _ = run(capsys, "run", "--nodes", "4", "--graph", "0>1:3, 1>3:2, 0>2:1, 2>3:4",
                       "--show")
    assert code == 0 and out.startswith("step   0 [bfs") and "min cut value 3" in out
    for argv in (("run", "--nodes", "4", "--graph", "0>7:1"), ("run", "--nodes", "99",
                                                              "--edges", "3"),
                 ("run", "--nodes", "4", "--edges", "13"), ("run", "--nodes", "4"),
                 ("run", "--nodes", "4", "--edges", "3", "--graph", "0>1:1")):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "Traceback" not in err and "error" in err
    code, _, err = run(capsys, "run", "--nodes", "8", "--edges", "20", "--max-steps", "3")
    assert code == 3 and "Traceback" not in err
