"""Local views: what a local-attention model can actually see at one position.

A model with local attention (window ``w``, ``n_layers`` layers) and only ``clipped`` /
``relative`` positions computes its output at position ``i`` from the tokens
``x[i-R .. i+R]`` (``R = n_layers * w``; a slot outside the canvas is the learned *edge*) and
from the clipped indices of those tokens, which are all fixed by ``min(i, clip + R)``. That pair
-- the window with its edge marks and ``min(i, clip + R)`` -- is the position's *local view*;
two positions with the same view get the same output (the table evaluator of
:mod:`simulators.learned.local_eval` relies on exactly this).

So "does the model generalise to length 10,000?" has a measurable part: do the views met at test
time all occur in the training canvases? If they do, a model that fits its training rows acts the
same at every length; if not, the missing views are unconstrained by the data. Both sides are
counted from the model's own configuration (:func:`receptive_field`), never from the task.
"""

from __future__ import annotations

import numpy as np

from simulators.errors import UsageError
from simulators.learned.config import ModelConfig

#: Largest key space (positions x windows) held as a bitmap.
MAX_VIEW_SPACE = 1 << 26
_TRANSLATION_INVARIANT = {"clipped", "relative", "none"}


def receptive_field(cfg: ModelConfig) -> tuple[int, int] | None:
    """``(radius, clip)`` of a local model, or None when a position sees the whole canvas."""
    if cfg.attention != "local" or not set(cfg.positions) <= _TRANSLATION_INVARIANT:
        return None
    return cfg.n_layers * cfg.window, (cfg.clip if "clipped" in cfg.positions else 0)


class LocalViews:
    """A set of local views (as integer codes) over a vocabulary of ``base`` token ids.

    Code of position ``i``: ``min(i, clip + R) * (base + 1)**(2R + 1) + sum_k w[k] (base + 1)**k``
    where ``w[k]`` is the token at offset ``k - R`` or ``base`` (the edge) outside the canvas.
    """

    def __init__(self, radius: int, clip: int, base: int) -> None:
        self.radius, self.clip, self.base = radius, clip, base
        self.width = 2 * radius + 1
        self.front = clip + radius
        self.span = (base + 1) ** self.width
        size = (self.front + 1) * self.span
        if size > MAX_VIEW_SPACE:
            raise UsageError(f"local-view space of {size} codes exceeds {MAX_VIEW_SPACE}")
        self.seen = np.zeros(size, dtype=bool)
        self._w = (base + 1) ** np.arange(self.width, dtype=np.int64)

    @classmethod
    def for_model(cls, cfg: ModelConfig, base: int) -> LocalViews:
        rf = receptive_field(cfg)
        if rf is None:
            raise UsageError("local views need a local-attention model with clipped/relative "
                             "positions only")
        return cls(rf[0], rf[1], base)

    def codes(self, canvas: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
        """The view code of each of ``positions`` (default: every position) of ``canvas``."""
        x = np.asarray(canvas, dtype=np.int64)
        r = self.radius
        padded = np.concatenate([np.full(r, self.base), x, np.full(r, self.base)])
        pos = np.arange(len(x)) if positions is None else np.asarray(positions, dtype=np.int64)
        win = padded[pos[:, None] + np.arange(self.width)[None, :]]
        return np.minimum(pos, self.front) * self.span + win @ self._w

    def add(self, canvas: np.ndarray, positions: np.ndarray | None = None) -> None:
        self.seen[self.codes(canvas, positions)] = True

    def add_far(self, far_seen: np.ndarray) -> None:
        """Add far views (``i >= clip + R``, no edge in the window) given as a bitmap over the
        table evaluator's window codes ``sum_k w[k] base**k``."""
        idx = np.flatnonzero(far_seen)
        digits = (idx[:, None] // self.base ** np.arange(self.width)[None, :]) % self.base
        self.seen[self.front * self.span + digits @ self._w] = True

    def keys(self) -> np.ndarray:
        return np.flatnonzero(self.seen)

    def __len__(self) -> int:
        return int(self.seen.sum())


def coverage(test: LocalViews, train: LocalViews) -> dict:
    """How many of the views met at test time occur in training (``missing`` = the others)."""
    if (test.radius, test.clip, test.base) != (train.radius, train.clip, train.base):
        raise UsageError("views of different receptive fields cannot be compared")
    met = test.seen
    covered = met & train.seen
    return {"views": int(met.sum()), "in_training": int(covered.sum()),
            "missing": int((met & ~train.seen).sum()), "radius": test.radius,
            "clip": test.clip}


def dataset_views(tokens: np.ndarray, lengths: np.ndarray, views: LocalViews) -> LocalViews:
    """Add the view of every position of every (unpadded) training canvas; returns ``views``."""
    for row, n in zip(tokens, lengths, strict=True):
        views.add(row[: int(n)])
    return views
