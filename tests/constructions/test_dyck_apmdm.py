"""Unit tests of the Theorem 5 construction (constructions/dyck_apmdm): phases, menu, program."""

from __future__ import annotations

import numpy as np
import pytest

from constructions.dyck_apmdm import DyckAPMDM, DyckLayout, explore_support, insert_fraction
from simulators.errors import LimitExceeded, UsageError
from simulators.processes import HaltReason


def _traces(model: DyckAPMDM, num: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    return [model.run(rng) for _ in range(num)]


@pytest.mark.parametrize("two_sided", [True, False])
def test_committed_length_is_constant_within_a_round(two_sided: bool) -> None:
    """It grows by 2 per insert on a clean canvas and is unchanged by every other step, and it
    equals the word length at the end -- the invariant the support pruning relies on."""
    model = DyckAPMDM(3, two_sided, target_length=24, insert_prob=0.5)
    lay = model.layout
    for trace in _traces(model, 15, seed=1):
        for before, after, rec in zip(trace.canvases[:-1], trace.canvases[1:], trace.steps,
                                      strict=True):
            clean = not np.isin(before, [lay.mask, lay.pending]).any()
            grow = 2 * rec.inserted if clean else 0
            assert lay.committed_length(after) == lay.committed_length(before) + grow
        assert lay.committed_length(trace.final) == trace.final.size - 1


def test_rounds_take_four_steps_and_phases_are_synchronous() -> None:
    """Each non-clean canvas is in exactly one phase: only fresh lone masks; only '[P] [M]';
    or only '[M] [M] letter'."""
    model = DyckAPMDM(2, True, target_length=30, insert_prob=0.4)
    lay = model.layout
    for trace in _traces(model, 10, seed=2):
        for canvas in trace.canvases:
            text = " ".join("M" if t == lay.mask else "P" if t == lay.pending else
                            "B" if t == lay.bos else "a" for t in canvas.tolist())
            masks, pend = text.count("M"), text.count("P")
            if masks == 0 and pend == 0:
                continue
            kinds = [pend == 0 and "M M" not in text,           # fresh lone masks
                     pend > 0 and text.count("P M") == pend == masks,
                     pend == 0 and text.count("M M a") * 2 == masks]
            assert sum(kinds) == 1, text
        clean_steps = [i for i, c in enumerate(trace.canvases)
                       if not np.isin(c, [lay.mask, lay.pending]).any()]
        assert all(b - a == 4 for a, b in zip(clean_steps, clean_steps[1:-1], strict=False))


def test_sampled_decisions_lie_in_the_menu_and_use_every_choice() -> None:
    """The explorer's menu is exactly what the sampler can do: every sampled decision is in it,
    and every letter / both coin values show up."""
    model = DyckAPMDM(2, True, target_length=12, insert_prob=0.5)
    policy = model.policy()
    rng = np.random.default_rng(3)
    seen_letters: set[int] = set()
    seen_coins: set[bool] = set()
    for trace in _traces(model, 10, seed=4):
        for canvas in trace.canvases:
            menu = model.menus(canvas[None, :])[0]
            for _ in range(3):
                d = policy(canvas, rng)
                assert np.array_equal(d.remask, menu.remask)
                assert np.array_equal(d.delete, menu.delete)
                assert np.all(d.insert[menu.insert_det])
                assert not np.any(d.insert & ~menu.insert_det & ~menu.may_insert)
                assert np.array_equal(d.y[~menu.free_letter], menu.y_det[~menu.free_letter])
                assert set(d.y[menu.free_letter].tolist()) <= set(menu.letters)
                seen_letters |= set(d.y[menu.free_letter].tolist())
                seen_coins |= set(d.insert[menu.may_insert].tolist())
    assert seen_letters == set(range(4)) and seen_coins == {True, False}


def test_one_sided_pairs_are_opener_then_closer() -> None:
    lay = DyckLayout(3, two_sided=False)
    assert lay.free_letters == (3, 5)  # the drawn letter closes; its left partner opens


def test_dense_and_fast_program_paths_agree() -> None:
    model = DyckAPMDM(2, True, target_length=10)
    for trace in _traces(model, 5, seed=5):
        for canvas in trace.canvases:
            fast = model.program.evaluate(canvas, rng=np.random.default_rng(9))
            dense = model.program.evaluate(canvas, path="dense", rng=np.random.default_rng(9))
            for name in fast:
                assert np.array_equal(fast[name], dense[name]), name


def test_same_seed_same_output_and_halts_at_fixed_point() -> None:
    model = DyckAPMDM(3, True, target_length=40, insert_prob=0.7)
    a = model.sample(np.random.default_rng(11))
    b = model.sample(np.random.default_rng(11))
    assert np.array_equal(a, b)
    trace = model.run(np.random.default_rng(12))
    assert trace.halt == HaltReason.FIXED_POINT
    assert trace.peak_length <= model.max_canvas_length
    assert trace.num_steps <= model.max_steps


def test_exploration_guards() -> None:
    model = DyckAPMDM(2, True, target_length=8)
    with pytest.raises(LimitExceeded):
        explore_support(model, 8, max_states=100)
    with pytest.raises(UsageError):
        explore_support(DyckAPMDM(2, True, target_length=4), 8)
    with pytest.raises(LimitExceeded):
        explore_support(DyckAPMDM(2, True, target_length=40), 40)


@pytest.mark.parametrize("bad", [0, 1, -0.5, 2, "x"])
def test_insert_probability_must_allow_both_outcomes(bad: object) -> None:
    with pytest.raises(UsageError):
        insert_fraction(bad)  # type: ignore[arg-type]


def test_bad_parameters() -> None:
    with pytest.raises(UsageError):
        DyckAPMDM(0)
    with pytest.raises(UsageError):
        DyckAPMDM(2, True, target_length=-1)
    with pytest.raises(UsageError):
        DyckAPMDM(2).run(None)  # type: ignore[arg-type]


def test_mask_only_scheme_counterexample_from_the_docs() -> None:
    """docs/theorem5.md: without the [P] marker, 'fill a lone mask with the inverse of its left
    neighbour' applied to a freshly inserted mask can leave the language."""
    from simulators.grammars import DyckLanguage
    from simulators.processes import apmdm_transition

    lay = DyckLayout(2)
    lang = DyckLanguage("two-sided-dyck", k=2)
    word = lang.parse("a1 a2 A2 A1")
    assert lang.is_member(word)
    canvas = np.array([lay.bos, 0, lay.mask, 1, lay.mask, 3, 2])  # a1 and a2 inserted a mask
    is_mask = canvas == lay.mask
    y = np.where(is_mask, (np.roll(canvas, 1) + 2) % 4, canvas)
    zeros = np.zeros(canvas.size, dtype=bool)
    out = apmdm_transition(canvas, y, zeros, zeros, zeros, mask=lay.mask)
    assert lang.render(out[1:]) == "a1 A1 a2 A2 A2 A1"
    assert not lang.is_member(out[1:])
