"""Theorem 5 (docs/paper.md §2): for k >= 2 a stochastic AP-MDM exists whose set of possible
outputs is exactly two-sided Dyck-k. Checked on the construction of ``constructions/dyck_apmdm``:

* soundness -- every sampled output reduces to the empty word (k = 2..4; short and long runs);
* completeness -- the exhaustively explored support up to length L is *exactly* the grammar's
  enumeration (same words, not only the same counts);
* the one-sided variant likewise against one-sided Dyck-k;
* every run halts at a fixed point (g(x) == x), and the per-step network has constant depth.
"""

from __future__ import annotations

import numpy as np
import pytest

from constructions.dyck_apmdm import DyckAPMDM, explore_support
from proofs_checks.report import record
from simulators.grammars import enumerate_words, members_batch, reduce_word
from simulators.processes import HaltReason, apmdm_transition


def _sample_and_check(model: DyckAPMDM, num: int, seed: int) -> tuple[int, int]:
    """Run ``num`` samples; assert each halts at a fixed point with a member. (count, max len)"""
    rng = np.random.default_rng(seed)
    longest = 0
    for _ in range(num):
        trace = model.run(rng, record_canvases=False)
        assert trace.halt == HaltReason.FIXED_POINT, trace.halt
        word = model.layout.output(trace.final)
        assert word.size == 0 or word.max() < 2 * model.k  # letters only, no scaffold
        assert reduce_word(word, model.k, two_sided=model.two_sided).size == 0, word
        longest = max(longest, int(word.size))
    return num, longest


@pytest.mark.parametrize("two_sided", [True, False])
@pytest.mark.parametrize("k", [2, 3, 4])
def test_soundness_every_sample_reduces_to_empty(k: int, two_sided: bool) -> None:
    short = DyckAPMDM(k, two_sided, target_length=16, insert_prob=0.6)
    # 400 per (k, variant): thousands of samples in the default run, ~2 s each case
    num_short, _ = _sample_and_check(short, 400, seed=100 + k)
    long = DyckAPMDM(k, two_sided, target_length=1500, insert_prob=0.9)
    num_long, longest = _sample_and_check(long, 3, seed=200 + k)
    record("Theorem 5", claim="soundness: every output is in the language",
           language="two-sided Dyck-k" if two_sided else "one-sided Dyck-k",
           set_k=k, num_samples=num_short + num_long, max_output_length=longest)


@pytest.mark.parametrize(
    ("k", "max_length", "two_sided"),
    [(2, 8, True), (3, 6, True), (2, 8, False), (3, 6, False)],
)
def test_completeness_support_equals_grammar_enumeration(
    k: int, max_length: int, two_sided: bool
) -> None:
    model = DyckAPMDM(k, two_sided, target_length=max_length)
    support = explore_support(model, max_length)
    for n in range(max_length + 1):
        expected = [tuple(w) for w in enumerate_words(k, n, two_sided=two_sided).tolist()]
        assert support.outputs.get(n, []) == expected, n
    record("Theorem 5", claim="completeness: support up to L == grammar enumeration",
           language="two-sided Dyck-k" if two_sided else "one-sided Dyck-k",
           set_support_k_L=f"k={k} L={max_length} {'two' if two_sided else 'one'}-sided",
           num_support_words=sum(len(v) for v in support.outputs.values()),
           max_support_states=support.graph.number_of_nodes())


@pytest.mark.parametrize("two_sided", [True, False])
def test_unbounded_mode_halts_and_its_support_is_the_whole_language(two_sided: bool) -> None:
    """Without any target (adaptive coin ~1/(L+1)), every run halts at a fixed point with a
    member, and the support up to L is exactly the grammar's enumeration."""
    model = DyckAPMDM(2, two_sided, target_length=None, insert_prob=None)
    num, longest = _sample_and_check(model, 80, seed=500)
    support = explore_support(model, 6)
    for n in range(7):
        expected = [tuple(w) for w in enumerate_words(2, n, two_sided=two_sided).tolist()]
        assert support.outputs.get(n, []) == expected
    record("Theorem 5", claim="unbounded mode: halts with probability 1, support == language",
           num_samples=num, max_output_length=longest,
           set_support_k_L=f"k=2 L=6 {'two' if two_sided else 'one'}-sided, no target")


def test_fixed_points_are_exactly_the_clean_outputs() -> None:
    """In the explored graph, a canvas has a self-loop iff it holds letters only; and one more
    application of g with the policy's decision at a halted canvas changes nothing."""
    model = DyckAPMDM(2, True, target_length=6)
    support = explore_support(model, 6)
    for node in support.graph.nodes:
        clean = all(t < 4 for t in node[1:])
        assert support.graph.has_edge(node, node) == clean, node
    # at or beyond the target no round can start, so g(x) == x whatever the random draws
    model = DyckAPMDM(2, True, target_length=6, insert_prob=0.9)
    rng = np.random.default_rng(0)
    policy = model.policy()
    checked = 0
    for _ in range(30):
        final = model.run(rng, record_canvases=False).final
        if final.size - 1 < model.target_length:
            continue
        for _ in range(5):
            d = policy(final, rng)
            again = apmdm_transition(final, d.y, d.remask, d.insert, d.delete,
                                     mask=model.layout.mask)
            assert np.array_equal(again, final)
        checked += 1
    assert checked >= 10


def test_per_step_network_depth_does_not_grow_with_length() -> None:
    depths = {t: DyckAPMDM(2, True, target_length=t).program.cost().depth for t in (4, 64, 4096)}
    assert len(set(depths.values())) == 1, depths
    record("Theorem 5", depth_by_n=depths)  # n = target length


@pytest.mark.slow
@pytest.mark.parametrize("k", [2, 3, 4])
def test_soundness_thousands_of_samples_long(k: int) -> None:
    model = DyckAPMDM(k, True, target_length=64, insert_prob=0.7)
    num, _ = _sample_and_check(model, 2000, seed=300 + k)
    long = DyckAPMDM(k, True, target_length=4000, insert_prob=0.9)
    num_long, longest = _sample_and_check(long, 30, seed=400 + k)
    assert longest >= 4000
    record("Theorem 5", claim="soundness: every output is in the language",
           language="two-sided Dyck-k", set_k=k, num_samples=num + num_long,
           max_output_length=longest)


@pytest.mark.slow
@pytest.mark.parametrize(("k", "max_length"), [(2, 10), (3, 8)])
def test_completeness_larger_L(k: int, max_length: int) -> None:
    model = DyckAPMDM(k, True, target_length=max_length)
    support = explore_support(model, max_length)
    words = [np.asarray(w) for n in support.outputs for w in support.outputs[n]]
    for n in range(0, max_length + 1, 2):
        expected = [tuple(w) for w in enumerate_words(k, n, two_sided=True).tolist()]
        assert support.outputs.get(n, []) == expected
    assert all(members_batch(w[None, :], k, two_sided=True)[0] for w in words)
    record("Theorem 5", claim="completeness: support up to L == grammar enumeration",
           language="two-sided Dyck-k", set_support_k_L=f"k={k} L={max_length} two-sided",
           num_support_words=len(words), max_support_states=support.graph.number_of_nodes())
