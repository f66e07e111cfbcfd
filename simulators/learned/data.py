"""Training data for learned policies: process supervision from ``Trace``s, outcome pairs.

A dataset is a set of *rows*, one per canvas the network sees, padded to a common length:

* ``tokens``  (N, L) -- the canvas (right-padded with ``pad_id``), ``lengths`` (N,) its length;
* ``y``       (N, L) -- token targets, counted only where ``y_mask`` is True;
* ``bits``    (N, L, 3) -- control-bit targets (AP-MDM: remask, insert, delete; MDM process data:
  channel 0 = "fill now"), counted only where ``bits_mask`` is True.

Process supervision (what the paper trains on) takes every step of a construction's trace; the
**halting** transition is included explicitly: a finished canvas must map to "change nothing",
because otherwise the learned process has never seen where to stop (a known problem of the
public release, docs/paper.md §3.1). Every dataset records the seed that drew it and a sha256
content hash of its arrays, so a reported number names exactly the data it came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from simulators.errors import ShapeError, UsageError

#: Refuse to pad a dataset beyond this many cells (rows x longest canvas) before allocating.
MAX_DATASET_CELLS = 50_000_000


@dataclass(frozen=True)
class Rows:
    """One training example before padding."""

    tokens: np.ndarray
    y: np.ndarray
    y_mask: np.ndarray
    bits: np.ndarray
    bits_mask: np.ndarray


@dataclass(frozen=True)
class TransitionDataset:
    """Padded arrays of rows plus provenance (seed, kind, content hash)."""

    tokens: np.ndarray
    lengths: np.ndarray
    y: np.ndarray
    y_mask: np.ndarray
    bits: np.ndarray
    bits_mask: np.ndarray
    pad_id: int
    seed: int
    kind: str
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.tokens.shape[0])

    @property
    def content_hash(self) -> str:
        """sha256 over every array's dtype, shape and bytes (in a fixed order)."""
        h = hashlib.sha256()
        for name in ("tokens", "lengths", "y", "y_mask", "bits", "bits_mask"):
            arr = np.ascontiguousarray(getattr(self, name))
            h.update(f"{name}:{arr.dtype.str}:{arr.shape};".encode())
            h.update(arr.tobytes())
        return h.hexdigest()

    @property
    def num_tokens(self) -> int:
        return int(self.lengths.sum())

    def provenance(self) -> dict:
        """What a manifest records about the data."""
        return {
            "kind": self.kind,
            "seed": self.seed,
            "rows": len(self),
            "tokens": self.num_tokens,
            "sha256": self.content_hash,
            **self.meta,
        }

    def batch(self, idx: np.ndarray, device: str | torch.device = "cpu") -> dict[str, torch.Tensor]:
        """Rows ``idx`` as tensors trimmed to the longest canvas among them."""
        width = int(self.lengths[idx].max())
        pos = np.arange(width)
        valid = pos[None, :] < self.lengths[idx][:, None]
        out = {
            "tokens": self.tokens[idx, :width],
            "valid": valid,
            "y": self.y[idx, :width],
            "y_mask": self.y_mask[idx, :width] & valid,
            "bits": self.bits[idx, :width].astype(np.float32),
            "bits_mask": self.bits_mask[idx, :width] & valid,
        }
        return {k: torch.from_numpy(np.ascontiguousarray(v)).to(device) for k, v in out.items()}


def pack(rows: Sequence[Rows], *, pad_id: int, seed: int, kind: str, meta: dict | None = None,
         dedup: bool = True) -> TransitionDataset:
    """Pad ``rows`` into a :class:`TransitionDataset` (optionally dropping exact duplicates)."""
    if not rows:
        raise UsageError("no training rows: the traces/pairs given were empty")
    if dedup:
        seen: set[bytes] = set()
        kept = []
        for r in rows:
            key = b"|".join(a.tobytes() for a in (r.tokens, r.y, r.y_mask, r.bits, r.bits_mask))
            if key not in seen:
                seen.add(key)
                kept.append(r)
        rows = kept
    n = len(rows)
    lengths = np.array([len(r.tokens) for r in rows], dtype=np.int64)
    width = int(lengths.max())
    if n * width * 6 > MAX_DATASET_CELLS:
        raise UsageError(f"dataset of {n} rows x {width} tokens exceeds {MAX_DATASET_CELLS} cells")
    tokens = np.full((n, width), pad_id, dtype=np.int64)
    y = np.full((n, width), pad_id, dtype=np.int64)
    y_mask = np.zeros((n, width), dtype=bool)
    bits = np.zeros((n, width, 3), dtype=bool)
    bits_mask = np.zeros((n, width), dtype=bool)
    for i, r in enumerate(rows):  # once per row at build time, not on a hot path
        m = len(r.tokens)
        tokens[i, :m], y[i, :m], y_mask[i, :m] = r.tokens, r.y, r.y_mask
        bits[i, :m], bits_mask[i, :m] = r.bits, r.bits_mask
    return TransitionDataset(tokens, lengths, y, y_mask, bits, bits_mask, pad_id, seed, kind,
                             dict(meta or {}))


def _bool(a: np.ndarray | None, n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool) if a is None else np.asarray(a, dtype=bool)


def apmdm_rows(traces: Iterable, *, mask_id: int, include_fixed_points: bool = True) -> list[Rows]:
    """Process supervision from AP-MDM traces: one row per step, plus the halting fixed point.

    The token target counts only where it is used by ``g``: at a mask that is neither remasked
    nor deleted (docs/paper.md §1.4, Algorithm 1, rule 2).
    """
    rows: list[Rows] = []
    for tr in traces:
        if tr.process != "apmdm":
            raise UsageError(f"expected an AP-MDM trace, got process {tr.process!r}")
        for canvas, dec in zip(tr.canvases[:-1], tr.decisions, strict=False):
            x = np.asarray(canvas, dtype=np.int64)
            n = len(x)
            rem, ins, dele = _bool(dec.remask, n), _bool(dec.insert, n), _bool(dec.delete, n)
            y = np.asarray(dec.y, dtype=np.int64)
            if y.shape != (n,) or rem.shape != (n,):
                raise ShapeError(f"decision of length {len(y)} for a canvas of length {n}")
            rows.append(Rows(x, y, (x == mask_id) & ~rem & ~dele, np.stack([rem, ins, dele], 1),
                             np.ones(n, dtype=bool)))
        if include_fixed_points and str(getattr(tr.halt, "value", tr.halt)) == "fixed_point":
            rows.append(fixed_point_row(np.asarray(tr.final, dtype=np.int64), mask_id))
    return rows


def fixed_point_row(canvas: np.ndarray, mask_id: int) -> Rows:
    """A finished canvas must map to itself: all control bits 0, masks (if any) kept by remask."""
    n = len(canvas)
    bits = np.zeros((n, 3), dtype=bool)
    bits[:, 0] = canvas == mask_id  # g keeps a mask only if it is remasked
    return Rows(canvas.copy(), canvas.copy(), np.zeros(n, dtype=bool), bits, np.ones(n, dtype=bool))


def mdm_process_rows(traces: Iterable, *, mask_id: int) -> list[Rows]:
    """MDM traces (e.g. the Theorem 1 construction): each canvas -> final tokens at its masks.

    Channel 0 of ``bits`` is "fill now" (the positions the construction fills at this step), so a
    model can also learn the construction's fill schedule, not only the final values.
    """
    rows: list[Rows] = []
    for tr in traces:
        final = np.asarray(tr.final, dtype=np.int64)
        for t, canvas in enumerate(tr.canvases[:-1]):
            x = np.asarray(canvas, dtype=np.int64)
            filled = (x == mask_id) & (np.asarray(tr.canvases[t + 1]) != mask_id)
            bits = np.zeros((len(x), 3), dtype=bool)
            bits[:, 0] = filled
            rows.append(Rows(x, final, x == mask_id, bits, x == mask_id))
    return rows


def mdm_outcome_rows(inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray], *, mask_id: int,
                     rng: np.random.Generator, copies: int = 4) -> list[Rows]:
    """Outcome supervision for an MDM: canvas = input + output with a random share of the output
    masked (the standard masked-diffusion objective); targets = the output tokens at the masks."""
    rows: list[Rows] = []
    for inp, out in zip(inputs, outputs, strict=True):
        inp, out = np.asarray(inp, dtype=np.int64), np.asarray(out, dtype=np.int64)
        full = np.concatenate([inp, out])
        for _ in range(copies):
            share = rng.uniform(0.0, 1.0)
            m = np.concatenate([np.zeros(len(inp), bool), rng.random(len(out)) < share])
            if not m.any() and len(out):
                m[len(inp) + rng.integers(len(out))] = True
            x = np.where(m, mask_id, full)
            rows.append(Rows(x, full, m, np.zeros((len(x), 3), bool), np.zeros(len(x), bool)))
    return rows


def arm_outcome_rows(prompts: Sequence[np.ndarray], outputs: Sequence[np.ndarray]) -> list[Rows]:
    """Outcome supervision for an ARM: next-token targets on the output part only."""
    rows: list[Rows] = []
    for p, o in zip(prompts, outputs, strict=True):
        seq = np.concatenate([np.asarray(p, np.int64), np.asarray(o, np.int64)])
        x, y = seq[:-1], seq[1:]
        m = np.arange(len(x)) >= len(p) - 1
        rows.append(Rows(x, y, m, np.zeros((len(x), 3), bool), np.zeros(len(x), bool)))
    return rows
