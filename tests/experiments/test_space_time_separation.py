"""Smoke test of the Theorem 4 separation experiment (one example, quick sweep, temp outputs)."""

from __future__ import annotations

import json

from experiments.space_time_separation import main


def test_quick_sweep_writes_table_json_and_plot(tmp_path, capsys) -> None:
    out_json, out_png = tmp_path / "sep.json", tmp_path / "sep.png"
    assert main(["--quick", "--only", "iterated_squaring", "--out-json", str(out_json),
                 "--out-png", str(out_png)]) == 0
    table = capsys.readouterr().out
    assert table.startswith("| program | n | PRAM T")
    rows = json.loads(out_json.read_text())["rows"]
    assert [r["n"] for r in rows] == [1, 2, 3, 4]
    # The claim the experiment shows: T grows, the AP-MDM canvas does not, Theorem 1's does.
    assert len({r["apmdm_peak_canvas"] for r in rows}) == 1
    assert rows[-1]["T"] > rows[0]["T"] and rows[-1]["thm1_context"] > rows[0]["thm1_context"]
    assert out_png.stat().st_size > 1000
    assert main(["--replot", "--out-json", str(out_json), "--out-png", str(out_png)]) == 0
