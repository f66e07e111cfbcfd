"""The edit-tracking construction's parsing, interface and CLI (the soundness checks live in
``proofs_checks/test_task_edit.py``)."""

from __future__ import annotations

import json

import pytest

from constructions.edit_apmdm import EditConstruction, from_text
from constructions.edit_apmdm.cli import entry
from constructions.edit_apmdm.layout import parse_edits
from constructions.interface import REPORT_KEYS, Construction
from simulators.errors import UsageError


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = entry(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_worked_example() -> None:
    con = from_text("abcab", "ins 0 d, del 2, ins 5 a, del 0", 4)
    assert isinstance(con, Construction)
    rep = con.run(record_canvases=True)
    assert rep.output == "acaba" and rep.decoding_steps == 10
    assert tuple(sorted(rep.to_json())) == tuple(sorted(REPORT_KEYS))
    assert con.decode_state(rep.trace.canvases[1]) == {"sequence": "?abcab", "pending_edits": 4}
    for canvas in rep.trace.canvases:  # fast and dense attention paths agree
        a, b = con.program.evaluate(canvas), con.program.evaluate(canvas, path="dense")
        assert all((a[key] == b[key]).all() for key in a)


@pytest.mark.parametrize(("seq", "edits", "fragment"), [
    ("abz", "del 0", "'z' is not one of"),
    ("ab", "ins 1 q", "edit 1 .*letter"),
    ("ab", "ins x a", "not a small non-negative integer"),
    ("ab", "swap 0 1", "expected 'ins POS LETTER'"),
    ("ab", "ins 3 a", "position out of range"),
    ("", "del 0", "empty"),
    ("ab", "del 1, del 1", "edit 2"),
])
def test_bad_input_is_refused(seq: str, edits: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        from_text(seq, edits, 4)


def test_parse_edits_forms() -> None:
    assert parse_edits("ins 0 b; del 3,", 2) == [("ins", 0, 1), ("del", 3, -1)]
    assert EditConstruction([], [], 2).run().output == ""


def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "--sequence", "abc", "--edits", "ins 3 d, del 0", "--json")
    obj = json.loads(out)
    assert code == 0 and obj["output"] == "bcd" and obj["decoding_steps"] == 6
    code, out, _ = run(capsys, "random", "--length", "5", "--edits", "3", "--seed", "1", "--show")
    assert code == 0 and out.startswith("step   0: [BOS]") and "final sequence" in out
    for argv in (("run", "--sequence", "ab", "--edits", "del 5"),
                 ("random", "--length", "-1"), ("run", "--sequence", "a", "--edits", "x", "--k",
                                                "0")):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "Traceback" not in err
