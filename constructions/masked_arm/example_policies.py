"""Example MDM policies that fill exactly one token per step, in content-dependent orders.

They are the inputs of the Theorem 3 checks (random MDM programs, random orders) and of the demo
CLI, and the adversarial policies of the Theorem 2 checks (one fill per step = the most steps an
MDM can take). Every policy is an encoder program with outputs ``token`` and ``fill``.

:func:`random_mdm_program` draws, from an explicit seed, a program whose

* **token** at each position is an affine mix, modulo the number of non-mask tokens, of a few
  features of the *current* canvas drawn at random (left/right neighbour, number of filled cells,
  sum / max / last filled token before me, my index), mapped onto the non-mask ids; and whose
* **fill** is the single masked position of least priority, where priority is a random
  permutation of the positions shifted by a content-dependent global amount (mod S) -- still a
  permutation, so exactly one position is chosen and the order depends on what was written.

So a Masked-ARM that rebuilt the MDM canvas wrongly would, with high probability, both write
different tokens and fill in a different order.
"""

from __future__ import annotations

import numpy as np

from simulators.encoder import Program, Seq, aggregate, const, ew, indices, select, tokens
from simulators.errors import UsageError
from simulators.processes import IntVocab, Vocab

FEATURES = ("left", "right", "filled", "sum", "max", "last_before", "index")
ORDERS = ("random", "leftmost", "rightmost")


def example_vocab(size: int = 5, *, ints: bool = False, lo: int = 0) -> Vocab | IntVocab:
    """A small MDM vocabulary: ``size`` plain tokens plus the mask."""
    if size < 1:
        raise UsageError(f"vocabulary size must be >= 1, got {size}")
    if ints:
        return IntVocab(lo, lo + size - 1)
    return Vocab([chr(ord("a") + i) if i < 26 else f"t{i}" for i in range(size)])


def _features(tok: Seq, idx: Seq, filled: Seq, lo: int, names: list[str]) -> list[Seq]:
    val = ew("where", filled, ew("sub", tok, lo), 0)  # 0-based token value, 0 where masked
    out: list[Seq] = []
    for name in names:
        if name == "left":
            out.append(aggregate(select(idx, ew("sub", idx, 1), "=="), val, "leftmost", default=0))
        elif name == "right":
            out.append(aggregate(select(idx, ew("add", idx, 1), "=="), val, "leftmost", default=0))
        elif name == "filled":
            out.append(aggregate(select(filled, 1, "=="), val, "count", default=0))
        elif name == "sum":
            out.append(aggregate(select(filled, 1, "=="), val, "sum", default=0))
        elif name == "max":
            out.append(aggregate(select(filled, 1, "=="), val, "max", default=0))
        elif name == "last_before":
            out.append(aggregate(select((filled, idx), (1, idx), ("==", "<")), val, "rightmost",
                                 default=0))
        elif name == "index":
            out.append(idx)
        else:  # pragma: no cover - names come from FEATURES
            raise UsageError(f"unknown feature {name!r}")
    return out


def random_mdm_program(vocab: Vocab | IntVocab, context: int, seed: int, *,
                       order: str = "random", num_features: int = 3) -> Program:
    """A random one-token-per-step MDM program for canvases of length ``context`` (see module)."""
    if order not in ORDERS:
        raise UsageError(f"order must be one of {ORDERS}, got {order!r}")
    if context < 1:
        raise UsageError(f"context must be >= 1, got {context}")
    rng = np.random.default_rng(seed)
    lo = vocab.lo if isinstance(vocab, IntVocab) else 0
    hi = lo + len(vocab) - 1
    mask = vocab.mask_id
    plain = [t for t in range(lo, hi + 1) if t != mask and t != vocab.bos_id and t != vocab.eos_id]
    if not plain:
        raise UsageError("the vocabulary has no token to write")
    tok = tokens(lo, hi).named("tok")
    idx = indices().named("idx")
    is_mask = ew("eq", tok, mask).named("is_mask")
    filled = ew("not", is_mask).named("filled")
    names = list(rng.choice(FEATURES, size=num_features, replace=True))
    feats = _features(tok, idx, filled, lo, names)
    mix: Seq = const(int(rng.integers(0, len(plain))))
    for f in feats:
        mix = ew("add", mix, ew("mul", f, int(rng.integers(1, 7))))
    choice = ew("mod", mix, len(plain))
    token = ew("table", choice, table={i: t for i, t in enumerate(plain)}).named("token")

    if order == "leftmost":
        prio: Seq = idx
    elif order == "rightmost":
        prio = ew("sub", context - 1, idx)
    else:
        perm = rng.permutation(context)
        static = ew("table", idx, table={i: int(p) for i, p in enumerate(perm)}, default=0)
        # A global (position-independent) shift keeps the priority a permutation, so exactly
        # one masked position is chosen, while making the order depend on what was written.
        total = _features(tok, idx, filled, lo, [str(rng.choice(["filled", "sum", "max"]))])[0]
        shift = ew("mul", total, int(rng.integers(1, 5)))
        prio = ew("mod", ew("add", static, shift), context)
    prio = prio.named("priority")
    least = aggregate(select(is_mask, 1, "=="), prio, "min", default=-1).named("least")
    fill = ew("and", is_mask, ew("eq", prio, least)).named("fill")
    return Program({"token": token, "fill": fill}, max_length=context,
                   name=f"random_mdm(seed={seed}, order={order}, features={'+'.join(names)})")


def random_initial_canvas(vocab: Vocab | IntVocab, context: int, rng: np.random.Generator, *,
                          mask_fraction: float = 0.7) -> np.ndarray:
    """A canvas of ``context`` cells: random plain tokens, each masked with ``mask_fraction``."""
    lo = vocab.lo if isinstance(vocab, IntVocab) else 0
    plain = np.array([t for t in range(lo, lo + len(vocab)) if t != vocab.mask_id])
    out = rng.choice(plain, size=context)
    out[rng.random(context) < mask_fraction] = vocab.mask_id
    return out.astype(np.int64)


def prefix_sum_mdm_program(n: int, order: list[int], vocab: IntVocab) -> Program:
    """The worked example of docs/theorem3.md: an MDM for prefix sums, any fill order.

    Canvas: ``a_0 .. a_{n-1}`` then ``n`` masks; output cell ``n + j`` gets ``a_0 + .. + a_j``
    (one attention head summing the input cells ``i <= j``). The cells are filled one per step in
    the order ``order`` (a permutation of ``0..n-1``, output cells by index).
    """
    if sorted(order) != list(range(n)):
        raise UsageError(f"order must be a permutation of 0..{n - 1}, got {order}")
    tok = tokens(vocab.lo, vocab.mask_id).named("tok")
    idx = indices().named("idx")
    is_mask = ew("eq", tok, vocab.mask_id).named("is_mask")
    upto = ew("sub", idx, n).named("j")
    total = aggregate(select((idx, idx), (upto, n), ("<=", "<")), tok, "sum", default=0)
    token = ew("clip", total, lo=vocab.lo, hi=vocab.hi).named("token")
    rank = {n + cell: r for r, cell in enumerate(order)}
    prio = ew("table", idx, table=rank, default=n).named("priority")
    least = aggregate(select(is_mask, 1, "=="), prio, "min", default=n).named("least")
    fill = ew("and", is_mask, ew("eq", prio, least)).named("fill")
    return Program({"token": token, "fill": fill}, max_length=2 * n, name=f"prefix_sum(n={n})")


#: The smallest PRAM program whose Theorem 1 MDM is cheap enough to re-run as a Masked-ARM
#: one token per step: every processor doubles its own cell (EREW, one pardo). Shared by the
#: Theorem 2 and Theorem 3 checks and the Masked-ARM benchmark.
DOUBLE_PRAM_SOURCE = """
program double
model EREW
input A[n]
output A
processors n
time 12
begin
  for i in 0 .. n-1 pardo
    A[i] := 2 * A[i]
  end
end"""
