"""The encoder transformer used for every learned policy in the project.

One network, three uses (docs/learned.md):

* **AP-MDM** -- bidirectional attention; a token head gives ``y`` and three control heads give
  ``remask / insert / delete`` as ``sigmoid(logit) > 0.5`` (docs/paper.md §1.4, tau = 0.5);
* **MDM** -- the same network, token head only, masks filled by confidence;
* **ARM** -- ``attention="causal"``; the token head at the last position is the next token.

Position information is recomputed on every forward pass from the current canvas length: an
AP-MDM's canvas is re-indexed after each insert/delete.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from simulators.learned.attention import SelfAttention
from simulators.learned.config import ModelConfig
from simulators.learned.positions import AdditivePositions


@dataclass
class ModelOutput:
    """Logits of one forward pass: tokens (B, L, V) and control bits (B, L, 3)."""

    token_logits: torch.Tensor
    control_logits: torch.Tensor


class _Block(nn.Module):
    """Pre-norm transformer block: attention then a two-layer MLP, each residual."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = SelfAttention(
            cfg.d_model,
            cfg.n_heads,
            cfg.attention,
            cfg.window,
            rotary="rotary" in cfg.positions,
            relative="relative" in cfg.positions,
        )
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.d_model, cfg.d_ff), nn.GELU(), nn.Linear(cfg.d_ff, cfg.d_model)
        )
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        x = x + self.drop(self.attn(self.ln1(x), valid))
        return x + self.drop(self.mlp(self.ln2(x)))


class PolicyTransformer(nn.Module):
    """Encoder transformer with a token head and remask/insert/delete heads."""

    CONTROL_NAMES = ("remask", "insert", "delete")

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos = AdditivePositions(cfg.positions, cfg.d_model, cfg.max_position, cfg.clip)
        self.blocks = nn.ModuleList(_Block(cfg) for _ in range(cfg.n_layers))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.token_head = nn.Linear(cfg.d_model, cfg.vocab_size)
        self.control_head = nn.Linear(cfg.d_model, 3)

    def forward(self, tokens: torch.Tensor, valid: torch.Tensor | None = None) -> ModelOutput:
        """``tokens`` (B, L) int64; ``valid`` (B, L) bool, False on right padding."""
        if valid is None:
            valid = torch.ones_like(tokens, dtype=torch.bool)
        x = self.embed(tokens)
        p = self.pos(tokens.shape[1], tokens.device)
        if p is not None:
            x = x + p[None].to(x.dtype)
        for block in self.blocks:
            x = block(x, valid)
        x = self.ln_f(x)
        return ModelOutput(self.token_head(x), self.control_head(x))

    def parameter_count(self) -> int:
        """Exact number of trainable scalars (reported in every manifest and result row)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)
