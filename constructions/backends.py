"""Policies that run a construction's step program on either backend, and the ``network`` report.

``interpreter``: the encoder-program interpreter (:meth:`simulators.encoder.Program.evaluate`).
``weights``: the same program compiled to a torch network (:mod:`simulators.weights`), whose
outputs must equal the interpreter's; the report then adds the compiled network's size. Both are
the *same* program object the construction measures, so the cost reported is the cost of what ran.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar, cast

import numpy as np

from constructions.interface import network_size
from simulators.encoder import Program
from simulators.errors import UsageError
from simulators.processes import APMDMDecision, MDMDecision

T = TypeVar("T")


def compile_weights(program: Program, *, device: str = "cpu") -> Any:
    """``simulators.weights.compile_program(program)`` (imported only when asked for)."""
    try:
        from simulators.weights import compile_program
    except ImportError as exc:
        raise UsageError(f"--backend weights is not available here ({exc}); install the "
                         "'learn' extra (torch)") from None
    if device != "cpu":  # torch would fail deep inside .to(device) with a traceback
        import torch

        if not torch.cuda.is_available():
            raise UsageError(f"--device {device}: no CUDA device is available here (torch "
                             f"{torch.__version__}); use --device cpu")
    net = compile_program(program, max_length=program.max_length, device=device)
    # Refuse integers beyond the float's significand: such a run decodes wrong, silently
    # (simulators/weights/precision.py; docs/compiler.md, "Precision").
    from simulators.weights.precision import require_exact_integers

    require_exact_integers(net, hint="narrow the value ranges (e.g. a smaller --value-bits)")
    return net


def program_apmdm_policy(program: Program, mode: str, *, device: str = "cpu") -> Any:
    """An AP-MDM construction's ``policy(mode)`` when its step network is just ``program``:
    ``fast`` / ``dense`` run the interpreter's attention paths, ``weights`` the compiled network."""
    if mode in ("fast", "dense"):
        from simulators.encoder import apmdm_policy

        return apmdm_policy(program, path=mode)
    if mode == "weights":
        return WeightsAPMDMPolicy(compile_weights(program, device=device), program)
    raise UsageError(f"unknown policy mode {mode!r}; use fast, dense or weights")


def network_report(program: Program, compiled: Any | None = None) -> dict[str, Any]:
    """The report's ``network``: the program's cost (interpreter), or the compiled network's
    own sizes with the program's counts kept as ``program_*`` (weights backend: the layer counts
    must be those of the network that ran; :func:`simulators.weights.sizes.weights_network_block`).
    """
    net = network_size(program.cost())
    if compiled is None:
        return net
    from simulators.weights.sizes import weights_network_block

    return weights_network_block(compiled)


@dataclass(frozen=True)
class WeightsMDMPolicy:
    """MDM policy from a compiled network's ``token`` / ``fill`` outputs.

    ``positions`` (optional, ``canvas -> positions``): evaluate the network's queries only
    there (keys and values still over the whole canvas), as the construction's fast policy
    does; elsewhere the decision is "no fill" (token ``mask_id``).
    """

    network: Any
    program: Program
    token: str = "token"
    fill: str = "fill"
    positions: Any = None
    mask_id: int = 0

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None
                 ) -> MDMDecision:
        canvas = np.asarray(canvas, dtype=np.int64)
        if self.positions is None:
            out = self.network.evaluate(canvas, rng)
            return MDMDecision(tokens=np.asarray(out[self.token], dtype=np.int64),
                               fill=np.asarray(out[self.fill]).astype(bool))
        pos = np.asarray(self.positions(canvas), dtype=np.int64)
        tokens = np.full(canvas.shape, self.mask_id, dtype=np.int64)
        fill = np.zeros(canvas.shape, dtype=bool)
        if pos.size:
            out = self.network.evaluate(canvas, rng, positions=pos)
            tokens[pos] = out[self.token]
            fill[pos] = np.asarray(out[self.fill]).astype(bool)
        return MDMDecision(tokens=tokens, fill=fill)

    def serial_cost(self, length: int) -> int:
        return self.program.serial_cost(length)


@dataclass(frozen=True)
class WeightsAPMDMPolicy:
    """AP-MDM policy from a compiled network's ``y`` and control-bit outputs."""

    network: Any
    program: Program

    def outputs(self, canvas: np.ndarray, rng: np.random.Generator | None = None
                ) -> dict[str, np.ndarray]:
        return self.network.evaluate(np.asarray(canvas, dtype=np.int64), rng)

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator | None = None
                 ) -> APMDMDecision:
        out = self.outputs(canvas, rng)
        return APMDMDecision(y=np.asarray(out["y"], dtype=np.int64),
                             remask=np.asarray(out["remask"]).astype(bool),
                             insert=np.asarray(out["insert"]).astype(bool),
                             delete=np.asarray(out["delete"]).astype(bool))

    def serial_cost(self, length: int) -> int:
        return self.program.serial_cost(length)


def check_backend(backend: str, device: str) -> None:
    """Refuse unknown backends/devices with a usage error (exit 2)."""
    if backend not in ("interpreter", "weights"):
        raise UsageError(f"unknown backend {backend!r}; use interpreter or weights")
    if device not in ("cpu", "cuda"):
        raise UsageError(f"unknown device {device!r}; use cpu or cuda")
    if device != "cpu" and backend != "weights":
        raise UsageError("--device cuda needs --backend weights")


def require_same_sizes(index: int, binding: Any, ref: Any) -> None:
    """Refuse (exit 2) batch input ``index`` when its PRAM binding differs from input 0's in
    what a run's step program and network depend on besides the input values: a batch runs one
    compiled network (Theorem 1 and Theorem 4 ``run_batch``)."""
    def sizes(b: Any) -> tuple[Any, ...]:
        return (b.sizes, b.base, b.size, b.memory_size, b.processors_bound, b.time_bound)

    if sizes(binding) != sizes(ref):
        raise UsageError(f"batch input {index} binds sizes {binding.sizes} (memory "
                         f"{binding.memory_size}), input 0 binds {ref.sizes} (memory "
                         f"{ref.memory_size}): a batch runs one network, so every input "
                         "must have the same sizes")


def run_weights_batch(program: Program, jobs: Sequence[Callable[[Any, Any], T]], *,
                      device: str = "cpu", length: int, sparse: bool) -> list[T]:
    """Compile ``program`` once and run ``jobs`` in lock step on it
    (:func:`simulators.weights.batch.run_lockstep`): each job is one whole run, called with
    its lock-step network and the compiled network (for the report's ``network`` block).
    ``length``: the longest canvas a run holds, for the memory estimate made before the batch
    allocates anything (exit 3 when the machine cannot spare it). Returns each run's result in
    order, or raises the first failing run's error once every run has ended."""
    compiled = compile_weights(program, device=device)
    from simulators.cli_support import check_memory
    from simulators.weights.batch import estimate_batch_bytes, run_lockstep

    check_memory(estimate_batch_bytes(compiled, len(jobs), length, sparse=sparse),
                 what=f"a lock-step batch of {len(jobs)} weight-level runs")
    outcomes = run_lockstep(compiled, [partial(_call_job, job, compiled=compiled)
                                       for job in jobs])
    for o in outcomes:
        if isinstance(o, BaseException):
            raise o
    return cast("list[T]", outcomes)


def _call_job(job: Callable[[Any, Any], T], network: Any, *, compiled: Any) -> T:
    return job(network, compiled)
