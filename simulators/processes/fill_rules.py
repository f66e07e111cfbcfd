"""Which masked positions an MDM step fills (docs/paper.md §1.2: policy-chosen, top-k confidence,
confidence threshold, random-k, leftmost-k; leftmost-1 is the Masked-ARM of Theorem 3).

A rule maps ``(decision, is_mask, rng)`` to a bool array of positions to fill. Every rule returns
a non-empty subset of the masked positions (or raises :class:`InvalidDecision`), which is what
makes an MDM halt within ``S`` steps (Theorem 2). All rules are vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.errors import ProjectError, UsageError
from simulators.processes.decisions import InvalidDecision, MDMDecision
from simulators.processes.transition import as_bit_array


class FillRule:
    """Base class: ``select(decision, is_mask, rng) -> bool[S]`` (non-empty, only masks)."""

    def select(self, decision: MDMDecision, is_mask: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


def _check_k(k: int, rule: str) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise UsageError(f"{rule} needs an integer k >= 1, got {k!r}")
    return int(k)


def _confidence(decision: MDMDecision, is_mask: np.ndarray, rule: str) -> np.ndarray:
    if decision.confidence is None:
        raise InvalidDecision(f"{rule} needs MDMDecision.confidence, the policy gave None")
    conf = np.asarray(decision.confidence)
    if conf.shape != is_mask.shape or conf.dtype.kind not in "fiu":
        raise InvalidDecision(f"confidence must be a numeric array of shape {is_mask.shape}, "
                              f"got {conf.dtype} {conf.shape}")
    conf = conf.astype(np.float64)
    if np.isnan(conf[is_mask]).any():
        raise InvalidDecision("confidence is NaN at a masked position")
    return conf


def _most_confident(conf: np.ndarray, is_mask: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` masked positions of highest confidence; ties go to the leftmost (stable sort),
    so the choice is deterministic."""
    candidates = np.flatnonzero(is_mask)
    out = np.zeros(is_mask.shape, dtype=np.bool_)
    if k >= candidates.size:
        out[candidates] = True
        return out
    c = conf[candidates]
    kth = np.partition(c, c.size - k)[c.size - k]  # the k-th largest value: O(S), no sort
    chosen = c > kth
    ties = np.flatnonzero(c == kth)[: k - int(chosen.sum())]
    chosen[ties] = True
    out[candidates[chosen]] = True
    return out


@dataclass(frozen=True)
class PolicyChosen(FillRule):
    """Fill exactly ``decision.fill`` -- what the explicit constructions use."""

    def select(self, decision: MDMDecision, is_mask: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
        if decision.fill is None:
            raise InvalidDecision("PolicyChosen needs MDMDecision.fill, the policy gave None")
        try:
            fill = as_bit_array(decision.fill, "fill")
        except ProjectError as err:  # a bad dtype/shape is the policy's fault, not the caller's
            raise InvalidDecision(err.message) from None
        if fill.shape != is_mask.shape:
            raise InvalidDecision(f"fill has shape {fill.shape}, the canvas {is_mask.shape}")
        return fill


@dataclass(frozen=True)
class TopK(FillRule):
    """Fill the ``k`` most confident masked positions (fewer if fewer masks remain)."""

    k: int = 1

    def __post_init__(self) -> None:
        _check_k(self.k, "TopK")

    def select(self, decision: MDMDecision, is_mask: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
        return _most_confident(_confidence(decision, is_mask, "TopK"), is_mask, self.k)


@dataclass(frozen=True)
class Threshold(FillRule):
    """Fill every masked position with ``confidence >= tau``; if there is none, fill the single
    most confident one -- so every step makes progress and the MDM still halts within S steps."""

    tau: float = 0.9

    def __post_init__(self) -> None:
        if not np.isfinite(self.tau):
            raise UsageError(f"Threshold needs a finite tau, got {self.tau!r}")

    def select(self, decision: MDMDecision, is_mask: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
        conf = _confidence(decision, is_mask, "Threshold")
        out = is_mask & (conf >= self.tau)
        return out if out.any() else _most_confident(conf, is_mask, 1)


@dataclass(frozen=True)
class RandomK(FillRule):
    """Fill ``k`` masked positions drawn uniformly without replacement with the engine's rng."""

    k: int = 1

    def __post_init__(self) -> None:
        _check_k(self.k, "RandomK")

    def select(self, decision: MDMDecision, is_mask: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
        candidates = np.flatnonzero(is_mask)
        out = np.zeros(is_mask.shape, dtype=np.bool_)
        take = min(self.k, candidates.size)
        out[rng.choice(candidates, size=take, replace=False)] = True
        return out


@dataclass(frozen=True)
class LeftmostK(FillRule):
    """Fill the ``k`` leftmost masked positions; ``LeftmostK(1)`` is the Masked-ARM."""

    k: int = 1

    def __post_init__(self) -> None:
        _check_k(self.k, "LeftmostK")

    def select(self, decision: MDMDecision, is_mask: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
        out = np.zeros(is_mask.shape, dtype=np.bool_)
        out[np.flatnonzero(is_mask)[: self.k]] = True
        return out
