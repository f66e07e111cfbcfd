"""The parity AP-MDM construction is exact, halts at a fixed point, and is fast."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from constructions.interface import REPORT_KEYS
from constructions.parity_apmdm import (
    BOS,
    PARITY_VOCAB,
    Parity,
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


def test_cli_json_is_the_shared_report(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run_main(main, ["0110111", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == set(REPORT_KEYS) and out["construction"] == "parity"
    assert out["output"] == 1 and out["context_length"] == 8 and out["final_length"] == 2
    assert out["network"]["heads"] == 2  # the two local heads
    assert run_main(main, ["0110111", "--max-steps", "2"]) == 3


@given(st.lists(st.integers(0, 1), min_size=1, max_size=12))
def test_program_and_fast_policy_agree_at_every_step(bits: list[int]) -> None:
    """The fast policy (positions 1, 2, memoised windows) makes the decisions the whole program
    makes at every position, at every step of a run."""
    thm = Parity.from_bits(bits)
    rep = thm.run(record_canvases=True)
    full = thm.policy("dense")
    for canvas, fast in zip(rep.trace.canvases, rep.trace.decisions, strict=False):
        ref = full(canvas)
        for name in ("y", "remask", "insert", "delete"):
            assert np.array_equal(getattr(fast, name), getattr(ref, name)), name
    # The invariant decode_state reads: the parity of the ones never changes.
    assert {thm.decode_state(c)["parity"] for c in rep.trace.canvases} == {sum(bits) % 2}
