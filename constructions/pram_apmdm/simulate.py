"""Build the Theorem 4 AP-MDM for a program and inputs, run it with the shared engine, read it out.

``run(prog, inputs)`` is the whole pipeline: bind the inputs (the PRAM package's binding: sizes,
array bases, initial memory), lay out the initial canvas (:mod:`.layout`), build the per-step
encoder program (:mod:`.step_program`), and hand it to ``simulators.processes.run_apmdm`` -- the
one implementation of Algorithm 1's ``g`` -- through ``simulators.encoder.apmdm_policy``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from constructions.pram_apmdm.faults import fault_error
from constructions.pram_apmdm.layout import (
    MAX_VALUE_BITS,
    MODE_DONE,
    DecodedState,
    Layout,
    decode,
)
from constructions.pram_apmdm.step_program import StepProgram, build_step_program
from simulators.encoder import APMDMProgramPolicy, apmdm_policy
from simulators.errors import (
    BoundExceeded,
    FaultKind,
    FaultRecord,
    InternalError,
    LimitExceeded,
    RuntimeFault,
    SourceLocation,
    UsageError,
)
from simulators.pram import Binding, CompiledProgram, bind
from simulators.processes import APMDMDecision, HaltReason, Policy, Trace, run_apmdm

#: Canvases up to this length are evaluated on the encoder's dense attention path.
DENSE_MAX_LENGTH = 128

#: Canvases larger than this are refused before anything is built (explicit, overridable).
DEFAULT_MAX_CANVAS = 1 << 20


@dataclass(frozen=True)
class Construction:
    """Everything fixed before decoding starts."""

    program: CompiledProgram
    binding: Binding
    layout: Layout
    step: StepProgram
    initial: np.ndarray
    max_length: int


@dataclass(frozen=True)
class APMDMRun:
    """The result of one simulation (``to_json`` gives the CLI's ``--json`` object)."""

    output: dict[str, list[int]]
    decoding_steps: int
    max_context_length: int
    initial_context_length: int
    pram_steps: int
    memory_cells: int
    processors: int
    depth: int
    width_bits: int
    operations: dict[str, int]
    halt: str
    construction: Construction = field(repr=False)
    trace: Trace = field(repr=False)
    states: list[DecodedState] | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"output": self.output, "decoding_steps": self.decoding_steps,
                "max_context_length": self.max_context_length,
                "initial_context_length": self.initial_context_length,
                "pram_steps": self.pram_steps, "memory_cells": self.memory_cells,
                "processors": self.processors, "depth": self.depth,
                "width_bits": self.width_bits, "operations": self.operations,
                "halt": self.halt, "value_bits": self.construction.layout.value_bits}


def _value_bits(prog: CompiledProgram, value_bits: int | None) -> int:
    """Token value width: 26 bits by default, whatever the word (a narrower word is enforced by
    the overflow check, not by the token: control tokens hold 4*pc + mode, which may need more
    bits than the program's word)."""
    return MAX_VALUE_BITS if value_bits is None else int(value_bits)


def build(prog: CompiledProgram, inputs: Mapping[str, Sequence[int] | np.ndarray],
          params: Mapping[str, int] | None = None, *, value_bits: int | None = None,
          max_canvas: int = DEFAULT_MAX_CANVAS) -> Construction:
    """Fix the layout, the initial canvas and the per-step program for these inputs."""
    b = bind(prog, inputs, params)
    vb = _value_bits(prog, value_bits)
    layout = Layout(processors=b.processors_bound, registers=prog.n_registers,
                    memory_size=b.memory_size, value_bits=vb)
    hi = layout.vmax
    if 4 * len(prog.instructions) + 3 > hi:
        raise LimitExceeded(f"{vb}-bit token values cannot hold the program counter of a "
                            f"{len(prog.instructions)}-instruction program")
    initial = initial_canvas(prog, layout, b)
    # Largest canvas: every record and every cell, each followed by a scratch mask.
    max_length = 2 * (1 + b.processors_bound * layout.record + b.memory_size)
    if max_length > max_canvas:
        raise LimitExceeded(f"the canvas could reach {max_length} positions > max_canvas = "
                            f"{max_canvas}")
    step = build_step_program(prog, layout, b.base, b.size, max_length=max_length)
    return Construction(prog, b, layout, step, initial, max_length)


def initial_canvas(prog: CompiledProgram, layout: Layout, b: Binding) -> np.ndarray:
    """The initial canvas of the inputs ``b`` binds (their cells, at their addresses); the
    step program does not depend on the values, only on the sizes (a batch of runs shares it:
    :meth:`~constructions.pram_apmdm.construction.Theorem4.run_batch`)."""
    lo, hi = layout.vmin, layout.vmax
    if b.initial_memory.size and (b.initial_memory.min() < lo or b.initial_memory.max() > hi):
        # As the machine refuses an input outside the word (a usage error, exit 2).
        raise UsageError(f"an input value does not fit the construction's "
                         f"{layout.value_bits}-bit token values ({lo}..{hi}); pass a larger "
                         f"value_bits (max {MAX_VALUE_BITS})")
    in_addr = [np.arange(b.base[a.name], b.base[a.name] + b.size[a.name])
               for a in prog.arrays if a.role in ("input", "inout")]
    addresses = np.concatenate(in_addr) if in_addr else np.zeros(0, dtype=np.int64)
    return layout.initial_canvas(b.initial_memory, np.unique(addresses))


class _FaultCheckingPolicy(APMDMProgramPolicy):
    """The adapter's policy, plus the fault head: a faulting step stops the run with the error
    the PRAM machine would raise (the network's ``fault`` output names the kind)."""

    construction: Construction

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None,
                 ) -> APMDMDecision:
        out = self.outputs(canvas, rng)
        calls = self.__dict__["_calls"] = self.__dict__.get("_calls", 0) + 1
        fault = out["fault"]
        if fault.any():
            # Faults show in the even phase of a PRAM step: call 2t-1 simulates step t.
            raise _fault_error(self.construction, canvas, fault, (calls + 1) // 2)
        return APMDMDecision(y=out[self.y], remask=out[self.remask].astype(bool),
                             insert=out[self.insert].astype(bool),
                             delete=out[self.delete].astype(bool))

    def outputs(self, canvas: np.ndarray, rng: np.random.Generator | None = None
                ) -> dict[str, np.ndarray]:
        """The step program's outputs on ``canvas`` (every position: an AP-MDM step may
        change any token). Both attention paths compute the same function (the encoder's
        contract); on short canvases the dense O(L^2) one has less per-call overhead."""
        path = "dense" if canvas.shape[0] <= DENSE_MAX_LENGTH else self.path
        return self.program.evaluate(canvas, path=path, rng=rng)

    def serial_cost(self, length: int) -> int:
        """Theorem 2 accounting, memoised per canvas length (it depends on nothing else)."""
        memo = self.__dict__.setdefault("_cost_memo", {})
        if length not in memo:
            memo[length] = self.program.serial_cost(length)
        return memo[length]


def _fault_error(c: Construction, canvas: np.ndarray, fault: np.ndarray,
                 step: int) -> RuntimeFault:
    return fault_error(c.program, c.layout, canvas, fault, step, c.step.word_lo, c.step.word_hi,
                       c.binding.base, c.binding.size)


class _WeightsFaultCheckingPolicy(_FaultCheckingPolicy):
    """The same policy with the step program's outputs computed by its compiled network."""

    network: Any

    def outputs(self, canvas: np.ndarray, rng: np.random.Generator | None = None
                ) -> dict[str, np.ndarray]:
        return self.network.evaluate(np.asarray(canvas, dtype=np.int64), rng)


def policy_for(c: Construction, *, path: str = "fast",
               network: Any | None = None) -> _FaultCheckingPolicy:
    """The construction's engine policy: the step program through the interpreter (``path``
    "fast" or "dense"), or its compiled torch ``network`` (:mod:`constructions.backends`)."""
    base = apmdm_policy(c.step.program, path=path)  # validates the output names and bits
    cls = _FaultCheckingPolicy if network is None else _WeightsFaultCheckingPolicy
    pol = cls(base.program, base.y, base.remask, base.insert, base.delete, base.path)
    object.__setattr__(pol, "construction", c)
    if network is not None:
        object.__setattr__(pol, "network", network)
    return pol


def run(prog: CompiledProgram, inputs: Mapping[str, Sequence[int] | np.ndarray],
        params: Mapping[str, int] | None = None, *, trace: bool = False,
        value_bits: int | None = None, max_canvas: int = DEFAULT_MAX_CANVAS,
        max_steps: int | None = None) -> APMDMRun:
    """Simulate ``prog`` on ``inputs`` with the Theorem 4 AP-MDM.

    ``trace=True`` records every canvas and decodes the PRAM state after each simulated step
    into ``states`` (``states[t]`` = after ``t`` PRAM steps), for the lock-step check.
    Raises the PRAM machine's kinds of faults, and BoundExceeded when the program runs past
    its declared time bound T(n) (the AP-MDM is given 2*T(n) + 2 steps). ``max_steps`` (decoding
    steps) stops a run earlier with :class:`LimitExceeded`.
    """
    c = build(prog, inputs, params, value_bits=value_bits, max_canvas=max_canvas)
    return run_built(c, trace=trace, max_steps=max_steps)


def run_built(c: Construction, *, trace: bool = False, max_steps: int | None = None,
              policy: Policy | None = None) -> APMDMRun:
    """Run an already built construction (``policy``: default :func:`policy_for`)."""
    prog, layout = c.program, c.layout
    bound = 2 * c.binding.time_bound + 2
    limit = bound if max_steps is None else min(int(max_steps), bound)
    tr = run_apmdm(policy_for(c) if policy is None else policy, c.initial, layout.vocab(),
                   max_steps=limit, max_length=c.max_length, halt_on_eos=False,
                   record_canvases=trace)
    if tr.halt == HaltReason.STEP_LIMIT and limit < bound:
        raise LimitExceeded(f"the Theorem 4 AP-MDM was stopped after {tr.num_steps} decoding "
                            f"steps (the step limit, --max-steps {limit}) without reaching its "
                            f"fixed point; the declared T(n) = {c.binding.time_bound} allows "
                            f"{bound}", SourceLocation(prog.file))
    if tr.halt == HaltReason.STEP_LIMIT:
        msg = (f"declared time bound T = {c.binding.time_bound} exceeded at {c.binding.sizes} "
               f"(the AP-MDM has not reached its fixed point after {tr.num_steps} steps)")
        raise BoundExceeded(msg, SourceLocation(prog.file),
                            FaultRecord(FaultKind.TIME, c.binding.time_bound + 1, message=msg))
    if tr.halt != HaltReason.FIXED_POINT:
        # The canvas bound covers every record and cell: any other stop is a construction bug.
        raise InternalError(f"the Theorem 4 AP-MDM stopped with {tr.halt.value}: {tr.message}",
                            SourceLocation(prog.file))
    final = decode(layout, tr.final)
    b = c.binding
    output = {a.name: final.memory[b.base[a.name]: b.base[a.name] + b.size[a.name]].tolist()
              for a in prog.arrays if a.role in ("output", "inout")}
    ops = {"unmask": sum(s.filled for s in tr.steps), "remask": sum(s.remasked for s in tr.steps),
           "insert": sum(s.inserted for s in tr.steps), "delete": sum(s.deleted for s in tr.steps)}
    # Every simulated PRAM step flips the clock, so exactly the odd-phase steps unmask tokens.
    pram_steps = sum(1 for s in tr.steps if s.filled > 0)
    states = None
    if trace:
        states = [decode(layout, cv) for cv in tr.canvases[0:2 * pram_steps + 1:2]]
    cost = c.step.program.cost()
    return APMDMRun(output=output, decoding_steps=tr.num_steps, max_context_length=tr.peak_length,
                    initial_context_length=int(c.initial.size), pram_steps=pram_steps,
                    memory_cells=final.cells, processors=layout.processors, depth=cost.depth,
                    width_bits=cost.width_bits, operations=ops, halt=tr.halt.value,
                    construction=c, trace=tr, states=states)


def machine_mode(mode: np.ndarray) -> np.ndarray:
    """Our modes as the PRAM machine's trace shows them (a halted processor 0 is RUN there)."""
    from simulators.pram import MODE_RUN

    return np.where(mode == MODE_DONE, MODE_RUN, mode)
