"""Parity by an AP-MDM: the paper's length-generalisation algorithm (PAPER.md section 3).

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
(about 1.33 n on random inputs). The policy is vectorised: one decision is a few O(1) writes into
zero arrays, and ``g`` is the engines' one implementation.

CLI: ``python -m constructions.parity_apmdm 0110101`` prints the parity, steps and halting reason.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from simulators.cli_support import run_main
from simulators.errors import UsageError
from simulators.processes import APMDMDecision, Trace, Vocab, run_apmdm

#: ids: "0" -> 0, "1" -> 1, "[M]" -> 2, "[BOS]" -> 3
PARITY_VOCAB = Vocab(["0", "1"], mask="[M]", bos="[BOS]")
ZERO, ONE = 0, 1
MASK = PARITY_VOCAB.mask_id
BOS = PARITY_VOCAB.bos_id


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


class ParityPolicy:
    """The constructed AP-MDM policy (deterministic; ignores ``rng``)."""

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None,
                 ) -> APMDMDecision:
        x = np.asarray(canvas, dtype=np.int64)
        n = x.shape[0]
        remask = np.zeros(n, dtype=bool)
        delete = np.zeros(n, dtype=bool)
        a = int(x[1]) if n > 1 else None
        b = int(x[2]) if n > 2 else None
        if a == MASK:  # second step of a removal: delete the mask(s) left by the first
            delete[1] = True
            if b == MASK:
                delete[2] = True
        elif b == MASK:
            delete[2] = True
        elif a is not None and b is None:  # [BOS] a: a 0 is removed, [BOS] 1 is final
            remask[1] = a == ZERO
        elif a is not None:
            if a == b:  # 00 or 11: the pair does not change the parity
                remask[1] = remask[2] = True
            else:  # 01 or 10: the 0 does not change the parity
                remask[1], remask[2] = a == ZERO, b == ZERO
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


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m constructions.parity_apmdm",
                                 description="Parity of a bit string by the AP-MDM construction.")
    ap.add_argument("bits", help="a string of 0s and 1s, e.g. 0110101")
    ap.add_argument("--show", action="store_true", help="print every canvas")
    args = ap.parse_args(argv)
    if not args.bits or set(args.bits) - {"0", "1"}:
        raise UsageError(f"expected a non-empty string of 0s and 1s, got {args.bits!r}")
    tr = run_parity([int(c) for c in args.bits])
    if args.show:
        for c in tr.canvases:
            print(PARITY_VOCAB.render(c))
    print(f"parity={decode_parity(tr.final)} steps={tr.num_steps} halt={tr.halt.value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
