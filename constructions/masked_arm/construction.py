"""Theorem 3 through the shared :class:`~constructions.interface.Construction` interface.

:class:`Theorem3` is the Masked-ARM built around one MDM program for one initial MDM canvas
(:func:`~constructions.masked_arm.program.build_masked_arm`). Its reference is the MDM it
simulates: ``decode_state`` rebuilds the MDM canvas from the log (the invariant of the proof,
docs/theorem3.md) -- or, when the wrapped MDM is itself a construction (``inner``, e.g. the
Theorem 1 MDM filling one token per step), that construction's decoded state of the rebuilt
canvas, so the lock-step check can drive a Masked-ARM against the PRAM machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from constructions.backends import (
    WeightsMDMPolicy,
    check_backend,
    compile_weights,
    network_report,
)
from constructions.interface import Construction, RunReport
from constructions.masked_arm.program import MaskedArm, build_masked_arm
from constructions.masked_arm.vocab import TaggedVocab
from simulators.encoder import Program
from simulators.errors import LimitExceeded, UsageError
from simulators.processes import BaseVocab, HaltReason, run_masked_arm


@dataclass
class Theorem3:
    """The Masked-ARM of one MDM program on one initial MDM canvas ``x0``."""

    machine: MaskedArm
    x0: np.ndarray
    inner: Construction | None = None
    name: str = "theorem3"

    @classmethod
    def wrap(cls, mdm_program: Program, mdm_vocab: BaseVocab, x0: np.ndarray, *,
             inner: Construction | None = None, **options: Any) -> Theorem3:
        """Build the wrapper (``options``: ``token``, ``fill``, ``readout``)."""
        x0 = np.asarray(x0, dtype=np.int64)
        return cls(build_masked_arm(mdm_program, mdm_vocab, len(x0), **options), x0, inner)

    @classmethod
    def of(cls, inner: Construction, **options: Any) -> Theorem3:
        """The Masked-ARM of another construction's MDM (its program, vocabulary, canvas)."""
        return cls.wrap(inner.program, inner.vocab, inner.initial_canvas(), inner=inner,
                        **options)

    @property
    def vocab(self) -> TaggedVocab:
        return self.machine.vocab

    @property
    def program(self) -> Program:
        return self.machine.program

    def initial_canvas(self) -> np.ndarray:
        return self.machine.layout.initial_canvas(self.x0)

    def policy(self, mode: str = "fast", **kw: Any) -> Any:
        """``fast`` / ``dense``: the interpreter's attention paths; ``weights``: compiled."""
        if mode in ("fast", "dense"):
            return self.machine.policy(path=mode)
        if mode == "weights":
            net = compile_weights(self.program, device=kw.get("device", "cpu"))
            return WeightsMDMPolicy(net, self.program)
        raise UsageError(f"unknown policy mode {mode!r}; use fast, dense or weights")

    def decode_state(self, canvas: np.ndarray) -> Any:
        """The MDM canvas the log rebuilds (as a list), or ``inner``'s state of it."""
        mdm_canvas = self.machine.layout.rebuild(np.asarray(canvas, dtype=np.int64))
        if self.inner is not None:
            return self.inner.decode_state(mdm_canvas)
        return mdm_canvas.tolist()

    def run(self, *, max_steps: int | None = None, record_canvases: bool = False,
            rng: np.random.Generator | None = None, backend: str = "interpreter",
            device: str = "cpu", mode: str = "fast") -> RunReport:
        """Decode leftmost-first, one token per step, until no mask is left."""
        check_backend(backend, device)
        pol = self.policy("weights" if backend == "weights" else mode, device=device)
        trace = run_masked_arm(pol, self.initial_canvas(), self.vocab, rng=rng,
                               max_steps=max_steps, record_canvases=record_canvases)
        if trace.halt is not HaltReason.NO_MASKS:
            raise LimitExceeded(f"the Masked-ARM stopped with {trace.halt.value} after "
                                f"{trace.num_steps} decoding steps: {trace.message}")
        final = self.machine.layout.final_mdm_canvas(trace.final)
        wrapped, wrapper = self.machine.costs()
        extra = {"mdm_context": int(self.x0.size),
                 "extra_context": int(trace.initial.shape[0]) - int(self.x0.size),
                 "mdm_depth": wrapped.depth, "extra_depth": wrapper.depth - wrapped.depth}
        return RunReport.from_trace(self.name, backend, trace, final.tolist(),
                                    network_report(self.program, getattr(pol, "network", None)),
                                    extra)
