"""Position schemes for an encoder whose canvas length changes every step.

An AP-MDM re-indexes positions after every insert/delete (docs/paper.md §1.4), so position
information is *recomputed from scratch* on each forward pass from the current canvas length --
nothing is cached between steps. The schemes differ in what they expose:

* ``absolute``   -- a learned vector per index; cannot say anything about unseen indices, and we
  refuse canvases longer than the table rather than silently wrapping.
* ``sinusoidal`` -- fixed sin/cos features of the index.
* ``rotary``     -- queries/keys rotated by the index (attention sees only offsets).
* ``clipped``    -- a learned vector for ``min(index, clip)``: exact distance from BOS near the
  front, "far" beyond. This is the prior of parity recipe 1(b): the paper's parity algorithm
  only ever looks at the first two bits after BOS.
* ``relative``   -- a learned per-head bias on the key-query offset clipped to ``+-window``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from simulators.errors import ShapeError


def sinusoidal_table(length: int, dim: int, device: torch.device) -> torch.Tensor:
    """(length, dim) sin/cos features of the index (the classic fixed encoding)."""
    pos = torch.arange(length, device=device, dtype=torch.float32)[:, None]
    half = max(dim // 2, 1)
    freq = torch.exp(-math.log(10_000.0) * torch.arange(half, device=device) / half)
    ang = pos * freq[None, :]
    out = torch.cat([torch.sin(ang), torch.cos(ang)], dim=1)
    if out.shape[1] < dim:
        out = torch.cat([out, torch.zeros(length, dim - out.shape[1], device=device)], dim=1)
    return out[:, :dim]


def apply_rotary(x: torch.Tensor) -> torch.Tensor:
    """Rotate pairs of channels of ``x`` (B, H, L, dh) by angles proportional to the index."""
    length, dh = x.shape[-2], x.shape[-1]
    half = dh // 2
    freq = torch.exp(-math.log(10_000.0) * torch.arange(half, device=x.device) / half)
    ang = torch.arange(length, device=x.device, dtype=torch.float32)[:, None] * freq[None, :]
    cos, sin = torch.cos(ang).to(x.dtype), torch.sin(ang).to(x.dtype)
    x1, x2 = x[..., :half], x[..., half : 2 * half]
    rot = torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
    if 2 * half < dh:
        rot = torch.cat([rot, x[..., 2 * half :]], dim=-1)
    return rot


class AdditivePositions(nn.Module):
    """The schemes added to the token embedding: absolute, sinusoidal, clipped."""

    def __init__(self, schemes: tuple[str, ...], d_model: int, max_position: int, clip: int):
        super().__init__()
        self.schemes = schemes
        self.d_model = d_model
        self.max_position = max_position
        self.clip = clip
        self.absolute = nn.Embedding(max_position, d_model) if "absolute" in schemes else None
        self.clipped = nn.Embedding(clip + 1, d_model) if "clipped" in schemes else None

    def forward(self, length: int, device: torch.device) -> torch.Tensor | None:
        """(length, d_model) vector added at every index, or None if no additive scheme."""
        idx = torch.arange(length, device=device)
        out: torch.Tensor | None = None
        if self.absolute is not None:
            if length > self.max_position:
                raise ShapeError(
                    f"canvas length {length} exceeds the absolute position table "
                    f"({self.max_position}); use a scheme that extends (clipped, rotary, ...)"
                )
            out = self.absolute(idx)
        if "sinusoidal" in self.schemes:
            s = sinusoidal_table(length, self.d_model, device)
            out = s if out is None else out + s
        if self.clipped is not None:
            c = self.clipped(idx.clamp(max=self.clip))
            out = c if out is None else out + c
        return out
