"""Parity by an AP-MDM: the paper's length-generalisation algorithm (docs/learned.md, section 1).

The process only ever looks at the first two bits after BOS:

* ``[BOS] 0 0 ...`` or ``[BOS] 1 1 ...`` -- remask both bits; next step delete both masks
  (two equal bits do not change the parity);
* ``[BOS] 0 1 ...`` or ``[BOS] 1 0 ...`` -- remask the 0; next step delete it (a 0 does not
  change the parity);
* ``[BOS] 0`` -- remask it, then delete it;
* ``[BOS]`` (even) and ``[BOS] 1`` (odd) are *fixed points*: the policy changes nothing, and the
  engine halts with ``FIXED_POINT`` (halting is part of the process, so learned models are
  trained on it too).

Every pair of steps removes one or two bits, so a length-n input halts in at most 2n + 1 steps
(about 1.33 n on random inputs). The policy is an encoder program with two local attention heads
(:func:`parity_program`, depth independent of n) like every other construction; ``g`` is the
engines' one implementation. ``construction.Parity`` is the construction behind the shared
interface.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulators.encoder import Program, aggregate, ew, indices, select, tokens
from simulators.errors import UsageError
from simulators.processes import APMDMDecision, Trace, Vocab, run_apmdm

#: ids: "0" -> 0, "1" -> 1, "[M]" -> 2, "[BOS]" -> 3
PARITY_VOCAB = Vocab(["0", "1"], mask="[M]", bos="[BOS]")
ZERO, ONE = 0, 1
MASK = PARITY_VOCAB.mask_id
BOS: int = PARITY_VOCAB.bos_id  # type: ignore[assignment]  # set: bos="[BOS]"


def parity_canvas(bits: Sequence[int] | np.ndarray) -> np.ndarray:
    """``[BOS] b1 ... bn`` for a 0/1 sequence (UsageError on anything else)."""
    arr = np.asarray(bits, dtype=np.int64).reshape(-1)
    if arr.size and (arr.min() < 0 or arr.max() > 1):
        raise UsageError("parity inputs must be bits (0 or 1)")
    return np.concatenate([[BOS], arr]).astype(np.int64)


def parity_steps_bound(n: int) -> int:
    """Steps the construction needs at most on a length-n input (2 per removed bit + the final
    fixed-point step); used as the step limit for learned policies too."""
    return 2 * n + 1


def decode_parity(final: np.ndarray) -> int | None:
    """0 for ``[BOS]``, 1 for ``[BOS] 1``, None for any other (unfinished / malformed) canvas."""
    f = np.asarray(final)
    if f.shape == (1,) and f[0] == BOS:
        return 0
    if f.shape == (2,) and f[0] == BOS and f[1] == ONE:
        return 1
    return None


#: Canvas length the shared policy's program accepts (its index range; 2**24 positions).
PARITY_MAX_LENGTH = 1 << 24
NONE = 4  # "no such neighbour" (not a token id)


def parity_program(max_length: int = PARITY_MAX_LENGTH) -> Program:
    """One decoding step as an encoder program with two *local* heads (left / right neighbour).

    Position 1 sees ``a`` (itself) and ``b`` (its right neighbour), position 2 sees ``a`` (its
    left neighbour) and ``b`` (itself); the rules of the module docstring then read:

    * ``delete`` at 1 iff ``a`` is a mask, at 2 iff ``b`` is a mask (second step of a removal);
    * ``remask`` at 1 iff neither is a mask and (``a`` = 0 or ``a`` = ``b``); at 2 iff neither
      is a mask and (``b`` = 0 or ``a`` = ``b``); nothing elsewhere, and ``y`` = the canvas.
    """
    tok, idx = tokens(0, BOS), indices()
    left = aggregate(select(idx, ew("sub", idx, 1), "=="), tok, "leftmost", default=NONE)
    right = aggregate(select(idx, ew("add", idx, 1), "=="), tok, "leftmost", default=NONE)
    at1, at2 = ew("eq", idx, 1), ew("eq", idx, 2)
    a = ew("where", at1, tok, left)
    b = ew("where", at1, right, tok)
    bits = ew("and", ew("ne", a, MASK), ew("ne", b, MASK))
    same = ew("eq", a, b)
    remask = ew("and", bits, ew("or", ew("and", at1, ew("or", ew("eq", a, ZERO), same)),
                                 ew("and", at2, ew("or", ew("eq", b, ZERO), same))))
    delete = ew("or", ew("and", at1, ew("eq", a, MASK)), ew("and", at2, ew("eq", b, MASK)))
    return Program({"y": tok, "remask": remask, "insert": ew("mul", tok, 0), "delete": delete},
                   max_length=max_length, name="parity_apmdm")


_SHARED: dict[int, Program] = {}


def _program(max_length: int) -> Program:
    if max_length not in _SHARED:
        _SHARED[max_length] = parity_program(max_length)
    return _SHARED[max_length]


class ParityPolicy:
    """The construction's AP-MDM policy: :func:`parity_program` where it can act.

    The program's control bits are 0 outside positions 1 and 2 (its ``at1`` / ``at2`` factors)
    and its ``y`` is the canvas, so only positions 1 and 2 are evaluated (restricted mode). Their
    receptive field is positions 0..3 (two heads reading the left / right neighbour), so the
    program is evaluated on the first four tokens and the result memoised per window: O(1) per
    step after the first few. The tests compare this with the full evaluation at every step.
    Deterministic; ignores ``rng``.
    """

    def __init__(self, max_length: int = PARITY_MAX_LENGTH) -> None:
        self.program = _program(max_length)
        self._memo: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray]] = {}

    def _window(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = tuple(int(v) for v in x[:4])
        if key not in self._memo:
            window = np.asarray(key, dtype=np.int64)
            pos = np.arange(1, min(window.size, 3), dtype=np.int64)
            out = self.program.evaluate(window, positions=pos, names=("remask", "delete"))
            self._memo[key] = (out["remask"].astype(bool), out["delete"].astype(bool))
        return self._memo[key]

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None,
                 ) -> APMDMDecision:
        x = np.asarray(canvas, dtype=np.int64)
        n = x.shape[0]
        remask = np.zeros(n, dtype=bool)
        delete = np.zeros(n, dtype=bool)
        if n > 1:
            r, d = self._window(x)
            remask[1:1 + r.size] = r
            delete[1:1 + d.size] = d
        return APMDMDecision(y=x.copy(), remask=remask, insert=np.zeros(n, dtype=bool),
                             delete=delete)

    def decide_batch(self, canvases: Sequence[np.ndarray],
                     rng: np.random.Generator | None = None) -> list[APMDMDecision]:
        """One decision per canvas (for the lock-step runners of ``simulators.learned``)."""
        return [self(c) for c in canvases]


def run_parity(bits: Sequence[int] | np.ndarray, *, max_steps: int | None = None,
               record_canvases: bool = True) -> Trace:
    """Run the construction on ``bits`` through the AP-MDM engine."""
    n = len(np.asarray(bits).reshape(-1))
    limit = parity_steps_bound(n) if max_steps is None else max_steps
    return run_apmdm(ParityPolicy(), parity_canvas(bits), PARITY_VOCAB, max_steps=limit,
                     max_length=n + 1, record_canvases=record_canvases)
