"""The parity AP-MDM construction is exact, halts at a fixed point, and is fast."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from constructions.parity_apmdm import (
    BOS,
    PARITY_VOCAB,
    ParityPolicy,
    decode_parity,
    main,
    parity_canvas,
    parity_steps_bound,
    run_parity,
)
from simulators.cli_support import run_main
from simulators.processes import apmdm_transition


@given(st.lists(st.integers(0, 1), max_size=40))
def test_exact_on_short_inputs(bits: list[int]) -> None:
    tr = run_parity(bits)
    assert tr.halt.value == "fixed_point"
    assert decode_parity(tr.final) == sum(bits) % 2
    assert tr.num_steps <= parity_steps_bound(len(bits))
    # Only the first two bits after BOS are ever touched; nothing is ever inserted.
    for dec in tr.decisions:
        assert not dec.insert.any()
        assert not (dec.remask[3:].any() or dec.delete[3:].any() or dec.remask[0])


def test_exact_on_random_inputs_up_to_a_few_thousand_bits() -> None:
    """Exact at n = 1000 and 3000, in about 4/3 n steps (the calibration's 1.33 n)."""
    rng = np.random.default_rng(11)
    for n in (1000, 3000):
        bits = rng.integers(0, 2, n)
        tr = run_parity(bits, record_canvases=False)
        assert decode_parity(tr.final) == bits.sum() % 2
        assert tr.num_steps <= parity_steps_bound(n)
        assert 1.2 * n < tr.num_steps < 1.5 * n


def test_finished_canvases_are_fixed_points() -> None:
    for final in ([BOS], [BOS, 1]):
        x = np.array(final)
        d = ParityPolicy()(x)
        assert np.array_equal(apmdm_transition(x, d.y, d.remask, d.insert, d.delete,
                                               mask=PARITY_VOCAB.mask_id), x)


def test_cli(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run_main(main, ["0110101"]) == 0
    assert "parity=0" in capsys.readouterr().out
    assert run_main(main, ["01x"]) == 2
    assert "error" in capsys.readouterr().err
    assert decode_parity(parity_canvas([1, 1])) is None
