"""Adapters: an encoder program as a policy for the MDM and AP-MDM engines.

A construction's per-step network ``f`` is a :class:`Program`; its named outputs say which
sequence is the token prediction, the fill decision (MDM) or the three control bits (AP-MDM).
The returned policy objects are callables ``policy(canvas, rng)`` as the engines expect, and
implement ``serial_cost(length)`` so the engines can account the serial simulation cost of
Theorem 2 (O(L^2) per step).

Stochastic programs (with :func:`random_uniform` sources) draw those inputs from the engine's
``rng`` at every step -- the sampling of a stochastic transformer's output distribution, moved to
the input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.encoder.program import Program
from simulators.errors import EncoderProgramError


def _require_outputs(prog: Program, names: dict[str, str | None], bools: set[str]) -> None:
    if not isinstance(prog, Program):
        raise EncoderProgramError(f"expected a Program, got {type(prog).__name__}")
    for role, name in names.items():
        if name is None:
            continue
        if name not in prog.outputs:
            raise EncoderProgramError(
                f"program {prog.name!r} has no output {name!r} for the {role}; "
                f"outputs: {sorted(prog.outputs)}")
        if role in bools and not prog.range(name).is_bool:
            raise EncoderProgramError(
                f"output {name!r} (the {role}) must be boolean, has range {prog.range(name)}")


@dataclass(frozen=True)
class MDMProgramPolicy:
    """``policy(canvas, rng) -> MDMDecision`` from a program's outputs."""

    program: Program
    token: str = "token"
    fill: str | None = "fill"
    confidence: str | None = None
    path: str = "fast"

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None):
        from simulators.processes import MDMDecision

        out = self.program.evaluate(canvas, path=self.path, rng=rng)
        fill = None if self.fill is None else out[self.fill].astype(bool)
        conf = None if self.confidence is None else out[self.confidence].astype(np.float64)
        return MDMDecision(tokens=out[self.token], fill=fill, confidence=conf)

    def serial_cost(self, length: int) -> int:
        return self.program.serial_cost(length)


@dataclass(frozen=True)
class APMDMProgramPolicy:
    """``policy(canvas, rng) -> APMDMDecision`` from a program's outputs."""

    program: Program
    y: str = "y"
    remask: str = "remask"
    insert: str = "insert"
    delete: str = "delete"
    path: str = "fast"

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None):
        from simulators.processes import APMDMDecision

        out = self.program.evaluate(canvas, path=self.path, rng=rng)
        return APMDMDecision(y=out[self.y], remask=out[self.remask].astype(bool),
                             insert=out[self.insert].astype(bool),
                             delete=out[self.delete].astype(bool))

    def serial_cost(self, length: int) -> int:
        return self.program.serial_cost(length)


def mdm_policy(prog: Program, token: str = "token", fill: str | None = "fill",
               confidence: str | None = None, *, path: str = "fast") -> MDMProgramPolicy:
    """An MDM policy: ``token`` output = predicted token per position, ``fill`` (boolean) = which
    masked positions to fill now (PolicyChosen rule), ``confidence`` = scores for TopK/Threshold."""
    _require_outputs(prog, {"token prediction": token, "fill decision": fill,
                            "confidence": confidence}, {"fill decision"})
    return MDMProgramPolicy(prog, token, fill, confidence, path)


def apmdm_policy(prog: Program, y: str = "y", remask: str = "remask", insert: str = "insert",
                 delete: str = "delete", *, path: str = "fast") -> APMDMProgramPolicy:
    """An AP-MDM policy: ``y`` = candidate token; ``remask``, ``insert``, ``delete`` = the
    control bits of Algorithm 1."""
    _require_outputs(prog, {"candidate token y": y, "remask bit": remask, "insert bit": insert,
                            "delete bit": delete}, {"remask bit", "insert bit", "delete bit"})
    return APMDMProgramPolicy(prog, y, remask, insert, delete, path)
