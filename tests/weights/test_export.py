"""The export runs without this project: docs/compiler.md's plain-torch loop, extracted from the
page, reproduces the project's own run of the exported construction."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("safetensors")

from constructions.export_weights import main  # noqa: E402
from constructions.parity_apmdm.construction import Parity  # noqa: E402
from constructions.pram_apmdm.construction import Theorem4  # noqa: E402
from simulators.pram import load_program  # noqa: E402

DOC = Path(__file__).resolve().parents[2] / "docs" / "compiler.md"


def doc_loop() -> str:
    text = DOC.read_text()
    block = re.search(r"<!-- export-loop:start -->\s*```python\n(.*?)```", text, re.S)
    assert block, "the export loop is missing from docs/compiler.md"
    code = block.group(1)
    assert "simulators" not in code and "constructions" not in code  # no project import
    return code


def run_doc_loop(prefix: str) -> tuple[list[int], int]:
    scope = {"prefix": prefix}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(doc_loop(), str(DOC), "exec"), scope)  # noqa: S102 - the documented code
    return json.loads(out.getvalue()), int(scope["step"]) + 1


@pytest.mark.parametrize("argv,con", [
    (["parity", "0110101"], lambda: Parity.from_bits([0, 1, 1, 0, 1, 0, 1])),
    (["theorem4", "examples/pram/prefix_sum.pram", "--input", "A=3,1,4,1"],
     lambda: Theorem4.build(load_program("examples/pram/prefix_sum.pram"), {"A": [3, 1, 4, 1]})),
])
def test_doc_loop_reproduces_the_run(tmp_path, argv, con):
    prefix = str(tmp_path / "net")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main([*argv, "--out", prefix]) == 0
    final, steps = run_doc_loop(prefix)
    report = con().run()
    assert np.array_equal(final, report.trace.final) and steps == report.decoding_steps
    cfg = json.loads(Path(prefix + ".json").read_text())
    assert cfg["size"]["relu_depth"] > 0 and cfg["process"]["construction"] == report.construction
    # the export's sizes are the weights backend's network block (the network's own counts)
    from constructions.backends import compile_weights, network_report

    program = con().program
    assert cfg["size"] == network_report(program, compile_weights(program))


def test_bad_input_exits_2(tmp_path, capsys):
    from simulators.cli_support import run_main

    assert run_main(main, ["parity", "01x", "--out", str(tmp_path / "n")]) == 2
