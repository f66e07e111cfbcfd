"""Teacher-forced step accuracy of a learned AP-MDM: is a free-running failure a wrong step
the model makes even on the construction's own canvases, or only after an earlier error?

Every canvas of a construction's trace (and its final canvas, which must map to itself: the
halting fixed point) is given to the policy; a step is right when ``g`` of the policy's
decision gives exactly the construction's next canvas. A wrong step is classified by what
differs from the construction's decision where it has an effect: a control bit (fill / remask
/ insert / delete) or a token written at a mask both fill. A run of ``T`` steps is free-running
right only if every one of its steps is, so per-step accuracy ``a`` bounds it near ``a^T``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from simulators.processes import apmdm_transition


def step_accuracy(decide: Callable[[list[np.ndarray]], list], traces: Sequence,  # type: ignore[type-arg]
                  encode: Sequence[Callable[[np.ndarray], np.ndarray]], mask: int) -> dict:
    """Counts over all steps of ``traces`` (one ``encode`` per trace into the policy's ids):
    ``steps``, ``right``, ``bit_errors``, ``token_errors`` (steps with at least one), and
    ``runs_all_right`` (traces whose every step, the halting one included, is right)."""
    xs: list[np.ndarray] = []
    want: list[np.ndarray] = []
    truth: list[tuple[np.ndarray, ...] | None] = []
    owner: list[int] = []
    for k, (tr, enc) in enumerate(zip(traces, encode, strict=True)):
        for x, nxt, dec in zip(tr.canvases[:-1], tr.canvases[1:], tr.decisions, strict=False):
            n = len(x)
            bits = [np.zeros(n, bool) if b is None else np.asarray(b, bool)
                    for b in (dec.remask, dec.insert, dec.delete)]
            xs.append(enc(np.asarray(x)))
            want.append(enc(np.asarray(nxt)))
            truth.append((enc(np.asarray(dec.y)), *bits))
            owner.append(k)
        xs.append(enc(np.asarray(tr.final)))  # the halting step: g(x) = x
        want.append(xs[-1])
        truth.append(None)
        owner.append(k)
    decisions = decide(xs)
    right = np.zeros(len(xs), bool)
    bit_err = tok_err = 0
    for j, (x, w, dec) in enumerate(zip(xs, want, decisions, strict=True)):
        got = apmdm_transition(x, dec.y, dec.remask, dec.insert, dec.delete, mask=mask)
        right[j] = len(got) == len(w) and bool((got == w).all())
        if right[j]:
            continue
        is_mask = x == mask
        if truth[j] is None:  # the fixed point: keep every token, keep masks masked
            t_y, t_r, t_i, t_d = x, is_mask, np.zeros(len(x), bool), np.zeros(len(x), bool)
        else:
            t_y, t_r, t_i, t_d = truth[j]  # type: ignore[misc]
        l_r, l_i, l_d = (np.asarray(b, bool) for b in (dec.remask, dec.insert, dec.delete))
        fill_t, fill_l = is_mask & ~t_r & ~t_d, is_mask & ~l_r & ~l_d
        bits_differ = ((fill_t != fill_l).any() or ((t_r != l_r) & ~is_mask).any()
                       or ((t_d != l_d) & is_mask).any()
                       or ((t_i != l_i) & ~(is_mask & t_d)).any())
        bit_err += bool(bits_differ)
        tok_err += bool((fill_t & fill_l & (np.asarray(dec.y) != t_y)).any())
    owner_a = np.asarray(owner)
    runs_right = sum(bool(right[owner_a == k].all()) for k in range(len(traces)))
    return {"steps": len(xs), "right": int(right.sum()), "bit_errors": bit_err,
            "token_errors": tok_err, "runs": len(traces), "runs_all_right": runs_right}
