"""Small policies shared by the engine tests (all randomness through the engine's rng)."""

from __future__ import annotations

import numpy as np

from simulators.processes import APMDMDecision, MDMDecision, Vocab

VOCAB = Vocab(["a", "b", "c"], bos="[BOS]", eos="[EOS]")
M = VOCAB.mask_id


def random_mdm(canvas: np.ndarray, rng: np.random.Generator) -> MDMDecision:
    """Random tokens a..c everywhere, a random non-empty set of masks to fill, random
    confidences."""
    n = canvas.shape[0]
    masks = np.flatnonzero(canvas == M)
    fill = np.zeros(n, dtype=bool)
    if masks.size:
        fill[rng.choice(masks, size=rng.integers(1, masks.size + 1), replace=False)] = True
    return MDMDecision(tokens=rng.integers(0, 3, size=n), fill=fill, confidence=rng.random(n))


def random_apmdm(p_remask: float = 0.2, p_insert: float = 0.2, p_delete: float = 0.3):
    """A random AP-MDM policy (never emits EOS, so only limits or fixed points stop it)."""

    def policy(canvas: np.ndarray, rng: np.random.Generator) -> APMDMDecision:
        n = canvas.shape[0]
        return APMDMDecision(y=rng.integers(0, 3, size=n), remask=rng.random(n) < p_remask,
                             insert=rng.random(n) < p_insert, delete=rng.random(n) < p_delete)

    return policy


def parity_policy(canvas: np.ndarray, rng: np.random.Generator) -> APMDMDecision:
    """Parity of the bits after [BOS] by local edits (docs/paper.md §3.2's parity task, by hand):
    delete masks; else on the first two bits: 00/11 -> remask both, 01/10 -> remask the 0;
    a lone 0 is remasked.
    Bits are tokens a (=0) and b (=1). Ends at a fixed point: [BOS] or [BOS] b."""
    n = canvas.shape[0]
    zeros = np.zeros(n, dtype=bool)
    masked = canvas == M
    if masked.any():
        return APMDMDecision(y=canvas.copy(), remask=zeros, insert=zeros, delete=masked)
    remask = zeros.copy()
    if n == 2 and canvas[1] == 0:  # a lone 0 is removed too
        remask[1] = True
    if n >= 3:
        b1, b2 = canvas[1], canvas[2]
        if b1 == b2:
            remask[1:3] = True
        else:
            remask[1 if b1 == 0 else 2] = True
    return APMDMDecision(y=canvas.copy(), remask=remask, insert=zeros, delete=zeros)
