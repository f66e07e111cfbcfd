"""The encoder transformer: exact parameter counts, heads, positions, attention locality."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from simulators.errors import ShapeError, UsageError
from simulators.learned.config import ModelConfig, TrainConfig
from simulators.learned.data import Rows, pack
from simulators.learned.model import PolicyTransformer
from simulators.learned.train import build_model, losses
from tests.learned.helpers import recipe_config


def expected_params(v: int, d: int, f: int, layers: int, max_pos: int) -> int:
    """Independent count for absolute positions + full attention (no relative/edge params)."""
    per_layer = 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + (d * f + f) + (f * d + d)
    return v * d + max_pos * d + layers * per_layer + 2 * d + (d * v + v) + (3 * d + 3)


@pytest.mark.parametrize(("d", "f", "layers"), [(8, 16, 1), (32, 64, 3)])
def test_parameter_count_is_exact(d: int, f: int, layers: int) -> None:
    cfg = ModelConfig(vocab_size=7, d_model=d, n_heads=2, n_layers=layers, d_ff=f,
                      positions=("absolute",), max_position=50)
    assert PolicyTransformer(cfg).parameter_count() == expected_params(7, d, f, layers, 50)


def test_bad_configs_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        ModelConfig(vocab_size=5, d_model=10, n_heads=3)
    with pytest.raises(UsageError):
        ModelConfig(vocab_size=5, positions=("alibi",))
    with pytest.raises(UsageError):
        ModelConfig(vocab_size=5, attention="sparse")


def test_absolute_positions_refuse_longer_canvases() -> None:
    m = PolicyTransformer(ModelConfig(vocab_size=5, max_position=8))
    with pytest.raises(ShapeError):
        m(torch.zeros(1, 9, dtype=torch.long))


def test_initialisation_depends_on_seed_only() -> None:
    a, b, c = (build_model(recipe_config(), s) for s in (3, 3, 4))
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)


@pytest.mark.parametrize("attention", ["full", "causal", "local"])
def test_padding_does_not_change_outputs(attention: str) -> None:
    positions = ("clipped", "relative") if attention == "local" else ("rotary", "relative")
    m = build_model(recipe_config(attention=attention, positions=positions), 0).eval()
    x = torch.tensor([[3, 0, 1, 1, 0]])
    padded = torch.tensor([[3, 0, 1, 1, 0, 4, 4]])
    valid = torch.tensor([[True] * 5 + [False] * 2])
    with torch.no_grad():
        a, b = m(x), m(padded, valid)
    assert torch.allclose(a.control_logits, b.control_logits[:, :5], atol=1e-5)
    assert torch.allclose(a.token_logits, b.token_logits[:, :5], atol=1e-5)


def test_causal_outputs_ignore_the_future() -> None:
    m = build_model(recipe_config(attention="causal", positions=("rotary",)), 0).eval()
    x = torch.tensor([[3, 0, 1, 1, 0, 1]])
    y = x.clone()
    y[0, 4:] = torch.tensor([1, 0])
    with torch.no_grad():
        assert torch.allclose(m(x).token_logits[:, :4], m(y).token_logits[:, :4], atol=1e-5)


def test_local_attention_sees_only_its_radius() -> None:
    m = build_model(recipe_config(n_layers=2, window=1), 0).eval()  # radius 2
    x = torch.tensor([[3, 0, 1, 1, 0, 1, 0, 0, 1, 1]])
    y = x.clone()
    y[0, 9] = 0  # position 9 is > 2 away from positions 0..6
    with torch.no_grad():
        a, b = m(x).control_logits, m(y).control_logits
    assert torch.allclose(a[:, :7], b[:, :7], atol=1e-6)
    assert not torch.allclose(a[:, 7:], b[:, 7:], atol=1e-6)


def test_every_head_receives_gradient() -> None:
    """One batch with unmask, remask, insert and delete targets reaches all four heads."""
    mask = 2
    x = np.array([3, mask, 0, 1, mask])
    bits = np.array([[0, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0], [0, 0, 1]], dtype=bool)
    row = Rows(x, np.array([3, 1, 0, 1, 0]), np.array([0, 1, 0, 0, 0], bool), bits,
               np.ones(5, bool))
    data = pack([row], pad_id=4, seed=0, kind="test")
    m = build_model(recipe_config(), 0)
    total, tok, bit = losses(m, data.batch(np.array([0])), TrainConfig())
    total.backward()
    assert tok.item() > 0 and bit.item() > 0
    assert m.token_head.weight.grad.abs().sum() > 0
    for j in range(3):  # remask, insert, delete rows of the control head
        assert m.control_head.weight.grad[j].abs().sum() > 0
