"""Exact fast evaluation of a *local* AP-MDM network on very long canvases.

For a model with local attention (window ``w``, ``n_layers`` layers) whose only position
information is ``clipped`` (``min(index, clip)``) and/or ``relative`` (offset bias), the output
at position ``i`` is a function of the tokens ``x[i-R .. i+R]`` alone (``R = n_layers * w``),
as long as that window lies inside the canvas and ``i - R >= clip``: every such position sees
the same position embedding and the same relative biases. So the network's decision at every
"far" position is a lookup in a table over the ``V^(2R+1)`` possible windows, each entry
computed by running the *same network* on that window the first time it occurs. Positions near
the front (where the clipped index still varies) and near the end (where the window meets the
canvas edge) are evaluated by running the network on a short prefix and a short suffix that
contain their whole receptive field.

This is the same function, memoised -- not an approximation -- and a test checks that its
decisions equal the plain forward pass on random canvases. It turns evaluating a learned parity
AP-MDM at length 10,000 (~13,300 steps over canvases of up to 10,001 tokens) from tens of
minutes into seconds on a CPU (experiment 1(b)); on a GPU the plain forward pass is used too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from simulators.errors import UsageError
from simulators.learned.coverage import LocalViews
from simulators.learned.model import PolicyTransformer
from simulators.learned.policies import LearnedAPMDMPolicy
from simulators.processes import APMDMDecision
from simulators.processes.vocab import BaseVocab

#: Largest lookup table we build (windows of 2R+1 tokens over the vocabulary).
MAX_TABLE = 1 << 20
_TRANSLATION_INVARIANT = {"clipped", "relative", "none"}


class LocalTableAPMDMPolicy:
    """Same decisions as :class:`LearnedAPMDMPolicy`, computed in O(L) numpy per canvas."""

    def __init__(self, model: PolicyTransformer, vocab: BaseVocab, device: str = "cpu", *,
                 views: LocalViews | None = None) -> None:
        cfg = model.cfg
        if cfg.attention != "local" or not set(cfg.positions) <= _TRANSLATION_INVARIANT:
            raise UsageError("the table evaluator needs local attention and only clipped/relative "
                             f"positions; got attention={cfg.attention!r}, positions="
                             f"{cfg.positions}")
        self.inner = LearnedAPMDMPolicy(model, vocab, device)
        self.radius = cfg.n_layers * cfg.window
        self.clip = cfg.clip if "clipped" in cfg.positions else 0
        self.base = len(vocab)
        width = 2 * self.radius + 1
        if self.base**width > MAX_TABLE:
            raise UsageError(f"lookup table of {self.base}^{width} windows exceeds {MAX_TABLE}")
        # Window code = sum_k window[k] * base**k (see _codes). The table is filled lazily: a
        # window's entry is computed by the same network the first time a canvas contains it,
        # so only windows that occur cost a forward pass (V^(2R+1) can be large; few occur).
        size = self.base**width
        self.table_tok = np.zeros(size, dtype=np.int64)
        self.table_ctrl = np.zeros((size, 3), dtype=np.float32)
        self.known = np.zeros(size, dtype=bool)
        # Optional record of every local view this policy is asked about (coverage.py): far
        # views as a bitmap over window codes (O(L) per canvas, like the lookup itself).
        self.views = views
        self.far_seen = np.zeros(size, dtype=bool) if views is not None else None

    def record(self) -> LocalViews | None:
        """The views met so far (far ones folded in), or None when not recording."""
        if self.views is not None and self.far_seen is not None:
            self.views.add_far(self.far_seen)
        return self.views

    def _fill(self, codes: np.ndarray) -> None:
        """Compute the table entries of the windows in ``codes`` not yet known (one batch)."""
        new = np.unique(codes[~self.known[codes]])
        if not len(new):
            return
        width = 2 * self.radius + 1
        windows = (new[:, None] // self.base ** np.arange(width)[None, :]) % self.base
        # Any tokens before the window put its centre beyond the clip ("far"); they are
        # outside the receptive field, so zeros do.
        probes = np.concatenate([np.zeros((len(new), self.clip), np.int64), windows], axis=1)
        outs = self.inner.forward_batch(list(probes))
        centre = self.clip + self.radius
        self.table_tok[new] = [o[0][centre] for o in outs]
        self.table_ctrl[new] = np.stack([o[2][centre] for o in outs])
        self.known[new] = True

    def _codes(self, x: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Window codes of positions lo..hi-1 (each window x[i-R .. i+R])."""
        width = 2 * self.radius + 1
        win = sliding_window_view(x[lo - self.radius : hi + self.radius], width)
        return win @ (self.base ** np.arange(width, dtype=np.int64))

    def decide_batch(self, canvases: Sequence[np.ndarray],
                     rng: np.random.Generator | None = None) -> list[APMDMDecision]:
        r, c = self.radius, self.clip
        xs = [np.asarray(x, dtype=np.int64) for x in canvases]
        long = [k for k, x in enumerate(xs) if len(x) >= c + 2 * r + 2]
        short = [k for k, x in enumerate(xs) if len(x) < c + 2 * r + 2]
        pieces: list[np.ndarray] = [xs[k] for k in short]
        for k in long:  # a prefix and a suffix holding the whole receptive field of the ends
            x = xs[k]
            pieces.append(x[: c + 2 * r])
            pieces.append(np.concatenate([x[:c], x[len(x) - 2 * r :]]))
        outs = self.inner.forward_batch(pieces) if pieces else []
        tok: list[np.ndarray] = [np.empty(0)] * len(xs)
        ctrl: list[np.ndarray] = [np.empty(0)] * len(xs)
        for j, k in enumerate(short):
            tok[k], ctrl[k] = outs[j][0], outs[j][2]
            if self.views is not None:
                self.views.add(xs[k])
        codes = [self._codes(xs[k], c + r, len(xs[k]) - r) for k in long]
        if codes:
            self._fill(np.concatenate(codes))
        for j, k in enumerate(long):
            x = xs[k]
            pre, suf = outs[len(short) + 2 * j], outs[len(short) + 2 * j + 1]
            code = codes[j]
            if self.views is not None and self.far_seen is not None:
                self.far_seen[code] = True
                self.views.add(x, np.r_[0 : c + r, len(x) - r : len(x)])
            tok[k] = np.concatenate([pre[0][: c + r], self.table_tok[code], suf[0][c + r :]])
            ctrl[k] = np.concatenate([pre[2][: c + r], self.table_ctrl[code], suf[2][c + r :]])
        return [APMDMDecision(y=t.astype(np.int64), remask=g[:, 0] > 0, insert=g[:, 1] > 0,
                              delete=g[:, 2] > 0) for t, g in zip(tok, ctrl, strict=True)]

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator) -> APMDMDecision:
        return self.decide_batch([np.asarray(canvas)], rng)[0]
