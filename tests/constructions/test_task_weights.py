"""The three task constructions on the compiled-weights backend (``simulators.weights``): the same
decoding as the interpreter, step for step (slow: compiling the networks takes a while)."""

from __future__ import annotations

import numpy as np
import pytest

from constructions.edit_apmdm import from_text
from constructions.maxflow_apmdm import MaxFlowConstruction
from constructions.sudoku_apmdm import SudokuConstruction

pytest.importorskip("torch")


@pytest.mark.slow
@pytest.mark.parametrize("make", [
    lambda: from_text("abcab", "ins 0 d, del 2, ins 5 a, del 0", 4),
    lambda: MaxFlowConstruction(4, [(0, 1, 3), (1, 3, 2), (0, 2, 1), (2, 3, 4)]),
    lambda: SudokuConstruction.from_text(4, "1...........2..."),
])
def test_weights_backend_decodes_like_the_interpreter(make) -> None:  # noqa: ANN001
    con = make()
    a = con.run(record_canvases=True)
    b = con.run(record_canvases=True, backend="weights")
    assert a.output == b.output and a.decoding_steps == b.decoding_steps
    assert all(np.array_equal(x, y) for x, y in zip(a.trace.canvases, b.trace.canvases,
                                                   strict=True))
    assert b.network["parameters"] > 0 and b.network["program_depth"] == a.network["depth"]
