"""The per-step network ``f`` of the Theorem 5 AP-MDM, written as an encoder program.

Every position reads its own token, its two neighbours (two attention heads) and one global bit
"is the canvas clean (no ``[M]``, no ``[P]``)?" (one head, max over all positions), and the canvas
length. The rules (docs/paper.md §1.4 for ``g``; ``docs/theorem5.md`` walks through them):

=====================================  =====================================================
position                                decision
=====================================  =====================================================
clean canvas, word length < target      ``insert`` with probability ``p`` (coin) -- any slot,
(BOS or a letter)                       BOS included, so a pair can go in front
fresh lone ``[M]`` (left not M/P,       unmask to ``[P]`` and ``insert`` (-> ``[P] [M]``)
right not M)
``[M]`` right after ``[P]``             unmask to a freely drawn letter ``a`` (uniform)
``[P]`` followed by ``[M]``             ``remask`` + ``insert`` (-> ``[M] [M]``), same step
first ``[M]`` of ``[M] [M]``            ``delete``
second ``[M]`` of ``[M] [M]``           unmask to the inverse of its right neighbour ``a``
anything else                           keep (all bits 0)
=====================================  =====================================================

So a round is: insert (1 step) -> ``[P][M]`` (1) -> ``[M][M] a`` (1) -> ``ā a`` (1), with many
pairs per round. On a clean canvas where no coin comes up, all bits are 0 and ``g(x) == x``:
the run halts at a fixed point.

Randomness enters only through two :func:`random_uniform` inputs read at the end (a coin per
position and a letter per position): the sampling of a stochastic transformer's per-position
output distribution, independent across positions. The outputs ``may_insert``, ``free_letter``,
``y_det`` and ``insert_det`` do not depend on them; the support explorer uses them as the exact
menu of choices.
"""

from __future__ import annotations

from fractions import Fraction

from constructions.dyck_apmdm.layout import DyckLayout
from simulators.encoder import (
    Program,
    Seq,
    aggregate,
    const,
    ew,
    indices,
    length,
    random_uniform,
    select,
    tokens,
)
from simulators.errors import UsageError

COIN_DENOMINATOR_LIMIT = 10_000
ADAPTIVE_COIN_SIDES = 1 << 20
"""Coin resolution of the adaptive mode: P(insert) = ceil(2^20 / (L + 1)) / 2^20 at length L."""


def insert_fraction(insert_prob: float | Fraction) -> Fraction:
    """``insert_prob`` as a fraction ``num/den`` (den <= 10,000) with 0 < p < 1.

    Both outcomes must have positive probability: p = 0 never inserts, p = 1 never halts below
    the target, and either would shrink the support.
    """
    try:
        frac = Fraction(insert_prob).limit_denominator(COIN_DENOMINATOR_LIMIT)
    except (TypeError, ValueError):
        raise UsageError(f"insert_prob must be a number, got {insert_prob!r}") from None
    if not 0 < frac < 1:
        lim = COIN_DENOMINATOR_LIMIT  # the coin is a fraction num/den with den <= lim
        raise UsageError(f"insert_prob must lie strictly between 0 and 1 once written as a "
                         f"fraction with denominator <= {lim} (so in 1/{lim}..{lim - 1}/{lim}), "
                         f"got {insert_prob}")
    return frac


def build_program(
    layout: DyckLayout,
    *,
    target_length: int | None,
    insert_prob: float | Fraction | None,
    max_length: int,
) -> Program:
    """The encoder program; outputs ``y, remask, insert, delete`` plus the menu outputs.

    ``target_length=None``: no target (rounds may start at any length). ``insert_prob=None``:
    the adaptive coin, P(insert) ~ 1/(L+1) per position on a canvas of L positions, so a round
    inserts nothing with probability >= ~1/e whatever the length -- runs halt with probability 1
    even without a target, and then the possible outputs are exactly *all* of Dyck-k.
    """
    k, m, p_tok, none = layout.k, layout.mask, layout.pending, layout.none
    if max_length + 1 >= ADAPTIVE_COIN_SIDES and insert_prob is None:
        raise UsageError(f"the adaptive coin supports canvases below {ADAPTIVE_COIN_SIDES - 1}")
    tok = tokens(0, layout.pending).named("tok")
    idx = indices().named("idx")
    size = length().named("L")

    # two heads: the neighbours (sentinel `none` beyond the ends)
    left = aggregate(select(idx, ew("sub", idx, 1), "=="), tok, "leftmost", default=none)
    right = aggregate(select(idx, ew("add", idx, 1), "=="), tok, "leftmost", default=none)
    left, right = left.named("left"), right.named("right")

    is_mask = ew("eq", tok, m).named("is_mask")
    is_pending = ew("eq", tok, p_tok).named("is_pending")
    # one head: is there any mask or [P] anywhere? (inserts only start on a clean canvas)
    busy = aggregate(select(idx, idx, "true"), ew("or", is_mask, is_pending), "max", default=0)
    clean = ew("not", busy).named("clean")
    below_target: Seq
    if target_length is None:
        below_target = const(1).named("below_target")
    else:  # word length L - 1 < target
        below_target = ew("le", size, target_length).named("below_target")

    left_mask, left_pending = ew("eq", left, m), ew("eq", left, p_tok)
    right_mask = ew("eq", right, m)
    fresh = ew("and", is_mask, ew("not", ew("or", ew("or", left_mask, left_pending), right_mask)))
    fresh = fresh.named("fresh")
    after_pending = ew("and", is_mask, left_pending).named("after_pending")
    pending_to_pair = ew("and", is_pending, right_mask).named("pending_to_pair")
    run_first = ew("and", is_mask, right_mask).named("run_first")
    run_second = ew("and", is_mask, left_mask).named("run_second")

    inverse_right = ew(
        "table", right, table={a: (a + k) % (2 * k) for a in range(2 * k)}, default=0
    ).named("inverse_right")
    y_det = ew("where", fresh, const(p_tok), ew("where", run_second, inverse_right, tok))
    insert_det = ew("or", fresh, pending_to_pair)
    may_insert = ew("and", ew("and", clean, below_target), ew("not", is_mask))

    # the sampling layer: independent per position
    lo, hi = layout.free_letters
    letter_draw = random_uniform(lo, hi).named("letter_draw")
    if insert_prob is None:  # adaptive: heads iff coin * (L + 1) < 2^20
        coin = random_uniform(0, ADAPTIVE_COIN_SIDES - 1).named("coin")
        heads = ew("lt", ew("mul", coin, ew("add", size, 1)), ADAPTIVE_COIN_SIDES)
    else:
        frac = insert_fraction(insert_prob)
        coin = random_uniform(0, frac.denominator - 1).named("coin")
        heads = ew("lt", coin, frac.numerator)
    y = ew("where", after_pending, letter_draw, y_det)
    insert = ew("or", insert_det, ew("and", may_insert, heads))
    outputs = {
        "y": y.named("y"),
        "remask": pending_to_pair,
        "insert": insert.named("insert"),
        "delete": run_first,
        # the menu (independent of the random inputs)
        "y_det": y_det.named("y_det"),
        "insert_det": insert_det.named("insert_det"),
        "may_insert": may_insert.named("may_insert"),
        "free_letter": after_pending,
    }
    return Program(outputs, max_length=max_length, name=f"dyck_apmdm_k{k}")
