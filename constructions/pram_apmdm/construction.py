"""Theorem 4 through the shared :class:`~constructions.interface.Construction` interface.

:class:`Theorem4` wraps the built construction of :mod:`.simulate`: the step program is the
network that runs (fast/dense: the interpreter; weights: the program compiled to torch), the
fault head stops a run with the machine's kind of error, ``decode_state`` reads a canvas between
two PRAM steps back as the machine's state, and ``run`` reports what the run measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np

from constructions.backends import check_backend, compile_weights, network_report
from constructions.interface import RunReport
from constructions.pram_apmdm.layout import MODE_DONE, decode
from constructions.pram_apmdm.simulate import (
    APMDMRun,
    Construction,
    build,
    initial_canvas,
    policy_for,
    run_built,
)
from constructions.pram_state import active_processors, pram_state
from simulators.encoder import Program
from simulators.errors import UsageError
from simulators.pram import bind
from simulators.pram.isa import CompiledProgram
from simulators.processes import APMDMDecision, IntVocab

#: Decoding steps a run may take unless ``max_steps`` says otherwise (the declared T(n) still
#: applies: 2 T(n) + 2). A program declaring ``time 10^9`` and looping forever stops here.
DEFAULT_MAX_DECODING_STEPS = 20_000


@dataclass
class _CountingPolicy:
    """Wraps the engine policy to measure the processors in use: every even call sees the
    canvas between two PRAM steps (2 decoding steps per PRAM step), decoded like the lock-step
    check decodes it."""

    inner: Any
    built: Construction
    calls: int = 0
    most: int = 1

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None
                 ) -> APMDMDecision:
        if self.calls % 2 == 0:
            self.most = max(self.most, active_processors(decode(self.built.layout, canvas).mode))
        self.calls += 1
        return self.inner(canvas, rng)

    def serial_cost(self, length: int) -> int:
        return int(self.inner.serial_cost(length))


@dataclass
class Theorem4:
    """The Theorem 4 AP-MDM of one PRAM program at one input size."""

    built: Construction
    name: str = "theorem4"
    last_result: APMDMRun | None = field(default=None, repr=False)

    @classmethod
    def build(cls, prog: CompiledProgram, inputs: Mapping[str, Sequence[int] | np.ndarray],
              params: Mapping[str, int] | None = None, **options: Any) -> Theorem4:
        """:func:`constructions.pram_apmdm.simulate.build` wrapped."""
        return cls(build(prog, inputs, params, **options))

    @property
    def vocab(self) -> IntVocab:
        return self.built.layout.vocab()

    @property
    def program(self) -> Program:
        return self.built.step.program

    def initial_canvas(self) -> np.ndarray:
        return self.built.initial.copy()

    def policy(self, mode: str = "fast", **kw: Any) -> Any:
        """``fast`` / ``dense``: the step program through the interpreter's sort-based / O(L^2)
        attention; ``weights``: its compiled network (``device=``). All stop on a fault."""
        if mode in ("fast", "dense"):
            return policy_for(self.built, path=mode)
        if mode == "weights":
            net = compile_weights(self.program, device=kw.get("device", "cpu"))
            return policy_for(self.built, network=net)
        raise UsageError(f"unknown policy mode {mode!r}; use fast, dense or weights")

    @staticmethod
    def pram_step_after(decoding_steps: int) -> int | None:
        """The PRAM step whose end state the canvas after ``decoding_steps`` steps holds (two
        decoding steps per PRAM step); None mid-step."""
        return decoding_steps // 2 if decoding_steps % 2 == 0 else None

    def decode_state(self, canvas: np.ndarray) -> dict[str, Any]:
        """The machine's state a canvas between two PRAM steps encodes (:func:`pram_state`;
        which step it is follows from the decoding steps: :meth:`pram_step_after`)."""
        st = decode(self.built.layout, np.asarray(canvas, dtype=np.int64))
        state = pram_state(0, st.mode, st.pc, st.regs, st.memory, halted_modes=(MODE_DONE,))
        del state["step"]  # not written on the canvas (the clock keeps only its parity)
        return state

    def run(self, *, max_steps: int | None = DEFAULT_MAX_DECODING_STEPS,
            record_canvases: bool = False, rng: np.random.Generator | None = None,
            backend: str = "interpreter", device: str = "cpu", mode: str = "fast") -> RunReport:
        """Run to the fixed point (exit-3 errors on a fault, a T(n) overrun or the step limit)."""
        check_backend(backend, device)
        compiled = compile_weights(self.program, device=device) if backend == "weights" else None
        inner = (policy_for(self.built, network=compiled) if compiled is not None
                 else self.policy(mode))
        return self._run_policy(inner, backend, compiled, max_steps=max_steps,
                                record_canvases=record_canvases)

    def _run_policy(self, inner: Any, backend: str, compiled: Any | None, *,
                    max_steps: int | None, record_canvases: bool) -> RunReport:
        """One run with the engine policy ``inner`` (:meth:`run`; each run of
        :meth:`run_batch`)."""
        counting = _CountingPolicy(inner, self.built)
        res = run_built(self.built, trace=record_canvases, max_steps=max_steps, policy=counting)
        self.last_result = res
        extra = {"pram_steps": res.pram_steps, "time_bound": self.built.binding.time_bound,
                 "processors_declared": self.built.layout.processors,
                 "processors_used": counting.most, "memory_cells": res.memory_cells,
                 "operations": res.operations,
                 "value_bits": self.built.layout.value_bits}
        return RunReport.from_trace(self.name, backend, res.trace, res.output,
                                    network_report(self.program, compiled), extra)

    @classmethod
    def run_batch(cls, prog: CompiledProgram,
                  inputs_list: Sequence[Mapping[str, Sequence[int] | np.ndarray]],
                  params: Mapping[str, int] | None = None, *,
                  max_steps: int | None = DEFAULT_MAX_DECODING_STEPS,
                  record_canvases: bool = False, device: str = "cpu",
                  **options: Any) -> list[RunReport]:
        """Independent runs of ``prog`` on each of ``inputs_list`` at weight level, in lock step
        (:mod:`simulators.weights.batch`): every input must bind the same sizes, so the runs
        share one step program and compiled network; each decoding step is one dense forward
        per canvas length over all runs still going. Each report is the one :meth:`run` gives
        for that input alone; a run that fails raises its error (the first failing input's)
        once every run has ended."""
        from constructions.backends import require_same_sizes, run_weights_batch

        if not inputs_list:
            raise UsageError("a batch needs at least one input")
        first = cls.build(prog, inputs_list[0], params, **options)
        ref = first.built.binding
        runs = [first]
        for i, inputs in enumerate(inputs_list[1:], start=1):
            b = bind(prog, inputs, params)
            require_same_sizes(i, b, ref)
            initial = initial_canvas(prog, first.built.layout, b)  # exit 2 on a bad value
            runs.append(cls(replace(first.built, binding=b, initial=initial)))
        return run_weights_batch(
            first.program, [partial(_weights_job, thm, max_steps=max_steps,
                                    record_canvases=record_canvases) for thm in runs],
            device=device, length=first.built.max_length, sparse=False)


def _weights_job(thm: Theorem4, network: Any, compiled: Any, *, max_steps: int | None,
                 record_canvases: bool) -> RunReport:
    """One run of a batch: ``network`` is its lock-step stand-in, ``compiled`` the network."""
    return thm._run_policy(policy_for(thm.built, network=network), "weights", compiled,
                           max_steps=max_steps, record_canvases=record_canvases)
