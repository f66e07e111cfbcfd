"""The compiled network as a ``torch.nn.Module`` built from standard parts.

* :class:`Embedding`: token embedding (a table over the declared token ids) + positional
  embedding (a table over positions ``0..S-1``; it holds the position and, where heads need them,
  its square / one-hot / thermometer features -- static features of a position) + the noise input
  of a stochastic program (one channel per ``random_uniform`` source, copied into its dimension).
* :class:`Attention`: one softmax head; query/key/value projections are linear maps of the
  residual (stored as the columns they read: the other weights are zero), one sink key/value
  (``add_bias_kv``), an output projection into one residual dimension.
* :class:`MLPLevel`: ``x += W_out ReLU(W_in x + b_in)``.
* output heads: affine readouts, rounded (the argmax of the logits ``2vy - v^2`` over values).

Weights are stored compactly (only the residual columns a map reads or writes); a dense
transformer with these weights is the same function, and :meth:`CompiledNetwork.size` reports
its dense parameter count.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn


def _param(data: Any, dtype: torch.dtype) -> nn.Parameter:
    return nn.Parameter(torch.as_tensor(np.asarray(data, dtype=np.float64)).to(dtype),
                        requires_grad=False)


def _index(data: list[int]) -> torch.Tensor:
    return torch.as_tensor(data, dtype=torch.long)


class Embedding(nn.Module):
    tok_dims: torch.Tensor
    pos_dims: torch.Tensor
    noise_dims: torch.Tensor

    def __init__(self, tok_dims: list[int], tok_table: Any, tok_lo: int,
                 pos_dims: list[int], pos_table: Any, noise_dims: list[int],
                 d_model: int, dtype: torch.dtype) -> None:
        super().__init__()
        self.d_model = d_model
        self.tok_lo = tok_lo
        self.register_buffer("tok_dims", _index(tok_dims))
        self.tok_table = _param(tok_table, dtype)
        self.register_buffer("pos_dims", _index(pos_dims))
        self.pos_table = _param(pos_table, dtype)
        self.register_buffer("noise_dims", _index(noise_dims))

    def forward(self, tokens: torch.Tensor, noise: torch.Tensor | None) -> torch.Tensor:
        b, n = tokens.shape
        x = torch.zeros(b, n, self.d_model, dtype=self.tok_table.dtype, device=tokens.device)
        if len(self.tok_dims):
            x[..., self.tok_dims] = self.tok_table[tokens - self.tok_lo]
        if len(self.pos_dims):
            x[..., self.pos_dims] = self.pos_table[:n].unsqueeze(0).expand(b, n, -1)
        if len(self.noise_dims):
            assert noise is not None
            x[..., self.noise_dims] = noise.to(x.dtype)
        return x


class Attention(nn.Module):
    """One head: ``softmax([Q.sink_k, Q K^T]) [sink_v, V]`` added to residual dim ``out``."""

    q_dims: torch.Tensor
    k_dims: torch.Tensor
    v_dims: torch.Tensor

    def __init__(self, name: str, q_dims: list[int], wq: Any, bq: Any,
                 k_dims: list[int], wk: Any, bk: Any, v_dims: list[int],
                 wv: Any, bv: float, sink_k: list[float], sink_v: float, out: int,
                 dtype: torch.dtype) -> None:
        super().__init__()
        self.name = name
        self.register_buffer("q_dims", _index(q_dims))
        self.register_buffer("k_dims", _index(k_dims))
        self.register_buffer("v_dims", _index(v_dims))
        self.wq, self.bq = _param(wq, dtype), _param(bq, dtype)
        self.wk, self.bk = _param(wk, dtype), _param(bk, dtype)
        self.wv, self.bv = _param(wv, dtype), _param([bv], dtype)
        self.sink_k, self.sink_v = _param(sink_k, dtype), _param([sink_v], dtype)
        self.out = out

    def forward(self, x: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        """The head's output at the query positions ``rows`` (all positions when None)."""
        xq = x if rows is None else x[:, rows]
        q = xq[..., self.q_dims] @ self.wq.T + self.bq           # (B, Lq, dh)
        k = x[..., self.k_dims] @ self.wk.T + self.bk            # (B, Lk, dh)
        v = x[..., self.v_dims] @ self.wv + self.bv              # (B, Lk)
        scores = q @ k.transpose(1, 2)                           # (B, Lq, Lk)
        sink = q @ self.sink_k                                   # (B, Lq)
        # softmax over [sink, keys], in place (the score matrix is the big allocation)
        top = torch.maximum(scores.amax(dim=-1), sink) if scores.shape[-1] else sink
        scores.sub_(top.unsqueeze(-1)).exp_()
        w_sink = torch.exp(sink - top)
        total = scores.sum(dim=-1) + w_sink
        out = (scores @ v.unsqueeze(-1)).squeeze(-1) + w_sink * self.sink_v
        return out / total


class MLPLevel(nn.Module):
    """``x[out_dims] += W_out ReLU(W_in x[in_dims] + b_in)`` (one ReLU layer)."""

    in_dims: torch.Tensor
    out_dims: torch.Tensor

    def __init__(self, name: str, in_dims: list[int], w_in: Any, b_in: Any,
                 out_dims: list[int], w_out: Any, dtype: torch.dtype) -> None:
        super().__init__()
        self.name = name
        self.register_buffer("in_dims", _index(in_dims))
        self.register_buffer("out_dims", _index(out_dims))
        self.w_in, self.b_in = _param(w_in, dtype), _param(b_in, dtype)
        self.w_out = _param(w_out, dtype)

    @property
    def width(self) -> int:
        return int(self.b_in.shape[0])

    def delta(self, x: torch.Tensor) -> torch.Tensor:
        """What the level adds to the residual columns ``out_dims``."""
        return torch.relu(x[..., self.in_dims] @ self.w_in.T + self.b_in) @ self.w_out.T

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.index_add(-1, self.out_dims, self.delta(x))
