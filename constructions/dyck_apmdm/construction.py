"""Theorem 5 through the shared :class:`~constructions.interface.Construction` interface.

:class:`Theorem5` wraps :class:`~constructions.dyck_apmdm.process.DyckAPMDM`: its encoder program
is the stochastic step network (its random inputs are drawn from the run's ``rng``), and
``decode_state`` reads a canvas as the reference's view of it -- the committed word, whether the
canvas is clean (letters only) and, if so, whether the word is in the language (the grammar's
membership test, :mod:`simulators.grammars`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from constructions.backends import (
    WeightsAPMDMPolicy,
    check_backend,
    network_report,
    program_apmdm_policy,
)
from constructions.dyck_apmdm.process import DyckAPMDM
from constructions.interface import RunReport
from simulators.encoder import Program
from simulators.errors import LimitExceeded, UsageError
from simulators.processes import HaltReason, Vocab, run_apmdm


@dataclass
class Theorem5:
    """The Theorem 5 AP-MDM (two-sided or one-sided Dyck-k)."""

    model: DyckAPMDM
    name: str = "theorem5"

    @property
    def vocab(self) -> Vocab:
        return self.model.vocab

    @property
    def program(self) -> Program:
        return self.model.program

    def initial_canvas(self) -> np.ndarray:
        return self.model.layout.initial_canvas()

    def policy(self, mode: str = "fast", **kw: Any) -> Any:
        """``fast`` / ``dense``: the interpreter's attention paths; ``weights``: compiled."""
        return program_apmdm_policy(self.program, mode, device=kw.get("device", "cpu"))

    def decode_state(self, canvas: np.ndarray) -> dict[str, Any]:
        """``{"canvas", "committed_length", "clean", "word", "member"}``: the canvas rendered,
        the length of the word at the end of the round, and for a clean canvas (letters only
        after BOS) the word and its membership (``None`` otherwise)."""
        lay = self.model.layout
        x = np.asarray(canvas, dtype=np.int64)
        word = lay.output(x)
        clean = bool(x.size and x[0] == lay.bos and (word < lay.letters).all())
        lang = lay.language
        return {"canvas": self.vocab.render(x),
                "committed_length": int(lay.committed_length(x)),
                "clean": clean,
                "word": lang.render(word) if clean else None,
                "member": bool(lang.is_member(word)) if clean else None}

    def run(self, *, max_steps: int | None = None, record_canvases: bool = False,
            rng: np.random.Generator | None = None, backend: str = "interpreter",
            device: str = "cpu", mode: str = "fast") -> RunReport:
        """One sample from ``[BOS]`` (``rng`` default: seed 0); a run that does not reach its
        fixed point within ``max_steps`` (default: the construction's bound) is exit 3."""
        check_backend(backend, device)
        pol = self.policy("weights" if backend == "weights" else mode, device=device)
        return self._run_policy(pol, backend, getattr(pol, "network", None), rng=rng,
                                max_steps=max_steps, record_canvases=record_canvases)

    def _run_policy(self, pol: Any, backend: str, compiled: Any | None, *,
                    rng: np.random.Generator | None, max_steps: int | None,
                    record_canvases: bool) -> RunReport:
        """One sample with ``pol`` (:meth:`run`; each run of :meth:`run_batch`)."""
        limit = self.model.max_steps if max_steps is None else int(max_steps)
        trace = run_apmdm(pol, self.initial_canvas(), self.vocab,
                          rng=np.random.default_rng(0) if rng is None else rng,
                          max_steps=limit, max_length=self.model.max_canvas_length,
                          halt_on_eos=False, record_canvases=record_canvases)
        if trace.halt is not HaltReason.FIXED_POINT:
            raise LimitExceeded(f"the Theorem 5 AP-MDM stopped with {trace.halt.value} after "
                                f"{trace.num_steps} decoding steps, not at a fixed point"
                                + (f" (the step limit is {limit})"
                                   if trace.halt is HaltReason.STEP_LIMIT else ""))
        lay = self.model.layout
        word = lay.output(trace.final)
        extra = {"k": self.model.k, "two_sided": self.model.two_sided,
                 "word_length": int(word.size), "member": bool(lay.language.is_member(word)),
                 "target_length": self.model.target_length}
        return RunReport.from_trace(self.name, backend, trace, lay.language.render(word),
                                    network_report(self.program, compiled), extra)

    def run_batch(self, rngs: Sequence[np.random.Generator], *, max_steps: int | None = None,
                  record_canvases: bool = False, device: str = "cpu") -> list[RunReport]:
        """One sample per generator in ``rngs``, at weight level in lock step
        (:mod:`simulators.weights.batch`): each decoding step is one dense forward per canvas
        length over the samples still going (their canvases grow apart: grouped by length, not
        padded). Each report is :meth:`run`'s with that generator alone (same draws)."""
        from constructions.backends import run_weights_batch

        if not rngs:
            raise UsageError("a batch needs at least one generator")
        return run_weights_batch(
            self.program, [partial(_weights_job, self, rng=rng, max_steps=max_steps,
                                   record_canvases=record_canvases) for rng in rngs],
            device=device, length=self.model.max_canvas_length, sparse=False)


def _weights_job(thm: Theorem5, network: Any, compiled: Any, *, rng: np.random.Generator,
                 max_steps: int | None, record_canvases: bool) -> RunReport:
    """One sample of a batch: ``network`` is its lock-step stand-in, ``compiled`` the network."""
    return thm._run_policy(WeightsAPMDMPolicy(network, thm.program), "weights", compiled,
                           rng=rng, max_steps=max_steps, record_canvases=record_canvases)
