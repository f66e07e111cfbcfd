"""Readable dumps, random inputs, and the adapters driving the real MDM / AP-MDM engines."""

from __future__ import annotations

import numpy as np

from simulators.encoder import (
    Program,
    aggregate,
    apmdm_policy,
    ew,
    indices,
    mdm_policy,
    random_uniform,
    select,
    tokens,
)
from simulators.processes import HaltReason, IntVocab, run_apmdm, run_mdm


def _prev_program() -> Program:
    tok, idx = tokens(0, 9).named("tok"), indices().named("idx")
    src = ew("sub", idx, 1).named("src")
    prev = aggregate(select(idx, src, "=="), tok, "leftmost", default=0).named("prev")
    return Program({"prev": prev}, 8, name="prev")


def test_dump_lists_every_sequence_with_layer_range_and_cost() -> None:
    text = _prev_program().dump()
    lines = text.splitlines()
    assert lines[0].startswith("program 'prev'")
    src_line = next(line for line in lines if line.strip().startswith("src"))
    assert "L1.mlp" in src_line and "-1..6" in src_line and "4b" in src_line
    prev_line = next(line for line in lines if line.strip().startswith("prev"))
    assert "L2.attn" in prev_line and "leftmost" in prev_line and "output 'prev'" in prev_line
    assert lines[-1].startswith("cost: depth=2")


def test_explain_shows_intermediate_values() -> None:
    text = _prev_program().explain(np.array([3, 1, 4, 1, 5]))
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()}
    assert rows["position"] == ["0", "1", "2", "3", "4"]
    assert rows["src"] == ["-1", "0", "1", "2", "3"]
    assert rows["prev"] == ["0", "3", "1", "4", "1"]
    longer = _prev_program().explain(np.arange(8) % 10, max_positions=3)
    assert longer.splitlines()[0].endswith("...")


def test_random_inputs_are_seeded_in_range_and_fresh_per_evaluation() -> None:
    coin = random_uniform(0, 3)
    prog = Program({"r": ew("add", coin, ew("mul", tokens(0, 1), 0))}, 1000)
    canvas = np.zeros(1000, dtype=np.int64)
    a = prog.evaluate(canvas, rng=np.random.default_rng(5))["r"]
    b = prog.evaluate(canvas, rng=np.random.default_rng(5))["r"]
    rng = np.random.default_rng(5)
    c1, c2 = prog.evaluate(canvas, rng=rng)["r"], prog.evaluate(canvas, rng=rng)["r"]
    assert np.array_equal(a, b) and np.array_equal(a, c1)
    assert not np.array_equal(c1, c2)
    assert set(a.tolist()) == {0, 1, 2, 3}


def _counter_program(mask: int, top: int, max_length: int) -> Program:
    """Fill the leftmost mask with (previous token + 1) -- one token per step, left to right."""
    tok, idx = tokens(0, mask), indices()
    is_mask = ew("eq", tok, mask)
    prev = aggregate(select(idx, ew("sub", idx, 1), "=="), tok, "leftmost", default=mask)
    first_mask = aggregate(select(is_mask, 1, "=="), idx, "min", default=max_length)
    fill = ew("and", is_mask, ew("eq", idx, first_mask))
    token = ew("where", ew("eq", prev, mask), 0, ew("min", ew("add", prev, 1), top))
    return Program({"token": token, "fill": fill}, max_length)


def test_mdm_policy_runs_in_the_engine_and_accounts_serial_cost() -> None:
    vocab = IntVocab(0, 9)
    prog = _counter_program(vocab.mask_id, 9, 6)
    canvas = np.array([3] + [vocab.mask_id] * 5, dtype=np.int64)
    policy = mdm_policy(prog)
    trace = run_mdm(policy, canvas, vocab, rng=np.random.default_rng(0))
    assert trace.final.tolist() == [3, 4, 5, 6, 7, 8]
    assert trace.halt == HaltReason.NO_MASKS and trace.num_steps == 5
    assert trace.serial_cost == 5 * policy.serial_cost(6)


def test_apmdm_policy_with_random_inputs_is_reproducible() -> None:
    vocab = IntVocab(0, 1)
    mask = vocab.mask_id
    tok = tokens(0, mask)
    is_mask = ew("eq", tok, mask)
    coin = random_uniform(0, 1)
    # Every mask becomes a random bit; nothing else changes (a fixed point afterwards).
    zero = ew("mul", is_mask, 0)
    prog = Program({"y": coin, "remask": zero, "insert": zero, "delete": zero}, 16)
    policy = apmdm_policy(prog)
    canvas = np.array([mask] * 12, dtype=np.int64)
    t1 = run_apmdm(policy, canvas, vocab, rng=np.random.default_rng(3))
    t2 = run_apmdm(policy, canvas, vocab, rng=np.random.default_rng(3))
    assert t1.final.tolist() == t2.final.tolist()
    assert set(t1.final.tolist()) <= {0, 1} and len(t1.final) == 12
    assert t1.serial_cost is not None and t1.serial_cost > 0
