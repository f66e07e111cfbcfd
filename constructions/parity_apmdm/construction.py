"""Parity through the shared :class:`~constructions.interface.Construction` interface.

:class:`Parity` holds one input: its program is :func:`~.process.parity_program` sized for that
input, the fast policy evaluates it where it can act (:class:`~.process.ParityPolicy`), the dense
one at every position, and ``decode_state`` reads a canvas as the reference's view: the bits
still on it and the parity of their ones, which every step keeps (a step removes a 0 or a pair
of equal bits), so it is the answer from the first canvas on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from constructions.backends import (
    WeightsAPMDMPolicy,
    check_backend,
    compile_weights,
    network_report,
)
from constructions.interface import RunReport
from constructions.parity_apmdm.process import (
    BOS,
    MASK,
    ONE,
    PARITY_VOCAB,
    ParityPolicy,
    decode_parity,
    parity_canvas,
    parity_program,
    parity_steps_bound,
)
from simulators.encoder import Program, apmdm_policy
from simulators.errors import LimitExceeded, UsageError
from simulators.processes import HaltReason, Vocab, run_apmdm


@dataclass
class Parity:
    """The parity AP-MDM on one bit string."""

    bits: np.ndarray
    name: str = "parity"
    program: Program = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.bits = parity_canvas(self.bits)[1:]  # validates: bits only
        self.program = parity_program(max_length=int(self.bits.size) + 1)

    @classmethod
    def from_bits(cls, bits: Sequence[int] | np.ndarray) -> Parity:
        return cls(np.asarray(bits, dtype=np.int64))

    @property
    def vocab(self) -> Vocab:
        return PARITY_VOCAB

    def initial_canvas(self) -> np.ndarray:
        return parity_canvas(self.bits)

    def policy(self, mode: str = "fast", **kw: Any) -> Any:
        """``fast``: positions 1 and 2 only (:class:`ParityPolicy`); ``dense``: every position
        through the interpreter; ``weights``: the compiled network."""
        if mode == "fast":
            return ParityPolicy(self.program.max_length)
        if mode == "dense":
            return apmdm_policy(self.program)
        if mode == "weights":
            net = compile_weights(self.program, device=kw.get("device", "cpu"))
            return WeightsAPMDMPolicy(net, self.program)
        raise UsageError(f"unknown policy mode {mode!r}; use fast, dense or weights")

    def decode_state(self, canvas: np.ndarray) -> dict[str, Any]:
        """``{"bits", "masks", "parity"}``: bits left after BOS, masks, parity of the ones."""
        x = np.asarray(canvas, dtype=np.int64)
        body = x[1:] if x.size and x[0] == BOS else x
        return {"bits": int(np.count_nonzero(body != MASK)),
                "masks": int(np.count_nonzero(body == MASK)),
                "parity": int(np.count_nonzero(body == ONE) % 2)}

    def run(self, *, max_steps: int | None = None, record_canvases: bool = False,
            rng: np.random.Generator | None = None, backend: str = "interpreter",
            device: str = "cpu", mode: str = "fast") -> RunReport:
        """Run to the fixed point ``[BOS]`` / ``[BOS] 1`` (exit 3 if the limit comes first)."""
        check_backend(backend, device)
        pol = self.policy("weights" if backend == "weights" else mode, device=device)
        return self._run_policy(pol, backend, getattr(pol, "network", None),
                                max_steps=max_steps, record_canvases=record_canvases)

    def _run_policy(self, pol: Any, backend: str, compiled: Any | None, *,
                    max_steps: int | None, record_canvases: bool) -> RunReport:
        """One run with ``pol`` (:meth:`run`; each run of :meth:`run_batch`)."""
        n = int(self.bits.size)
        limit = parity_steps_bound(n) if max_steps is None else int(max_steps)
        trace = run_apmdm(pol, self.initial_canvas(), PARITY_VOCAB, max_steps=limit,
                          max_length=n + 1, record_canvases=record_canvases)
        if trace.halt is not HaltReason.FIXED_POINT:
            raise LimitExceeded(f"the parity AP-MDM stopped with {trace.halt.value} after "
                                f"{trace.num_steps} decoding steps, not at a fixed point")
        answer = decode_parity(trace.final)
        if answer is None:
            raise LimitExceeded("the parity AP-MDM reached a fixed point that is not [BOS] or "
                                f"[BOS] 1: {PARITY_VOCAB.render(trace.final)}")
        extra = {"n": n, "steps_bound": parity_steps_bound(n)}
        return RunReport.from_trace(self.name, backend, trace, answer,
                                    network_report(self.program, compiled), extra)

    @classmethod
    def run_batch(cls, bits_list: Sequence[Sequence[int] | np.ndarray], *,
                  max_steps: int | None = None, record_canvases: bool = False,
                  device: str = "cpu") -> list[RunReport]:
        """Parity of each bit string of one length ``n`` at weight level, in lock step
        (:mod:`simulators.weights.batch`): the program depends on ``n`` only, so the runs
        share one network; their canvases shrink apart (one dense forward per length per
        step). Each report is :meth:`run`'s for that string alone."""
        from constructions.backends import run_weights_batch

        runs = [cls.from_bits(bits) for bits in bits_list]
        if not runs:
            raise UsageError("a batch needs at least one bit string")
        lengths = sorted({int(r.bits.size) for r in runs})
        if len(lengths) > 1:
            raise UsageError(f"a batch runs one network: every bit string must have the same "
                             f"length (got lengths {lengths})")
        first = runs[0]
        for r in runs[1:]:
            r.program = first.program  # the same network objects: one compile
        return run_weights_batch(
            first.program, [partial(_weights_job, r, max_steps=max_steps,
                                    record_canvases=record_canvases) for r in runs],
            device=device, length=first.program.max_length, sparse=False)


def _weights_job(run: Parity, network: Any, compiled: Any, *, max_steps: int | None,
                 record_canvases: bool) -> RunReport:
    """One run of a batch: ``network`` is its lock-step stand-in, ``compiled`` the network."""
    return run._run_policy(WeightsAPMDMPolicy(network, run.program), "weights", compiled,
                           max_steps=max_steps, record_canvases=record_canvases)
