"""Learned networks wrapped as the engines' policies (``policy(canvas, rng) -> decision``).

The wrappers are the *only* bridge between a network and a process: inference goes through the
same engines and the same ``g`` (``simulators.processes.apmdm_transition``) as the
constructions, so a learned policy can never use a different transition than the one its data
came from (a known problem of the public release, docs/paper.md §3.1).

Each wrapper also offers ``decide_batch(canvases, rng)`` -- one forward pass for many canvases --
used by the lock-step runners in :mod:`simulators.learned.batched`. By default decisions are
greedy (argmax token, ``sigmoid(logit) > 0.5`` per bit, docs/paper.md §1.4) and do not consume
``rng``. With ``sample=True`` (a *stochastic* AP-MDM / ARM, e.g. the Theorem 5 generator) tokens
are drawn from the softmax and each bit from Bernoulli(sigmoid(logit)), using the engine's ``rng``
only -- never global random state.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from simulators.errors import UsageError
from simulators.learned.model import ModelOutput, PolicyTransformer
from simulators.processes import APMDMDecision, MDMDecision
from simulators.processes.vocab import BaseVocab

#: Largest number of attention-score cells (batch x heads x L x L) one dense forward may hold;
#: larger batches are split, and a single canvas beyond it is refused before allocating.
MAX_DENSE_CELLS = 64_000_000
#: Largest number of tokens one forward pass may hold (any attention kind).
MAX_BATCH_TOKENS = 2_000_000


class _Wrapper:
    """Shared machinery: padding, chunking by memory budget, device placement."""

    def __init__(self, model: PolicyTransformer, vocab: BaseVocab, device: str = "cpu", *,
                 sample: bool = False) -> None:
        self.sample = sample
        if model.cfg.vocab_size < len(vocab):
            raise UsageError(f"model has {model.cfg.vocab_size} token ids, vocabulary {len(vocab)}")
        self.model = model.train(False).to(device)
        self.vocab = vocab
        self.device = torch.device(device)
        self.pad = model.cfg.pad_id if model.cfg.pad_id is not None else 0
        # Only real vocabulary ids may be produced (the padding id, if any, is excluded).
        allowed = torch.full((model.cfg.vocab_size,), float("-inf"))
        allowed[: len(vocab)] = 0.0
        self.allowed = allowed.to(self.device)
        # A learned absolute position table ends somewhere: the lock-step runners halt a canvas
        # that would outgrow it (a recorded halting reason, not a ShapeError mid-run).
        self.max_canvas_length: int | None = (model.cfg.max_position if "absolute" in
                                              model.cfg.positions else None)

    def _chunks(self, lengths: np.ndarray) -> list[np.ndarray]:
        """Split canvas indices into groups whose padded forward pass fits the budgets."""
        order = np.arange(len(lengths))
        width = int(lengths.max()) if len(lengths) else 0
        # A dense mask is materialised only for padded batches or relative bias (see attention).
        same = bool((lengths == width).all()) and "relative" not in self.model.cfg.positions
        dense = self.model.cfg.attention != "local" and not same
        per_canvas = max(width, 1) * (self.model.cfg.n_heads * width if dense else 1)
        if per_canvas > (MAX_DENSE_CELLS if dense else MAX_BATCH_TOKENS):
            raise UsageError(f"a canvas of length {width} is too long for this model's "
                             f"{self.model.cfg.attention} attention on the memory budget")
        step = max(1, min(len(lengths), (MAX_DENSE_CELLS if dense else MAX_BATCH_TOKENS)
                          // per_canvas))
        return [order[i : i + step] for i in range(0, len(order), step)]

    @torch.inference_mode()
    def forward_batch(self, canvases: Sequence[np.ndarray], rng: np.random.Generator | None = None,
                      ) -> list[tuple[np.ndarray, ...]]:
        """Per canvas: (token, its probability, control logits (L, 3)) as numpy; the token is the
        argmax, or a draw from the softmax (with ``rng``) when the wrapper samples."""
        lengths = np.array([len(c) for c in canvases], dtype=np.int64)
        results: list[tuple[np.ndarray, ...]] = [()] * len(canvases)
        for group in self._chunks(lengths):
            width = int(lengths[group].max())
            toks = np.full((len(group), width), self.pad, dtype=np.int64)
            for row, k in enumerate(group):  # per canvas (not per token): fills one padded row
                toks[row, : lengths[k]] = canvases[k]
            t = torch.from_numpy(toks).to(self.device)
            valid = torch.arange(width, device=self.device)[None, :] < torch.from_numpy(
                lengths[group]).to(self.device)[:, None]
            with torch.autocast(self.device.type, dtype=torch.bfloat16,
                                enabled=self.device.type == "cuda"):
                out: ModelOutput = self.model(t, valid)
            logits = out.token_logits.float() + self.allowed
            probs = torch.softmax(logits, -1)
            prob, tok = probs.max(-1)
            ctrl = out.control_logits.float()
            tok_np, prob_np, ctrl_np = tok.cpu().numpy(), prob.cpu().numpy(), ctrl.cpu().numpy()
            if self.sample:
                tok_np, prob_np = _draw(probs.cpu().numpy(), _need_rng(rng))
            for row, k in enumerate(group):
                n = lengths[k]
                results[k] = (tok_np[row, :n], prob_np[row, :n], ctrl_np[row, :n])
        return results


def _need_rng(rng: np.random.Generator | None) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise UsageError("a sampling policy needs the engine's numpy Generator")
    return rng


def _draw(probs: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One categorical draw per position from (B, L, V) probabilities (inverse-CDF, vectorised)."""
    cdf = np.cumsum(probs, axis=-1)
    u = rng.random(probs.shape[:-1])[..., None] * cdf[..., -1:]
    tok = np.minimum((cdf < u).sum(-1), probs.shape[-1] - 1)
    return tok, np.take_along_axis(probs, tok[..., None], -1)[..., 0]


def _bits(ctrl: np.ndarray, sample: bool, rng: np.random.Generator | None) -> np.ndarray:
    """(L, 3) control bits: ``logit > 0`` (tau = 0.5) or Bernoulli(sigmoid(logit)) draws."""
    if not sample:
        return ctrl > 0
    p = 1.0 / (1.0 + np.exp(-ctrl))
    return _need_rng(rng).random(ctrl.shape) < p


class LearnedAPMDMPolicy(_Wrapper):
    """A network as an AP-MDM policy: ``y`` = argmax token, bits = ``logit > 0`` (tau = 0.5);
    or, with ``sample=True``, drawn from the network's distributions."""

    def decide_batch(self, canvases: Sequence[np.ndarray],
                     rng: np.random.Generator | None = None) -> list[APMDMDecision]:
        out = []
        for tok, _, c in self.forward_batch(canvases, rng):
            b = _bits(c, self.sample, rng)
            out.append(APMDMDecision(y=tok.astype(np.int64), remask=b[:, 0], insert=b[:, 1],
                                     delete=b[:, 2]))
        return out

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator) -> APMDMDecision:
        return self.decide_batch([np.asarray(canvas)], rng)[0]


class LearnedMDMPolicy(_Wrapper):
    """A network as an MDM policy: tokens = argmax, confidence = max probability; ``fill`` is the
    learned "fill now" bit (control channel 0) when ``learned_fill``, and falls back to the single
    most confident mask so every step fills at least one (an MDM must, docs/paper.md §1.2)."""

    def __init__(self, model: PolicyTransformer, vocab: BaseVocab, device: str = "cpu", *,
                 learned_fill: bool = False) -> None:
        super().__init__(model, vocab, device)  # greedy: MDM decoding here is deterministic
        self.learned_fill = learned_fill
        # How often the learned fill bit fired nowhere and the most confident mask was filled
        # instead (reported beside every learned-fill result), out of how many decisions.
        self.fallback_fills = 0
        self.fill_decisions = 0
        # An MDM fills masks with real tokens: never propose the mask itself.
        self.allowed[vocab.mask_id] = float("-inf")

    def decide_batch(self, canvases: Sequence[np.ndarray],
                     rng: np.random.Generator | None = None) -> list[MDMDecision]:
        out = []
        for canvas, (tok, prob, c) in zip(canvases, self.forward_batch(canvases), strict=True):
            is_mask = np.asarray(canvas) == self.vocab.mask_id
            fill = None
            if self.learned_fill:
                fill = (c[:, 0] > 0) & is_mask
                self.fill_decisions += 1
                if not fill.any() and is_mask.any():
                    fill[np.flatnonzero(is_mask)[np.argmax(prob[is_mask])]] = True
                    self.fallback_fills += 1
            out.append(MDMDecision(tokens=tok.astype(np.int64), fill=fill,
                                   confidence=prob.astype(np.float64)))
        return out

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator) -> MDMDecision:
        return self.decide_batch([np.asarray(canvas)], rng)[0]


class LearnedARMPolicy(_Wrapper):
    """A causal network as an ARM policy: the argmax token at the last position."""

    def __init__(self, model: PolicyTransformer, vocab: BaseVocab, device: str = "cpu", *,
                 sample: bool = False) -> None:
        if model.cfg.attention != "causal":
            raise UsageError("an ARM policy needs a model with attention='causal'")
        super().__init__(model, vocab, device, sample=sample)
        self.allowed[vocab.mask_id] = float("-inf")

    def decide_batch(self, canvases: Sequence[np.ndarray],
                     rng: np.random.Generator | None = None) -> list[int]:
        return [int(tok[-1]) for tok, _, _ in self.forward_batch(canvases, rng)]

    def __call__(self, canvas: np.ndarray, rng: np.random.Generator) -> int:
        return self.decide_batch([np.asarray(canvas)], rng)[0]
