"""What a compiled network reports about itself beyond ``CompiledNetwork.size()``: the precision
a run needs, and the ``network`` block of a construction report (docs/compiler.md, "Sizes").

Why a separate block builder: ``size()`` also carries the *program's* ``depth`` and
``width_bits`` (the encoder's cost), while the compiled stack can have more sublayers than the
program's cost counts -- ``length()`` is a source in the program but a count head in the network
(Theorem 5's step program: 1 attention layer by ``Program.cost()``, 2 in the network). A report of
the weights backend must describe the network that ran, so its layer counts come from the stack
and the program's own counts are kept under ``program_*`` names.
"""

from __future__ import annotations

import math
from typing import Any

#: Keys of the weights backend's ``network`` block read off the compiled network (the issue's
#: list): sublayers, ReLU layers, heads, residual width, widest ReLU layer, dense parameters.
NETWORK_SIZE_KEYS = ("attention_layers", "mlp_layers", "relu_depth", "heads", "d_model",
                     "max_hidden_width", "parameters", "dtype")


def magnitude_bits(net: Any) -> int:
    """Integer bits of the largest ``|value|`` any residual dimension of ``net`` may hold (its
    declared range): the precision a run needs before fractions -- the paper's log-precision
    assumption made concrete: ``M.bit_length()`` for the largest magnitude ``M``. A float
    format with a ``p``-bit significand (float64: 53) holds every integer up to ``M`` exactly if
    this is at most ``p``. Computed on integers: ``ceil(log2(M + 1))`` in floats rounds ``M + 1``
    back to ``M`` from 2^53 on and says 52 for ``M = 2^52``, which takes 53 bits."""
    biggest = max((max(abs(a), abs(b)) for a, b in zip(net.residual_lo, net.residual_hi,
                                                         strict=True)), default=1.0)
    return max(1, int(math.ceil(biggest)).bit_length())


def weights_network_block(net: Any) -> dict[str, Any]:
    """The ``network`` block of a run on the compiled network ``net`` (also the ``size`` of an
    export, simulators/weights/export.py).

    :data:`NETWORK_SIZE_KEYS` and ``depth`` (= attention + MLP sublayers: the stack is one
    sequence) come from ``net``; ``stored_parameters``, ``gap`` (inverse temperature) and
    ``magnitude_bits`` too. The compiled program's own cost gives ``width_bits`` and
    ``program_depth`` / ``program_attention_layers`` / ``program_mlp_layers`` /
    ``program_heads``.
    """
    size = dict(net.size())
    cost = net.program.cost()
    out: dict[str, Any] = {f"program_{k}": int(getattr(cost, k))
                           for k in ("depth", "attention_layers", "mlp_layers", "heads")}
    out["width_bits"] = int(cost.width_bits)
    for key in NETWORK_SIZE_KEYS + ("stored_parameters", "gap"):
        out[key] = str(size[key]) if key == "dtype" else size[key]
    out["depth"] = int(size["attention_layers"]) + int(size["mlp_layers"])
    out["magnitude_bits"] = magnitude_bits(net)
    return out
