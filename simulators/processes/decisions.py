"""What policies return: one decision per decoding step (docs/processes.md, docs/interfaces.md).

* ARM policies return a plain ``int`` (the next token id).
* MDM policies return :class:`MDMDecision`.
* AP-MDM policies return :class:`APMDMDecision`.

A policy is any callable ``policy(canvas, rng) -> decision``; the canvas it receives is read-only
and ``rng`` is the engine's ``numpy.random.Generator`` (the only randomness a policy may use).
A policy may also define ``serial_cost(length) -> int`` (Theorem 2 accounting, see engines).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulators.errors import RuntimeFault


@dataclass(frozen=True, eq=False)
class MDMDecision:
    """A token for every position; ``fill`` (PolicyChosen) or ``confidence`` (TopK/Threshold)
    says which masked positions to fill now."""

    tokens: np.ndarray
    fill: np.ndarray | None = None
    confidence: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class APMDMDecision:
    """Per position: a candidate token ``y`` and the control bits of Algorithm 1."""

    y: np.ndarray
    remask: np.ndarray
    insert: np.ndarray
    delete: np.ndarray


Policy = Callable[[np.ndarray, np.random.Generator], Any]
"""``policy(canvas, rng) -> decision`` (int for ARM, MDMDecision, APMDMDecision)."""


class InvalidDecision(RuntimeFault):
    """A policy's decision breaks the process's rules. Engines turn it into an ``INVALID`` halt
    with this message; it only escapes when a fill rule is called directly."""
