"""The edit-tracking AP-MDM on one instance (a sequence and an edit log) through the shared
:class:`~constructions.interface.Construction` interface (``name = "edit"``).

``output`` is the final sequence as a string of letters; ``extra`` holds the number of edits,
the initial sequence length and the longest sequence reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from constructions.backends import (
    WeightsAPMDMPolicy,
    check_backend,
    compile_weights,
    network_report,
    program_apmdm_policy,
)
from constructions.edit_apmdm.layout import LETTERS, Edit, EditLayout, check_edits
from constructions.edit_apmdm.program import build_program
from constructions.interface import RunReport
from simulators.encoder import Program
from simulators.errors import LimitExceeded, UsageError
from simulators.processes import HaltReason, Vocab, run_apmdm


@dataclass
class EditConstruction:
    """``sequence`` (letter ids ``0..k-1``) and ``edits`` (see :mod:`.layout`).

    ``max_position``: the largest position token of the vocabulary (default: the longest
    sequence the log reaches); fix it to give many instances one vocabulary (learned models).
    """

    sequence: list[int]
    edits: list[Edit]
    k: int = 4
    max_position: int | None = None
    name: str = "edit"
    layout: EditLayout = field(init=False, repr=False)
    program: Program = field(init=False, repr=False)
    longest: int = field(init=False)

    def __post_init__(self) -> None:
        self.sequence = [int(x) for x in self.sequence]
        if any(not 0 <= x < self.k for x in self.sequence):
            raise UsageError(f"sequence letters must be ids 0..{self.k - 1}")
        for op, _, x in self.edits:
            if op not in ("ins", "del") or (op == "ins" and not 0 <= x < self.k):
                raise UsageError(f"bad edit {op!r} with letter {x!r}")
        self.longest = check_edits(len(self.sequence), self.edits)
        top = self.longest if self.max_position is None else self.max_position
        if top < self.longest:
            raise UsageError(f"max_position={top} is below the longest sequence the edits reach "
                             f"({self.longest})")
        self.layout = EditLayout(self.k, top)
        self.program = build_program(self.layout, self.max_canvas)

    @property
    def max_canvas(self) -> int:
        """Longest canvas: [BOS], the longest sequence, [SEP], the log, +1 during an insert."""
        return 2 + self.longest + 1 + 3 * len(self.edits)

    @property
    def steps_bound(self) -> int:
        return 2 * len(self.edits) + 2

    @property
    def vocab(self) -> Vocab:
        return self.layout.vocab()

    def initial_canvas(self) -> np.ndarray:
        return self.layout.canvas(self.sequence, self.edits)

    def policy(self, mode: str = "fast", **kw: Any) -> Any:
        return program_apmdm_policy(self.program, mode, device=kw.get("device", "cpu"))

    def decode_state(self, canvas: np.ndarray) -> dict[str, Any]:
        """The sequence as a string (``?`` for a mask) and the number of edits still pending."""
        lay = self.layout
        seq = "".join(LETTERS[t] if t < lay.k else "?" for t in lay.sequence(canvas))
        return {"sequence": seq, "pending_edits": lay.pending_edits(canvas)}

    def run(self, *, max_steps: int | None = None, record_canvases: bool = False,
            rng: np.random.Generator | None = None, backend: str = "interpreter",
            device: str = "cpu") -> RunReport:
        check_backend(backend, device)
        compiled = compile_weights(self.program, device=device) if backend == "weights" else None
        policy = self.policy("fast") if compiled is None else WeightsAPMDMPolicy(compiled,
                                                                                 self.program)
        limit = self.steps_bound if max_steps is None else max_steps
        trace = run_apmdm(policy, self.initial_canvas(), self.vocab, rng=rng, max_steps=limit,
                          max_length=self.max_canvas, halt_on_eos=False,
                          record_canvases=record_canvases)
        if trace.halt != HaltReason.FIXED_POINT:
            raise LimitExceeded(f"stopped after {trace.num_steps} decoding steps "
                                f"({trace.halt.value}: {trace.message})")
        output = "".join(LETTERS[t] for t in self.layout.sequence(trace.final))
        extra = {"edits": len(self.edits), "initial_sequence_length": len(self.sequence),
                 "longest_sequence": self.longest}
        return RunReport.from_trace(self.name, backend, trace, output,
                                    network_report(self.program, compiled), extra)


def from_text(sequence: str, edits: str, k: int) -> EditConstruction:
    from constructions.edit_apmdm.layout import parse_edits, parse_letters

    return EditConstruction(parse_letters(sequence, k), parse_edits(edits, k), k)


def letters_of(seq: Sequence[int]) -> str:
    return "".join(LETTERS[x] for x in seq)
