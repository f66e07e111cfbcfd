"""Independent runs of one compiled network in lock step: one evaluation per decoding step for
all of them.

Why: a decoding step's network evaluation is a handful of small matrix products and many
Python-level steps (the sparse evaluator's demand-driven recursion, index building); B runs of
the same construction and size (the same program, canvas length and weights) can share each of
those: one pass over B canvases instead of B passes. docs/compiler.md, "Speed", says what is and
is not batched.

How a run is driven: each run is the construction's own single-run code (the same engine, the
same policy, the same post-processing), started in its own thread with a stand-in for the
network (:class:`SlotNetwork`) whose ``evaluate`` hands the canvas to the coordinator and
waits. The coordinator (the calling thread) evaluates once every live run is waiting -- each run
asks exactly once per decoding step, so a batch is "step t of every run not yet finished" -- and
hands each run its own outputs. A run that ends (halts, faults, hits its limit) leaves the
batch; the others go on. Nothing of a run depends on the others: each keeps its own canvas, its
own random generator (drawn from in the same order as alone: :meth:`CompiledNetwork._inputs`
per run), its own rows of the batched residual.

The evaluation itself (:class:`BatchEvaluation`):

* runs that ask at chosen ``positions`` (Theorem 1's fillable block) through the sparse evaluator
  go through :meth:`SparseEvaluator.evaluate_batch_float` -- one flat canvas of ``B * L`` rows,
  candidate keys per run (the static index depends on positions only, so canvases of one length
  share it), each run's token-local rows kept between steps; a run that has finished keeps its
  slot with its last canvas and no positions, so its rows are neither recomputed nor dropped;
* every other run (AP-MDM steps: every position, dense forward; stochastic programs) goes
  through the dense forward on a ``(B_L, L)`` stack of the runs whose canvases have length
  ``L``: grouped by length rather than padded, because the network's heads attend over every
  key of a canvas and have no key mask -- a padded key would change the softmax. Runs whose
  canvases differ in length (insert / delete) are evaluated in one forward per length.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import torch

from simulators.errors import EncoderProgramError, UsageError
from simulators.weights.network import torch_threads

if TYPE_CHECKING:
    from simulators.weights.compiler import CompiledNetwork

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """One run's ask for one decoding step: ``network.evaluate(canvas, rng, positions=)``."""

    slot: int
    canvas: np.ndarray
    rng: np.random.Generator | None
    positions: np.ndarray | None
    sparse: bool = True


class BatchEvaluation:
    """Evaluates the requests of one decoding step of up to ``slots`` runs (module docstring).
    Outputs are rounded like :meth:`CompiledNetwork.evaluate`."""

    def __init__(self, net: CompiledNetwork, slots: int) -> None:
        self.net = net
        self.slots = slots
        self.last: list[np.ndarray | None] = [None] * slots  # each slot's latest canvas

    def evaluate(self, requests: Sequence[Request]) -> list[dict[str, np.ndarray]]:
        """One output dict per request, in the requests' order."""
        out: list[dict[str, np.ndarray] | None] = [None] * len(requests)
        for r in requests:
            self.last[r.slot] = np.asarray(r.canvas, dtype=np.int64)
        ev = self.net.sparse_evaluator()
        sparse = [i for i, r in enumerate(requests)
                  if r.positions is not None and r.sparse and ev is not None]
        in_sparse = set(sparse)
        dense = [i for i in range(len(requests)) if i not in in_sparse]
        if sparse:
            for i, o in zip(sparse, self._sparse(ev, [requests[i] for i in sparse]),
                            strict=True):
                out[i] = o
        for length in sorted({int(requests[i].canvas.shape[0]) for i in dense}):
            group = [i for i in dense if int(requests[i].canvas.shape[0]) == length]
            for i, o in zip(group, self._dense([requests[i] for i in group]), strict=True):
                out[i] = o
        return [{k: np.rint(v).astype(np.int64) for k, v in o.items()}
                for o in out if o is not None]

    def _sparse(self, ev: Any, requests: list[Request]) -> list[dict[str, np.ndarray]]:
        lengths = {int(r.canvas.shape[0]) for r in requests}
        held = [c for c in self.last if c is not None]
        if len(lengths) == 1 and len(held) == self.slots and all(
                c.shape[0] in lengths for c in held):
            # Every slot, asking or not, at its latest canvas: the evaluator's shape stays
            # (slots, L), so its kept rows survive runs leaving the batch.
            canvases = np.stack(held)
            positions = [np.zeros(0, dtype=np.int64) for _ in range(self.slots)]
            for r in requests:
                positions[r.slot] = np.asarray(r.positions, dtype=np.int64)
            outs = ev.evaluate_batch_float(canvases, positions)
            return [outs[r.slot] for r in requests]
        result: list[Any] = [None] * len(requests)
        for length in sorted(lengths):  # canvases of different lengths: one call per length
            idx = [k for k, r in enumerate(requests) if int(r.canvas.shape[0]) == length]
            outs = ev.evaluate_batch_float(
                np.stack([requests[k].canvas for k in idx]),
                [np.asarray(requests[k].positions, dtype=np.int64) for k in idx])
            for k, o in zip(idx, outs, strict=True):
                result[k] = o
        return result

    @torch.no_grad()
    def _dense(self, requests: list[Request]) -> list[dict[str, np.ndarray]]:
        """The dense forward on the stacked canvases of one length; each run's random inputs
        drawn from its own generator exactly as alone."""
        net = self.net
        parts = [net._inputs(np.asarray(r.canvas, dtype=np.int64), r.rng) for r in requests]
        tokens = torch.cat([p[2] for p in parts])
        draws = [p[3] for p in parts if p[3] is not None]
        noise = torch.cat(draws) if draws else None  # all runs or none: one program
        with torch_threads(net.threads):
            x = net.forward(tokens, noise)
        ys = {name: net.readout(x, name).to(torch.float64).cpu().numpy()
              for name in net.readouts}
        out = []
        for b, r in enumerate(requests):
            at = (slice(None) if r.positions is None
                  else np.asarray(r.positions, dtype=np.int64))
            out.append({name: y[b][at] for name, y in ys.items()})
        return out


def estimate_batch_bytes(net: CompiledNetwork, runs: int, length: int, *,
                         sparse: bool) -> int:
    """Bytes the batch's largest buffers take: the sparse path's residual (``runs * L`` rows of
    ``d_model``), or the dense forward's residual and one head's score matrix per run."""
    d = len(net.residual_names)
    item = torch.empty(0, dtype=net.dtype).element_size()
    per_run = length * d if sparse else length * (d + length)
    return int(runs * per_run * item)


class _Cancelled(BaseException):
    """Delivered to a waiting run when the coordinator stops (it must not go on alone)."""


class SlotNetwork:
    """What one run of a lock-step batch sees as its network: ``evaluate`` waits for the
    batch's evaluation and returns this run's outputs; anything else (sizes, readouts) is the
    compiled network's own."""

    def __init__(self, net: CompiledNetwork, slot: int, inbox: queue.Queue[Any],
                 reply: queue.Queue[Any]) -> None:
        self._net, self._slot, self._inbox, self._reply = net, slot, inbox, reply

    def evaluate(self, canvas: np.ndarray, rng: np.random.Generator | None = None, *,
                 positions: np.ndarray | None = None,
                 sparse: bool = True) -> dict[str, np.ndarray]:
        canvas = np.asarray(canvas, dtype=np.int64)
        if canvas.ndim != 1:
            raise EncoderProgramError("a lock-step run evaluates one canvas at a time")
        self._inbox.put((self._slot, Request(self._slot, canvas.copy(), rng,
                                             None if positions is None
                                             else np.asarray(positions, dtype=np.int64),
                                             sparse)))
        out = self._reply.get()
        if isinstance(out, BaseException):
            raise out
        return out  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # our own attributes (never the network's private state)
            raise AttributeError(name)
        return getattr(self._net, name)


def run_lockstep(net: CompiledNetwork, jobs: Sequence[Callable[[SlotNetwork], T]]
                 ) -> list[T | BaseException]:
    """Run ``jobs`` (each: a whole single run, given its network) in lock step; each job's
    result, or the exception it ended with, in the jobs' order."""
    if not jobs:
        raise UsageError("a batch needs at least one run")
    slots = len(jobs)
    batch = BatchEvaluation(net, slots)
    inbox: queue.Queue[Any] = queue.Queue()
    replies: list[queue.Queue[Any]] = [queue.Queue() for _ in range(slots)]
    outcome: list[Any] = [None] * slots

    def work(slot: int) -> None:
        try:
            outcome[slot] = jobs[slot](SlotNetwork(net, slot, inbox, replies[slot]))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, per run
            outcome[slot] = exc
        finally:
            inbox.put((slot, None))  # this run has left the batch

    threads = [threading.Thread(target=work, args=(s,), name=f"lockstep-run-{s}", daemon=True)
               for s in range(slots)]
    for t in threads:
        t.start()
    live, pending = set(range(slots)), {}
    try:
        while live:
            slot, req = inbox.get()
            if req is None:
                live.discard(slot)
            else:
                pending[slot] = req
            if pending and len(pending) == len(live):  # every run still going asks: a step
                asked = sorted(pending)
                try:
                    outs: list[Any] = batch.evaluate([pending[s] for s in asked])
                except Exception as exc:  # noqa: BLE001 - each waiting run raises it
                    outs = [exc] * len(asked)
                for s, o in zip(asked, outs, strict=True):
                    replies[s].put(o)
                pending = {}
    except BaseException:
        for s in live:  # wake every waiting run so its thread ends
            replies[s].put(_Cancelled())
        raise
    for t in threads:
        t.join()
    return outcome
