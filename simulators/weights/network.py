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

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
from torch import nn


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` torch intra-op threads (None: leave the setting), restoring the
    caller's after. Why: a compiled network's ops are small (a canvas of ~10^3 rows, a few
    columns each), and extra threads only synchronise -- on the loaded 2-core box Theorem 4
    prefix_sum n = 32 ran 20.5 s with one thread, 238 s with two (docs/compiler.md, "Speed")."""
    before = torch.get_num_threads()
    if n is not None and n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def _param(data: Any, dtype: torch.dtype) -> nn.Parameter:
    return nn.Parameter(torch.as_tensor(np.asarray(data, dtype=np.float64)).to(dtype),
                        requires_grad=False)


def _index(data: list[int]) -> torch.Tensor:
    return torch.as_tensor(data, dtype=torch.long)


#: Embedding column kinds: the id itself, its square ``(v - lo)^2``, an indicator ``[v == t]``,
#: or a comparison ``[t pred v]`` (pred 0..3 = ``<``, ``<=``, ``>``, ``>=``).
COL_VALUE, COL_SQUARE, COL_ONEHOT, COL_THERMO = 0, 1, 2, 3


def embedding_rows(ids: torch.Tensor, kinds: torch.Tensor, ts: torch.Tensor,
                   preds: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Rows of an embedding table for the ids ``ids``: column ``j`` is defined by
    ``(kinds[j], ts[j], preds[j])`` (see the COL_* constants). The table of a vocabulary of V
    ids is ``embedding_rows(arange(V), ...)``; generating only the rows a canvas uses is the
    same lookup without materialising V rows (Theorem 4's vocabulary has ~2^(b+4) ids)."""
    v = ids.to(torch.float64).unsqueeze(-1)
    t = ts.to(torch.float64)
    value = v.expand(*v.shape[:-1], t.shape[0])
    square = (v - t) ** 2
    onehot = (v == t).to(torch.float64)
    thermo = torch.where(preds == 0, t < v, torch.where(preds == 1, t <= v,
                         torch.where(preds == 2, t > v, t >= v))).to(torch.float64)
    out = torch.where(kinds == COL_VALUE, value, torch.where(
        kinds == COL_SQUARE, square, torch.where(kinds == COL_ONEHOT, onehot, thermo)))
    return out.to(dtype)


class Embedding(nn.Module):
    """Token embedding (over ids ``tok_lo..tok_hi``) + positional embedding (over ``0..S-1``)
    + the noise channels of a stochastic program, each written into its residual columns."""

    tok_dims: torch.Tensor
    pos_dims: torch.Tensor
    noise_dims: torch.Tensor
    tok_kinds: torch.Tensor
    tok_ts: torch.Tensor
    tok_preds: torch.Tensor
    pos_kinds: torch.Tensor
    pos_ts: torch.Tensor
    pos_preds: torch.Tensor

    def __init__(self, tok_dims: list[int], tok_cols: list[tuple[int, int, int]],
                 tok_range: tuple[int, int], pos_dims: list[int],
                 pos_cols: list[tuple[int, int, int]], max_length: int, noise_dims: list[int],
                 d_model: int, dtype: torch.dtype) -> None:
        super().__init__()
        self.d_model = d_model
        self.dtype = dtype
        self.tok_range = tok_range
        self.max_length = max_length
        for prefix, dims, cols in (("tok", tok_dims, tok_cols), ("pos", pos_dims, pos_cols)):
            self.register_buffer(f"{prefix}_dims", _index(dims))
            self.register_buffer(f"{prefix}_kinds", _index([c[0] for c in cols]))
            self.register_buffer(f"{prefix}_ts", _index([c[1] for c in cols]))
            self.register_buffer(f"{prefix}_preds", _index([c[2] for c in cols]))
        self.register_buffer("noise_dims", _index(noise_dims))

    @property
    def vocab_rows(self) -> int:
        return self.tok_range[1] - self.tok_range[0] + 1 if len(self.tok_dims) else 0

    def token_table(self) -> torch.Tensor:
        """The token embedding table, materialised (rows ``tok_lo..tok_hi``)."""
        ids = torch.arange(self.tok_range[0], self.tok_range[1] + 1, device=self.tok_ts.device)
        return embedding_rows(ids, self.tok_kinds, self.tok_ts, self.tok_preds, self.dtype)

    def position_table(self) -> torch.Tensor:
        ids = torch.arange(self.max_length, device=self.pos_ts.device)
        return embedding_rows(ids, self.pos_kinds, self.pos_ts, self.pos_preds, self.dtype)

    def forward(self, tokens: torch.Tensor, noise: torch.Tensor | None) -> torch.Tensor:
        b, n = tokens.shape
        x = torch.zeros(b, n, self.d_model, dtype=self.dtype, device=tokens.device)
        if len(self.tok_dims):
            x[..., self.tok_dims] = embedding_rows(tokens, self.tok_kinds, self.tok_ts,
                                                   self.tok_preds, self.dtype)
        pos = torch.arange(n, device=tokens.device)
        x[..., self.pos_dims] = embedding_rows(pos, self.pos_kinds, self.pos_ts, self.pos_preds,
                                               self.dtype).unsqueeze(0).expand(b, n, -1)
        if len(self.noise_dims):
            assert noise is not None
            x[..., self.noise_dims] = noise.to(x.dtype)
        return x


class Attention(nn.Module):
    """One head: ``softmax([Q.sink_k, Q K^T]) [sink_v, V]`` added to residual dim ``out``."""

    q_dims: torch.Tensor
    k_dims: torch.Tensor
    v_dims: torch.Tensor
    #: uid of the program node the head realises (set by the compiler; -1: unknown, e.g. a
    #: network rebuilt from an export): the sparse evaluation's candidate keys come from it.
    node_uid: int = -1

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
        return self.delta_from(x[..., self.in_dims])

    def delta_from(self, x_in: torch.Tensor) -> torch.Tensor:
        """The same from the columns ``in_dims`` already gathered (the sparse path)."""
        return torch.relu(x_in @ self.w_in.T + self.b_in) @ self.w_out.T

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.index_add(-1, self.out_dims, self.delta(x))
