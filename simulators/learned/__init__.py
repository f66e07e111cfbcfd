"""Trainable torch policies (optional extra ``[learn]``): the only place in ``simulators`` that
imports torch.

* ``config``      -- :class:`ModelConfig`, :class:`TrainConfig`
* ``model``       -- :class:`PolicyTransformer` (encoder; token head + remask/insert/delete heads)
* ``positions`` / ``attention`` -- position schemes and full / causal / local attention
* ``data``        -- datasets from ``Trace``s (process supervision) and input->output pairs
* ``train``       -- AdamW loop (bf16 on CUDA), rich progress bar
* ``checkpoint``  -- weights + manifest JSON
* ``policies``    -- networks wrapped as the engines' policies (AP-MDM, MDM, ARM)
* ``batched``     -- lock-step runners that agree with the engines, one forward pass per step
* ``local_eval``  -- exact O(L) evaluation of local-attention models on very long canvases
* ``evaluate``    -- accuracy / steps / halting summaries

See docs/learned.md.
"""

from simulators.learned.config import ModelConfig, TrainConfig
from simulators.learned.model import ModelOutput, PolicyTransformer

__all__ = ["ModelConfig", "ModelOutput", "PolicyTransformer", "TrainConfig"]
