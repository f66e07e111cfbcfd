"""Theorem 1 through the shared :class:`~constructions.interface.Construction` interface.

:class:`Theorem1` wraps the built :class:`~constructions.pram_mdm.build.PramMDM`: its encoder
program is the network that runs (fast policy: the restricted evaluation of that program; dense:
every position; weights: the same program compiled to torch), ``decode_state`` reads a canvas
back as the PRAM machine's state (docs/theorem1.md, "Lock-step"), and ``run`` reports what the
run measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np

from constructions.backends import (
    WeightsMDMPolicy,
    check_backend,
    compile_weights,
    network_report,
)
from constructions.interface import RunReport
from constructions.pram_mdm.build import PramMDM, build_pram_mdm
from constructions.pram_mdm.decode import decode_block, end_block
from constructions.pram_mdm.layout import MODE_HALTED, MODE_IDLE, MODE_RUN, NO_WRITE
from constructions.pram_mdm.simulate import MDMRunResult, run_built
from constructions.pram_state import pram_state
from simulators.encoder import Program
from simulators.errors import UsageError
from simulators.pram.isa import CompiledProgram
from simulators.processes import IntVocab


@dataclass
class Theorem1:
    """The Theorem-1 MDM of one PRAM program at one input size (see the module docstring)."""

    mdm: PramMDM
    name: str = "theorem1"
    last_result: MDMRunResult | None = field(default=None, repr=False)

    @classmethod
    def build(cls, prog: CompiledProgram, inputs: Mapping[str, Sequence[int] | np.ndarray],
              params: Mapping[str, int] | None = None, **options: Any) -> Theorem1:
        """``build_pram_mdm(prog, inputs, params, **options)`` wrapped."""
        return cls(build_pram_mdm(prog, inputs, params, **options))

    @property
    def vocab(self) -> IntVocab:
        return self.mdm.vocab

    @property
    def program(self) -> Program:
        return self.mdm.program

    def initial_canvas(self) -> np.ndarray:
        return self.mdm.initial_canvas()

    def policy(self, mode: str = "fast", **kw: Any) -> Any:
        """``fast``: the program at the fillable positions only; ``dense``: at every position;
        ``weights``: the compiled network (``device=``)."""
        if mode == "fast":
            return self.mdm.policy
        if mode == "dense":
            return self.mdm.dense_policy
        if mode == "weights":
            net = compile_weights(self.program, device=kw.get("device", "cpu"))
            return self._weights_policy(net)
        raise UsageError(f"unknown policy mode {mode!r}; use fast, dense or weights")

    def _weights_policy(self, net: Any) -> WeightsMDMPolicy:
        """The compiled network, queried at the fast policy's positions (the fillable block;
        keys and values over the whole canvas): the same decisions as at every position."""
        return WeightsMDMPolicy(net, self.program, positions=self.mdm.policy.positions,
                                mask_id=self.mdm.layout.mask_id)

    def decoded_steps(self, canvas: np.ndarray) -> int:
        """PRAM steps a canvas holds: complete blocks, up to the one recording HALT / a fault."""
        lay = self.mdm.layout
        canvas = np.asarray(canvas)
        blocks = canvas[lay.blocks_start: lay.out_start].reshape(lay.T, lay.PK)
        incomplete = np.flatnonzero((blocks == lay.mask_id).any(axis=1))
        t = int(incomplete[0]) if incomplete.size else lay.T
        end = end_block(lay, canvas) if t else None
        return min(t, end) if end is not None else t

    def decode_state(self, canvas: np.ndarray) -> dict[str, Any]:
        """The machine's state after the PRAM steps the canvas holds (:func:`pram_state`):
        block t's records, and the memory rebuilt from the input cells and blocks 1..t's
        writes. Before any block: processor 0 RUN at pc 0, registers 0."""
        lay = self.mdm.layout
        canvas = np.asarray(canvas, dtype=np.int64)
        t = self.decoded_steps(canvas)
        memory = np.zeros(lay.memory_size, dtype=np.int64)
        for seg in lay.inputs:
            memory[seg.base: seg.base + seg.size] = canvas[seg.start: seg.start + seg.size]
        for u in range(1, t + 1):
            blk = decode_block(lay, canvas, u)
            w = blk.write_address != NO_WRITE
            memory[blk.write_address[w]] = blk.write_value[w]
        if t == 0:
            mode = np.full(lay.P, MODE_IDLE, dtype=np.int64)
            mode[0] = MODE_RUN
            return pram_state(0, mode, np.zeros(lay.P, dtype=np.int64),
                              np.zeros((lay.P, lay.R), dtype=np.int64), memory)
        blk = decode_block(lay, canvas, t)
        return pram_state(t, blk.mode, blk.pc, blk.regs, memory, halted_modes=(MODE_HALTED,))

    def run(self, *, max_steps: int | None = None, record_canvases: bool = False,
            rng: np.random.Generator | None = None, backend: str = "interpreter",
            device: str = "cpu", mode: str = "fast") -> RunReport:
        """Decode to the end (exit-3 errors on a simulated fault, a T(n) overrun or the step
        limit) and report: ``extra`` holds the PRAM figures, each read off the final canvas.
        ``mode="dense"`` runs the interpreter on every position (the slow reference);
        ``last_result`` keeps the run's :class:`MDMRunResult` (for the CLI's ``--show``)."""
        check_backend(backend, device)
        compiled = compile_weights(self.program, device=device) if backend == "weights" else None
        policy = self.policy(mode) if compiled is None else self._weights_policy(compiled)
        return self._run_policy(policy, backend, compiled, max_steps=max_steps,
                                record_canvases=record_canvases)

    def _run_policy(self, policy: Any, backend: str, compiled: Any | None, *,
                    max_steps: int | None, record_canvases: bool) -> RunReport:
        """One run with ``policy`` (what :meth:`run` and each run of :meth:`run_batch` do)."""
        res = run_built(self.mdm, record_canvases=record_canvases, policy=policy,
                        max_steps=max_steps)
        self.last_result = res
        lay = self.mdm.layout
        extra = {"pram_steps": res.pram_steps, "time_bound": lay.T,
                 "processors_declared": lay.P, "processors_used": res.processors_used,
                 "record_tokens": lay.K}
        return RunReport.from_trace(self.name, backend, res.trace, res.output,
                                    network_report(self.program, compiled), extra)

    @classmethod
    def run_batch(cls, prog: CompiledProgram,
                  inputs_list: Sequence[Mapping[str, Sequence[int] | np.ndarray]],
                  params: Mapping[str, int] | None = None, *, max_steps: int | None = None,
                  record_canvases: bool = False, device: str = "cpu",
                  value_bits: int | None = None, **options: Any) -> list[RunReport]:
        """Independent runs of ``prog`` on each of ``inputs_list`` at weight level, in lock step
        (:mod:`simulators.weights.batch`): every input must bind the same sizes, so the runs
        share one step program, canvas length S and compiled network; each decoding step is
        one sparse evaluation of all runs still going. Each report is the one :meth:`run` gives
        for that input alone (``value_bits``, default: the widest any input needs,
        :func:`~constructions.value_width.weights_value_bits`). A run that fails raises its
        error (the first failing input's) once every run has ended."""
        from constructions.backends import require_same_sizes, run_weights_batch
        from constructions.value_width import weights_value_bits
        from simulators.pram import bind

        if not inputs_list:
            raise UsageError("a batch needs at least one input")
        if value_bits is None:  # one network for all: the widest width any run needs
            value_bits = max(weights_value_bits(prog, inputs, params) for inputs in inputs_list)
        first = cls.build(prog, inputs_list[0], params, value_bits=value_bits, **options)
        ref = first.mdm.binding
        runs = [first]
        for i, inputs in enumerate(inputs_list[1:], start=1):
            b = bind(prog, inputs, params)
            require_same_sizes(i, b, ref)
            first.mdm.initial_canvas(b)  # refuses values outside the token range (exit 2)
            runs.append(cls(replace(first.mdm, binding=b)))  # the same network objects
        return run_weights_batch(
            first.program, [partial(_weights_job, thm, max_steps=max_steps,
                                    record_canvases=record_canvases) for thm in runs],
            device=device, length=first.mdm.layout.S, sparse=True)


def _weights_job(thm: Theorem1, network: Any, compiled: Any, *, max_steps: int | None,
                 record_canvases: bool) -> RunReport:
    """One run of a batch: ``network`` is its lock-step stand-in, ``compiled`` the network."""
    return thm._run_policy(thm._weights_policy(network), "weights", compiled,
                           max_steps=max_steps, record_canvases=record_canvases)
