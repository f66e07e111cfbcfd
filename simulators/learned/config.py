"""Configuration records of the learned policies (model shape and training run).

Every limit is an explicit field with a safe default and is validated before anything is
allocated, so a bad configuration is a :class:`~simulators.errors.UsageError`, never a torch
traceback or an out-of-memory crash.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from simulators.errors import UsageError

#: Position schemes an encoder can combine (see :mod:`simulators.learned.positions`).
POSITION_SCHEMES = ("absolute", "sinusoidal", "rotary", "clipped", "relative", "none")
#: Attention patterns: bidirectional (MDM / AP-MDM), causal (ARM), local window (bidirectional).
ATTENTION_KINDS = ("full", "causal", "local")

#: Largest model width / depth / canvas length we allow on CPU defaults; guards against typos
#: such as ``d_model=25600`` that would exhaust memory before the first step.
MAX_D_MODEL = 4096
MAX_LAYERS = 64
MAX_CANVAS = 1_000_000


@dataclass(frozen=True)
class ModelConfig:
    """Shape of the encoder transformer used as AP-MDM, MDM or (causal) ARM.

    ``positions`` is a tuple of schemes applied together, e.g. ``("clipped", "relative")``:
    ``absolute`` (learned index embedding, refuses canvases longer than ``max_position``),
    ``sinusoidal`` (fixed), ``rotary`` (rotates queries/keys), ``clipped`` (learned embedding of
    ``min(index, clip)``: the distance from BOS, clipped -- every position beyond ``clip`` looks
    the same), ``relative`` (learned per-head bias on the key-query offset clipped to
    ``+-window``), ``none``.
    """

    vocab_size: int
    d_model: int = 32
    n_heads: int = 2
    n_layers: int = 2
    d_ff: int = 64
    positions: tuple[str, ...] = ("absolute",)
    attention: str = "full"
    window: int = 2
    clip: int = 4
    max_position: int = 512
    pad_id: int | None = None
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if self.vocab_size < 2:
            raise UsageError(f"vocab_size must be >= 2, got {self.vocab_size}")
        if not 1 <= self.d_model <= MAX_D_MODEL:
            raise UsageError(f"d_model must be in 1..{MAX_D_MODEL}, got {self.d_model}")
        if self.n_heads < 1 or self.d_model % self.n_heads:
            raise UsageError(f"n_heads={self.n_heads} must divide d_model={self.d_model}")
        if self.positions and "rotary" in self.positions and (self.d_model // self.n_heads) % 2:
            raise UsageError("rotary positions need an even head width (d_model / n_heads)")
        if not 1 <= self.n_layers <= MAX_LAYERS:
            raise UsageError(f"n_layers must be in 1..{MAX_LAYERS}, got {self.n_layers}")
        if self.d_ff < 1:
            raise UsageError(f"d_ff must be >= 1, got {self.d_ff}")
        bad = [p for p in self.positions if p not in POSITION_SCHEMES]
        if bad:
            raise UsageError(f"unknown position scheme(s) {bad}; choose from {POSITION_SCHEMES}")
        if self.attention not in ATTENTION_KINDS:
            raise UsageError(f"unknown attention {self.attention!r}; choose from {ATTENTION_KINDS}")
        if self.window < 0 or self.clip < 0:
            raise UsageError("window and clip must be >= 0")
        if not 1 <= self.max_position <= MAX_CANVAS:
            raise UsageError(f"max_position must be in 1..{MAX_CANVAS}")
        if self.pad_id is not None and not 0 <= self.pad_id < self.vocab_size:
            raise UsageError(f"pad_id {self.pad_id} is not an id 0..{self.vocab_size - 1}")
        if not 0.0 <= self.dropout < 1.0:
            raise UsageError("dropout must be in [0, 1)")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["positions"] = list(self.positions)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        d = dict(d)
        d["positions"] = tuple(d.get("positions", ()))
        return cls(**d)


@dataclass(frozen=True)
class TrainConfig:
    """One training run: AdamW on the summed losses (CE on tokens + BCE on each control bit)."""

    steps: int = 500
    batch_size: int = 64
    lr: float = 3e-3
    weight_decay: float = 0.01
    warmup: int = 20
    grad_clip: float = 1.0
    seed: int = 0
    device: str = "cpu"
    progress: bool = True
    bit_weight: float = 1.0
    token_weight: float = 1.0
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.steps < 0 or self.batch_size < 1:
            raise UsageError("steps must be >= 0 and batch_size >= 1")
        if self.lr <= 0:
            raise UsageError("lr must be > 0")

    def to_dict(self) -> dict:
        return asdict(self)
