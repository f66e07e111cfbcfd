"""One interface for every construction: the :class:`Construction` protocol and :class:`RunReport`.

Theorems 1, 3, 4, 5, parity and the task constructions all expose the same five things (docs/
interfaces.md, "Constructions"): the canvas layout (``initial_canvas``), the encoder program of one
decoding step (``program``), a policy for the engine (``policy``), the map from a canvas back to
the reference's state (``decode_state``, what the lock-step checks compare) and ``run``.

Why a single report type: the numbers a construction CLI prints must be *measured from the run*
(canvas lengths from the trace, decoding steps counted by the engine, depth/layers/heads from the
program that actually ran), never recomputed from the formula they are meant to confirm. Every
CLI prints :meth:`RunReport.to_json`, so the keys are the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from simulators.encoder import Program
from simulators.encoder.layers import Cost
from simulators.processes import BaseVocab, Trace

#: ``policy(mode=...)``: "fast" (what runs at scale), "dense" (every position through the
#: encoder's own interpreter: the reference), "weights" (the compiled torch network).
POLICY_MODES = ("fast", "dense", "weights")
#: ``run(backend=...)``: the encoder-program interpreter, or the compiled weights.
BACKENDS = ("interpreter", "weights")
#: Keys of :meth:`RunReport.to_json` (exactly these, in every construction CLI).
REPORT_KEYS = ("construction", "backend", "output", "decoding_steps", "context_length",
               "initial_length", "final_length", "halt", "network", "extra")
#: Keys ``network`` always has. Interpreter: the encoder program's :class:`Cost`. Weights
#: backend: ``depth`` / ``attention_layers`` / ``mlp_layers`` / ``heads`` are the compiled
#: network's (they can differ from the program's: ``length()`` becomes a head), ``width_bits``
#: the program's (simulators/weights/sizes.py).
NETWORK_KEYS = ("depth", "attention_layers", "mlp_layers", "heads", "width_bits")
#: Keys the weights backend adds to ``network`` (from the compiled network's ``size()``).
WEIGHTS_NETWORK_KEYS = ("relu_depth", "d_model", "max_hidden_width", "parameters", "dtype")
#: With the weights backend, the program's own counts, kept beside the network's.
PROGRAM_COST_KEYS = ("program_depth", "program_attention_layers", "program_mlp_layers",
                     "program_heads")
#: Keys PRAM constructions put in ``extra``. ``processors_declared`` is the program's P(n);
#: ``processors_used`` the processors that executed at least one instruction in the run.
PRAM_EXTRA_KEYS = ("pram_steps", "time_bound", "processors_declared", "processors_used")


@runtime_checkable
class Construction(Protocol):
    """What every construction provides (see the module docstring)."""

    name: str

    @property
    def vocab(self) -> BaseVocab:
        """The canvas vocabulary (ids, mask, specials)."""
        ...

    @property
    def program(self) -> Program:
        """The encoder program of one decoding step: the network that runs and is measured."""
        ...

    def initial_canvas(self) -> np.ndarray:
        """The canvas decoding starts from (the input laid out, masks where the theorem says)."""
        ...

    def policy(self, mode: str = "fast", **kw: Any) -> Any:
        """An engine policy ``policy(canvas, rng) -> decision`` (``mode``: :data:`POLICY_MODES`)."""
        ...

    def decode_state(self, canvas: np.ndarray) -> Any:
        """The reference's state that ``canvas`` encodes (JSON-able; compared in lock-step)."""
        ...

    def run(self, *, max_steps: int | None = None, record_canvases: bool = False,
            rng: np.random.Generator | None = None, backend: str = "interpreter",
            device: str = "cpu") -> RunReport:
        """Decode from :meth:`initial_canvas` to the end and report what was measured."""
        ...


def network_size(cost: Cost) -> dict[str, Any]:
    """The ``network`` entries every report carries, read off the program's measured cost."""
    return {"depth": int(cost.depth), "attention_layers": int(cost.attention_layers),
            "mlp_layers": int(cost.mlp_layers), "heads": int(cost.heads),
            "width_bits": int(cost.width_bits)}


def _jsonable(value: Any) -> Any:
    """numpy scalars/arrays and tuples to plain JSON types (recursively)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


@dataclass
class RunReport:
    """The result of one construction run; every number in it is measured from ``trace``.

    ``decoding_steps`` is ``trace.num_steps``; ``context_length`` the longest canvas of the run
    (``trace.peak_length``, maintained by the engine even when canvases are not recorded);
    ``initial_length`` / ``final_length`` the first and last canvas lengths; ``halt`` the
    engine's halting reason. ``network`` holds :data:`NETWORK_KEYS` (plus
    :data:`WEIGHTS_NETWORK_KEYS` for the weights backend); ``extra`` what is specific to the
    construction (PRAM constructions: :data:`PRAM_EXTRA_KEYS`).
    """

    construction: str
    backend: str
    output: Any
    decoding_steps: int
    context_length: int
    initial_length: int
    final_length: int
    halt: str
    network: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    trace: Trace | None = field(default=None, repr=False)

    @classmethod
    def from_trace(cls, construction: str, backend: str, trace: Trace, output: Any,
                   network: dict[str, Any], extra: dict[str, Any] | None = None) -> RunReport:
        """A report whose step count and lengths are read from ``trace`` (never a formula)."""
        return cls(construction=construction, backend=backend, output=output,
                   decoding_steps=int(trace.num_steps),
                   context_length=int(trace.peak_length),
                   initial_length=int(trace.initial.shape[0]),
                   final_length=int(trace.final.shape[0]),
                   halt=str(trace.halt.value), network=dict(network),
                   extra=dict(extra or {}), trace=trace)

    def to_json(self) -> dict[str, Any]:
        """Exactly :data:`REPORT_KEYS`; ``extra``'s keys stay inside ``extra``."""
        return _jsonable({"construction": self.construction, "backend": self.backend,
                          "output": self.output, "decoding_steps": self.decoding_steps,
                          "context_length": self.context_length,
                          "initial_length": self.initial_length,
                          "final_length": self.final_length, "halt": self.halt,
                          "network": self.network, "extra": self.extra})
