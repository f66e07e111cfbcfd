"""Assemble the Theorem-1 MDM for one PRAM program at one input size.

``build_pram_mdm(prog, inputs)`` binds the sizes (n, ...) from the inputs, lays out the canvas from
the declared P(n) and T(n) *before* decoding (so the context is fixed in advance, as an MDM's
must be), builds the per-step encoder program and wraps it as policies for the MDM engine:

* ``policy`` -- the fast policy: the same program evaluated only at the positions that can be
  filled this step (the encoder's restricted mode, ``program.evaluate(canvas, positions=...)``,
  :mod:`simulators.encoder.restricted`); what runs at scale.
* ``dense_policy`` -- the encoder language's own adapter (:func:`simulators.encoder.mdm_policy`),
  evaluating every position; the reference the fast policy is tested against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from constructions.pram_mdm.layout import (
    DEFAULT_MAX_CONTEXT,
    DEFAULT_VALUE_BITS,
    F_MODE,
    FAULT_BASE,
    FAULT_MAX,
    MODE_HALTED,
    Layout,
    make_layout,
)
from constructions.pram_mdm.memory import check_run_memory
from constructions.pram_mdm.program import StepNetwork, build_step_network
from simulators.encoder import Program, mdm_policy
from simulators.encoder.layers import Cost
from simulators.pram import bind
from simulators.pram.binding import Binding
from simulators.pram.isa import CompiledProgram
from simulators.processes import IntVocab, MDMDecision


@dataclass
class PramMDM:
    """The MDM of Theorem 1 for ``prog`` at the sizes of ``binding``."""

    prog: CompiledProgram
    binding: Binding
    layout: Layout
    network: StepNetwork
    program: Program
    one_token_per_step: bool = False
    _serial: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def vocab(self) -> IntVocab:
        return self.layout.vocab()

    @cached_property
    def cost(self) -> Cost:
        """Depth / heads / width of the per-step network (Theorem 1: depth independent of n)."""
        return self.program.cost()

    def initial_canvas(self, binding: Binding | None = None) -> np.ndarray:
        """The input cells of ``binding`` (default: the one built with) then masks."""
        return self.layout.initial_canvas((binding or self.binding).initial_memory)

    def serial_cost(self, length: int) -> int:
        """Scalar operations of one dense evaluation of the network (cached per length)."""
        if length not in self._serial:
            self._serial[length] = self.program.serial_cost(length)
        return self._serial[length]

    @property
    def dense_policy(self):  # noqa: ANN201 - the encoder adapter's type
        """Every position evaluated by the encoder language's own interpreter (reference)."""
        return mdm_policy(self.program)

    @property
    def policy(self) -> FastPolicy:
        return FastPolicy(self)


@dataclass(frozen=True)
class FastPolicy:
    """MDM policy: the step network evaluated where a fill is possible, masks elsewhere.

    Where can the network fill? Only masked positions whose block's predecessor is complete, or
    any masked position once processor 0's record shows HALT / a fault. So: the first block that
    still has masks, or everything masked after the end. At every other position the network's
    ``fill`` is 0 (tested against the dense evaluation), so evaluating it there is skipped.
    """

    mdm: PramMDM

    def positions(self, canvas: np.ndarray) -> np.ndarray:
        lay = self.mdm.layout
        masked = np.flatnonzero(canvas == lay.mask_id)
        if masked.size == 0:
            return masked
        first = int(masked[0])
        if first >= lay.out_start:
            return masked
        b = lay.block_of(first)
        p0_modes = np.array([canvas[lay.record_pos(t, 0, F_MODE)] for t in range(1, b)],
                            dtype=np.int64)
        if p0_modes.size and ((p0_modes >= MODE_HALTED) & (p0_modes <= FAULT_MAX)
                              & (p0_modes != FAULT_BASE)).any():
            return masked
        end = lay.block_start(b + 1)
        return masked[masked < end]

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None) -> MDMDecision:
        lay = self.mdm.layout
        canvas = np.asarray(canvas, dtype=np.int64)
        pos = self.positions(canvas)
        tokens = np.full(lay.S, lay.mask_id, dtype=np.int64)
        fill = np.zeros(lay.S, dtype=bool)
        if pos.size:
            out = self.mdm.program.evaluate(canvas, positions=pos, names=("token", "fill"))
            tokens[pos] = out["token"]
            fill[pos] = out["fill"].astype(bool)
        return MDMDecision(tokens=tokens, fill=fill)

    def serial_cost(self, length: int) -> int:
        """Theorem 2 accounting: the cost of one *dense* evaluation (what the network costs)."""
        return self.mdm.serial_cost(length)


def build_pram_mdm(prog: CompiledProgram, inputs: Mapping[str, Sequence[int] | np.ndarray],
                   params: Mapping[str, int] | None = None, *, one_token_per_step: bool = False,
                   value_bits: int = DEFAULT_VALUE_BITS,
                   max_context: int = DEFAULT_MAX_CONTEXT) -> PramMDM:
    """The Theorem-1 MDM for ``prog`` at the sizes the ``inputs`` bind (values are not used by
    the network, only by the initial canvas)."""
    binding = bind(prog, inputs, params)
    lay = make_layout(prog, binding.base, binding.size, binding.memory_size,
                      binding.processors_bound, binding.time_bound, value_bits=value_bits,
                      max_context=max_context)
    check_run_memory(lay.S)  # before anything of canvas size exists
    net = build_step_network(prog, lay, binding.base, binding.size,
                             one_token_per_step=one_token_per_step)
    program = Program({"token": net.token, "fill": net.fill}, max_length=lay.S,
                      name=f"pram_mdm[{prog.name}]")
    return PramMDM(prog=prog, binding=binding, layout=lay, network=net, program=program,
                   one_token_per_step=one_token_per_step)
