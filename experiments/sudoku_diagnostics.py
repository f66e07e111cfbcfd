"""How a learned Sudoku AP-MDM fails, measured (used by :mod:`experiments.sudoku`).

* :func:`teacher_forced` -- the network's decisions on the construction's own canvases (no
  error can compound): the share of transitions it gets entirely right -- what free-running
  decoding needs at every step -- and the accuracy of its value writes and control bits. Run on
  the training trajectories it says whether the model fits its data; on the held-out puzzles'
  trajectories, whether what it fitted generalises.
* :class:`RecordingPolicy` + :func:`replay_traces` -- the learned policy's decisions recorded
  during the lock-step batched run and replayed per puzzle through the engine
  (:func:`simulators.processes.run_apmdm`), so the learned run gets a full step record and its
  backtracks are counted by the same function as the construction's
  (:func:`constructions.sudoku_apmdm.process.count_backtracks`), without a second pass of the
  network. The replay must end exactly where the batched run ended (checked).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from simulators.errors import UsageError
from simulators.learned.data import TransitionDataset
from simulators.processes import APMDMDecision, Trace, run_apmdm
from simulators.processes.vocab import BaseVocab

#: Rows per forward pass in :func:`teacher_forced` (bounds the attention scores held at once).
CHUNK_ROWS = 256


@torch.inference_mode()
def teacher_forced(model: torch.nn.Module, data: TransitionDataset, n_values: int,
                   device: str = "cpu") -> dict[str, float]:
    """Greedy decisions (argmax token, ``logit > 0`` bits: what the policy does) against the
    construction's targets on every row of ``data``.

    ``step_exact`` = share of rows with every counted token and every bit right;
    ``step_exact_moving`` = the same over the ``moving_rows`` whose target changes the canvas
    (every row but the halting "change nothing" ones, which are easy to get right);
    ``value_acc`` = share of counted targets that write a value ``1..n`` (token ids
    ``0..n-1``) predicted exactly; ``token_acc`` / ``bit_acc`` = over all counted targets."""
    exact = moving = exact_moving = tok_ok = tok_n = val_ok = val_n = bit_ok = bit_n = 0
    for start in range(0, len(data), CHUNK_ROWS):
        b = data.batch(np.arange(start, min(start + CHUNK_ROWS, len(data))), device)
        out = model(b["tokens"], b["valid"])
        tok = out.token_logits.float().argmax(-1)
        bits = out.control_logits.float() > 0
        ym, bm = b["y_mask"], b["bits_mask"]
        right = tok == b["y"]
        bits_right = (bits == (b["bits"] > 0.5)).all(-1)
        row_exact = ((right | ~ym) & (bits_right | ~bm)).all(-1)
        moves = ((b["bits"] > 0.5).any(-1) & bm).any(-1) | (ym & (b["y"] != b["tokens"])).any(-1)
        exact += int(row_exact.sum())
        moving, exact_moving = moving + int(moves.sum()), exact_moving + int((row_exact
                                                                               & moves).sum())
        tok_ok, tok_n = tok_ok + int((right & ym).sum()), tok_n + int(ym.sum())
        is_value = ym & (b["y"] < n_values)
        val_ok, val_n = val_ok + int((right & is_value).sum()), val_n + int(is_value.sum())
        bit_ok, bit_n = bit_ok + int((bits_right & bm).sum()), bit_n + int(bm.sum())
    return {"rows": len(data), "step_exact": exact / max(len(data), 1),
            "moving_rows": moving, "step_exact_moving": exact_moving / max(moving, 1),
            "token_acc": tok_ok / max(tok_n, 1), "value_acc": val_ok / max(val_n, 1),
            "bit_acc": bit_ok / max(bit_n, 1)}


def _key(canvas: np.ndarray) -> bytes:
    return np.asarray(canvas, dtype=np.int64).tobytes()


class RecordingPolicy:
    """A deterministic batched policy that remembers its decision for every canvas it saw.

    A greedy network's decision depends on the canvas alone, so one decision per distinct
    canvas is the whole policy restricted to what the run visited. Decisions are stored compactly
    (int16 tokens, packed bits)."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        if getattr(inner, "sample", False):
            raise UsageError("only a greedy (deterministic) policy can be recorded and replayed")
        self.inner = inner
        self.max_canvas_length = getattr(inner, "max_canvas_length", None)
        self.seen: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}

    def decide_batch(self, canvases: Sequence[np.ndarray],
                     rng: np.random.Generator | None = None) -> list[APMDMDecision]:
        decisions = self.inner.decide_batch(canvases, rng)
        for c, d in zip(canvases, decisions, strict=True):
            bits = np.stack([np.asarray(d.remask, bool), np.asarray(d.insert, bool),
                             np.asarray(d.delete, bool)], 1)
            self.seen[_key(c)] = (np.asarray(d.y).astype(np.int16), np.packbits(bits))
        return decisions

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator) -> APMDMDecision:
        """The recorded decision (the engine's single-canvas policy interface)."""
        found = self.seen.get(_key(canvas))
        if found is None:
            raise UsageError("replay reached a canvas the recorded run never visited")
        y, packed = found
        bits = np.unpackbits(packed)[: 3 * len(canvas)].reshape(len(canvas), 3).astype(bool)
        return APMDMDecision(y=y.astype(np.int64), remask=bits[:, 0], insert=bits[:, 1],
                             delete=bits[:, 2])


def replay_traces(recorded: RecordingPolicy, canvases: Sequence[np.ndarray], vocab: BaseVocab,
                  outcomes: Sequence, *, max_steps: int, max_length: int) -> list[Trace]:  # type: ignore[type-arg]
    """Each run again through :func:`run_apmdm` with the recorded decisions; refuses a replay
    that ends anywhere but where the batched run (``outcomes``) ended."""
    traces = []
    for k, (c, o) in enumerate(zip(canvases, outcomes, strict=True)):
        tr = run_apmdm(recorded, c, vocab, max_steps=max_steps, max_length=max_length,
                       halt_on_eos=False, record_canvases=False)
        if (tr.halt != o.halt or tr.num_steps != o.num_steps
                or not np.array_equal(np.asarray(tr.final), np.asarray(o.final))):
            raise AssertionError(f"puzzle {k}: replay ended ({tr.halt.value}, {tr.num_steps} "
                                 f"steps), the batched run ({o.halt.value}, {o.num_steps})")
        traces.append(tr)
    return traces
