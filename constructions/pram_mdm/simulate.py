"""Run the Theorem-1 MDM end to end: build, decode with the MDM engine, read the output back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from constructions.pram_mdm.build import PramMDM, build_pram_mdm
from constructions.pram_mdm.decode import decode_outputs, end_block
from constructions.pram_mdm.layout import DEFAULT_MAX_CONTEXT, DEFAULT_VALUE_BITS
from simulators.errors import InternalError, LimitExceeded
from simulators.pram.isa import CompiledProgram
from simulators.processes import HaltReason, LeftmostK, Policy, Trace, run_mdm


@dataclass(frozen=True)
class MDMRunResult:
    """What one simulation produced (the CLI's ``--json`` is :meth:`summary`)."""

    output: dict[str, list[int]]
    decoding_steps: int
    context_length: int  # measured: the longest canvas of the trace
    pram_steps: int
    processors: int  # declared P(n) (the records per block)
    time_bound: int
    depth: int
    width_bits: int
    heads: int
    trace: Trace
    mdm: PramMDM

    def summary(self) -> dict[str, Any]:
        return {"output": self.output, "decoding_steps": self.decoding_steps,
                "context_length": self.context_length, "pram_steps": self.pram_steps,
                "processors": self.processors, "time_bound": self.time_bound,
                "depth": self.depth, "width_bits": self.width_bits, "heads": self.heads,
                "record_tokens": self.mdm.layout.K, "halt": str(self.trace.halt.value)}

    @property
    def processors_used(self) -> int:
        """Most processors not IDLE in any simulated step (the machine's ``processors``)."""
        from constructions.pram_mdm.decode import processors_used

        return processors_used(self.mdm.layout, self.trace.final, self.pram_steps)


def run_built(mdm: PramMDM, canvas: np.ndarray | None = None, *, dense: bool = False,
              record_canvases: bool = False, masked_arm: bool = False,
              max_trace_bytes: int = 1 << 31, policy: Policy | None = None,
              max_steps: int | None = None) -> MDMRunResult:
    """Decode ``mdm`` from ``canvas`` (default: its own inputs) and read the result.

    ``dense`` uses the encoder's own full evaluation (reference; small sizes only);
    ``masked_arm`` runs the engine's leftmost-1 rule instead of the policy's own fill set;
    ``policy`` replaces both (e.g. the compiled weights). ``max_steps`` (default S, which an MDM
    can never exceed) stops the run with :class:`LimitExceeded` when reached first.
    """
    lay = mdm.layout
    start = mdm.initial_canvas() if canvas is None else canvas
    if policy is None:
        policy = mdm.dense_policy if dense else mdm.policy
    limit = lay.S if max_steps is None else int(max_steps)
    trace = run_mdm(policy, start, mdm.vocab, max_steps=limit,
                    fill_rule=LeftmostK(1) if masked_arm else None,
                    record_canvases=record_canvases, max_trace_bytes=max_trace_bytes)
    if trace.halt is HaltReason.STEP_LIMIT:
        raise LimitExceeded(f"the Theorem-1 MDM was stopped after {trace.num_steps} decoding "
                            f"steps (the step limit, --max-steps); it needs at most T(n) + 1 = "
                            f"{lay.T + 1}")
    if trace.halt is not HaltReason.NO_MASKS:
        # Every token the network emits is in the vocabulary and every fault is a fault mode,
        # so an early stop here is a bug in the construction, never the user's program.
        raise InternalError(f"the Theorem-1 MDM stopped early ({trace.halt.value}): "
                            f"{trace.message}")
    final = trace.final
    output = decode_outputs(mdm.prog, lay, final)
    t = end_block(lay, final)
    cost = mdm.cost
    return MDMRunResult(output=output, decoding_steps=trace.num_steps,
                        context_length=int(trace.peak_length),
                        pram_steps=int(t or 0), processors=lay.P, time_bound=lay.T,
                        depth=cost.depth, width_bits=cost.width_bits, heads=cost.total_heads,
                        trace=trace, mdm=mdm)


def simulate(prog: CompiledProgram, inputs: Mapping[str, Sequence[int] | np.ndarray],
             params: Mapping[str, int] | None = None, *, one_token_per_step: bool = False,
             value_bits: int = DEFAULT_VALUE_BITS, max_context: int = DEFAULT_MAX_CONTEXT,
             dense: bool = False, record_canvases: bool = False) -> MDMRunResult:
    """Build the MDM for ``prog`` at the inputs' sizes and run it on those inputs."""
    mdm = build_pram_mdm(prog, inputs, params, one_token_per_step=one_token_per_step,
                         value_bits=value_bits, max_context=max_context)
    return run_built(mdm, dense=dense, record_canvases=record_canvases)
