"""Greedy ARM decoding with a key/value cache: the outcomes of ``run_arm_batched`` with a greedy
:class:`~simulators.learned.policies.LearnedARMPolicy`, without re-reading the prefix.

``run_arm_batched`` asks the policy for one token per step and the policy runs the network over
the whole prefix each time, so a run of ``T`` generated tokens after a prompt of ``P`` costs
``O((P + T)^2)`` token-forwards per sequence -- the edit-imitating ARM of the max-flow experiment
(prompts ~110 tokens, scripts up to ~500, failing runs going on to the ~1,180-token limit) was
planned at hours of CPU there. A causal network's outputs at earlier positions never change
when a token is appended, so each layer's keys and values are kept and only the new position is
computed: ``O(P + T)`` token-forwards, the same decisions.

The halting rules are ``run_arm_batched``'s (and so ``run_arm``'s), in its order: the length
limit, the position table, a bad token, the end token. Prompts of equal length are decoded
together (one group per length, so no padding enters the arithmetic). Only the additive
position schemes ``absolute`` / ``sinusoidal`` are supported (the cache stores keys that a
rotary or relative scheme would have to recompute); others are refused with ``UsageError``.
The arithmetic is the same as the full forward's but ordered differently, so logits agree to
float rounding; ``tests/learned/test_cached_arm.py`` checks that whole runs end identically.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from simulators.errors import UsageError
from simulators.learned.batched import RunOutcome
from simulators.learned.model import PolicyTransformer
from simulators.learned.positions import sinusoidal_table
from simulators.processes import HaltReason
from simulators.processes.recorder import check_initial, check_limit
from simulators.processes.vocab import BaseVocab

_TABLE_MSG = "a canvas of {} positions exceeds the model's position table ({})"


def _check_model(model: PolicyTransformer) -> None:
    cfg = model.cfg
    if cfg.attention != "causal":
        raise UsageError("cached ARM decoding needs a model with attention='causal'")
    if not set(cfg.positions) <= {"absolute", "sinusoidal"}:
        raise UsageError(f"cached ARM decoding supports absolute / sinusoidal positions only, "
                         f"not {cfg.positions}")


class _Cache:
    """Keys and values of every layer for a group of equal-length sequences, preallocated."""

    def __init__(self, model: PolicyTransformer, rows: int, capacity: int,
                 device: torch.device) -> None:
        h = model.cfg.n_heads
        dh = model.cfg.d_model // h
        self.k = [torch.zeros(rows, h, capacity, dh, device=device) for _ in model.blocks]
        self.v = [torch.zeros(rows, h, capacity, dh, device=device) for _ in model.blocks]

    def keep(self, rows: torch.Tensor) -> None:
        self.k = [k[rows] for k in self.k]
        self.v = [v[rows] for v in self.v]


def _positions(model: PolicyTransformer, start: int, stop: int,
               device: torch.device) -> torch.Tensor | None:
    """The additive position vectors of indices ``start..stop-1`` (as the full forward adds)."""
    pos = model.pos
    out: torch.Tensor | None = None
    if pos.absolute is not None:
        out = pos.absolute(torch.arange(start, stop, device=device))
    if "sinusoidal" in pos.schemes:
        s = sinusoidal_table(stop, pos.d_model, device)[start:]
        out = s if out is None else out + s
    return out


def _forward(model: PolicyTransformer, tokens: torch.Tensor, start: int,
             cache: _Cache) -> torch.Tensor:
    """Logits of the last position after appending ``tokens`` (B, n) at index ``start``."""
    x = model.embed(tokens)
    n = tokens.shape[1]
    p = _positions(model, start, start + n, tokens.device)
    if p is not None:
        x = x + p[None].to(x.dtype)
    b, d = x.shape[0], x.shape[2]
    blocks: list[Any] = list(model.blocks)  # _Block modules (model.py)
    for layer, block in enumerate(blocks):
        attn = block.attn
        q, k, v = attn.qkv(block.ln1(x)).view(b, n, 3, attn.h, attn.dh).permute(2, 0, 3, 1, 4)
        cache.k[layer][:, :, start : start + n] = k
        cache.v[layer][:, :, start : start + n] = v
        keys = cache.k[layer][:, :, : start + n]
        vals = cache.v[layer][:, :, : start + n]
        # the prompt attends causally among itself; one new token attends to everything kept
        y = F.scaled_dot_product_attention(q, keys, vals, is_causal=n > 1)
        x = x + block.drop(attn.out(y.transpose(1, 2).reshape(b, n, d)))
        x = x + block.drop(block.mlp(block.ln2(x)))
    return model.token_head(model.ln_f(x[:, -1]))


@torch.inference_mode()
def run_arm_cached(model: PolicyTransformer, prompts: Sequence[object], vocab: BaseVocab, *,
                   max_length: int = 4096, device: str | torch.device = "cpu",
                   ) -> list[RunOutcome]:
    """Greedy decoding of every prompt; outcomes as ``run_arm_batched`` gives them for
    ``LearnedARMPolicy(model, vocab, device)``."""
    _check_model(model)
    max_length = check_limit(max_length, "max_length")
    if model.cfg.vocab_size < len(vocab):
        raise UsageError(f"model has {model.cfg.vocab_size} token ids, vocabulary {len(vocab)}")
    dev = torch.device(device)
    model = model.train(False).to(dev)
    # the policy's restriction: real vocabulary ids only, never the mask
    allowed = torch.full((model.cfg.vocab_size,), float("-inf"), device=dev)
    allowed[: len(vocab)] = 0.0
    allowed[vocab.mask_id] = float("-inf")
    table = model.cfg.max_position if "absolute" in model.cfg.positions else None
    cur = [check_initial(c, vocab, f"canvas[{k}]") for k, c in enumerate(prompts)]
    done: list[RunOutcome | None] = [None] * len(cur)
    by_length: dict[int, list[int]] = {}
    for k, c in enumerate(cur):
        by_length.setdefault(len(c), []).append(k)
    for length, members in by_length.items():
        _decode_group(model, cur, members, length, vocab, allowed, max_length, table, done, dev)
    return [d for d in done if d is not None]


def _decode_group(model: PolicyTransformer, cur: list[np.ndarray], members: list[int],
                  length: int, vocab: BaseVocab, allowed: torch.Tensor, max_length: int,
                  table: int | None, done: list[RunOutcome | None], dev: torch.device) -> None:
    """Decode the prompts ``members`` (all of ``length`` tokens) in lock-step."""
    capacity = max(length, min(max_length, table if table is not None else max_length))
    live = list(members)
    out: dict[int, list[int]] = {k: [] for k in members}

    def finish(k: int, halt: HaltReason, message: str = "") -> None:
        final = np.concatenate([cur[k], np.asarray(out[k], dtype=np.int64)])
        done[k] = RunOutcome(final, len(out[k]), halt, len(final), message)

    cache = _Cache(model, len(live), capacity, dev)
    step_input = torch.from_numpy(np.stack([cur[k] for k in live])).to(dev)
    pos = 0
    while True:
        n = length + pos  # every live sequence of the group has this many tokens
        keep = []
        for row, k in enumerate(live):  # halting checks before a step, in the runner's order
            if n >= max_length:
                finish(k, HaltReason.LENGTH_LIMIT, f"reached max_length={max_length}")
            elif table is not None and n > table:
                finish(k, HaltReason.LENGTH_LIMIT, _TABLE_MSG.format(n, table))
            else:
                keep.append(row)
        if len(keep) < len(live):
            if not keep:
                return
            rows = torch.tensor(keep, device=dev)
            cache.keep(rows)
            step_input = step_input[rows]
            live = [live[r] for r in keep]
        logits = _forward(model, step_input, n - step_input.shape[1], cache)
        probs = torch.softmax(logits.float() + allowed, -1)
        toks = probs.max(-1)[1].cpu().numpy()
        keep = []
        for row, (k, tok) in enumerate(zip(live, toks.tolist(), strict=True)):
            if tok == vocab.mask_id or not bool(vocab.contains(np.array([tok]))[0]):
                finish(k, HaltReason.INVALID, f"step {len(out[k]) + 1}: bad token {tok}")
                continue
            out[k].append(int(tok))
            if tok == vocab.eos_id:
                finish(k, HaltReason.END_TOKEN)
            else:
                keep.append(row)
        if not keep:
            return
        rows = torch.tensor(keep, device=dev)
        if len(keep) < len(live):
            cache.keep(rows)
            live = [live[r] for r in keep]
        step_input = torch.from_numpy(toks[keep][:, None].astype(np.int64)).to(dev)
        pos += 1
